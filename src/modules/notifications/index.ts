// Public api of the notifications module: send e-mails by writing an outbox row
// `addOutbox(tx, now, { topic: "email.send", key: "receipt:ord_…", payload: { template, to, data } })`.
export { emailsAdminRoutes } from "./routes.ts";
export { NOTIFICATION_JOBS, emailSendJob } from "./jobs.ts";
export { TEMPLATE_NAMES, renderTemplate, type TemplateName } from "./templates.ts";
export { listEmails, type SendEmailInput } from "./emails.ts";
export type { NotificationProvider } from "./providers.ts";
export { emailMessages, emailSettings } from "./notifications.tables.ts";

export * from "../tenancy/control.tables.ts";
export * from "../jobs/control-outbox.tables.ts";
export * from "../jobs/outbox-pending.tables.ts";
export * from "../modules/notifications/platform-emails.tables.ts";

// /v1/admin/emails: the store's e-mail log (the mailbox of the outbox provider) and its provider settings.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import { decodeCursor } from "../../kernel/pagination.ts";
import { emailView, getEmail, getProviderSettings, listEmails, setProviderSettings } from "./emails.ts";
import { Int } from "../../kernel/schema.ts";

const tags = ["E-mails"];
const Nullable = <T extends Parameters<typeof t.Union>[0][number]>(s: T) => t.Union([s, t.Null()]);

export const EmailSummary = t.Object({
  id: t.String(),
  key: t.String(),
  template: t.String(),
  to: t.String(),
  from: t.String(),
  subject: t.String(),
  provider: t.Union([t.Literal("outbox"), t.Literal("smtp")]),
  providerMessageId: Nullable(t.String()),
  createdAt: t.String({ format: "date-time" }),
});
export const EmailView = t.Composite([EmailSummary, t.Object({ html: t.String(), text: t.String() })]);

const ProviderSettingsView = t.Object({
  provider: t.Union([t.Literal("outbox"), t.Literal("smtp")]),
  fromAddress: Nullable(t.String()),
  fromName: Nullable(t.String()),
  smtp: Nullable(t.Object({ host: t.String(), port: Int(), secure: t.Boolean(), user: Nullable(t.String()), hasPassword: t.Boolean() })),
});

const ProviderSettingsBody = t.Object(
  {
    provider: t.Union([t.Literal("outbox"), t.Literal("smtp")]),
    fromAddress: t.Optional(t.String({ pattern: "^[^\\s@<>\",;]+@[^\\s@<>\",;]+$", maxLength: 254 })),
    fromName: t.Optional(t.String({ maxLength: 120 })),
    smtp: t.Optional(
      t.Object(
        {
          host: t.String({ minLength: 1, maxLength: 253, pattern: "^[A-Za-z0-9.:\\-\\[\\]]+$" }),
          port: Int({ minimum: 1, maximum: 65535 }),
          secure: t.Optional(t.Boolean()),
          // null as the settings view returns it, so what was read can be saved back.
          user: t.Optional(Nullable(t.String({ maxLength: 254 }))),
          password: t.Optional(
            Nullable(t.String({ maxLength: 1024, description: "Stored sealed; never returned. Omitted: the stored one is kept (same host); null: cleared" })),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const EmailQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 200 })),
  to: t.Optional(t.String({ maxLength: 254 })),
});

export const emailsAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/emails" })
    .use(adminAuth(platform))
    .get("", ({ ctx, query }) => listEmails(ctx, { limit: query.limit ?? 20, before: decodeCursor(query.cursor), to: query.to }), {
      permission: "emails:read",
      query: EmailQuery,
      response: { 200: pageOf(EmailSummary), ...ErrorResponses },
      detail: { tags, summary: "Rendered e-mails, newest first (the outbox provider's mailbox, and what SMTP sent)" },
    })
    .get("/provider", ({ ctx }) => getProviderSettings(ctx), {
      permission: "emails:read",
      response: { 200: ProviderSettingsView, ...ErrorResponses },
      detail: { tags, summary: "The store's e-mail provider" },
    })
    .put("/provider", ({ ctx, body }) => setProviderSettings(ctx, platform.config.masterKey, body, { allowPrivate: platform.config.webhooksAllowPrivate }), {
      permission: "emails:write",
      body: ProviderSettingsBody,
      response: { 200: ProviderSettingsView, ...ErrorResponses },
      detail: { tags, summary: "Choose the e-mail provider: outbox (development) or smtp (credentials sealed at rest, public hosts only)" },
    })
    .get("/:id", async ({ ctx, params }) => emailView(await getEmail(ctx, params.id)), {
      permission: "emails:read",
      params: t.Object({ id: t.String({ maxLength: 64 }) }),
      response: { 200: EmailView, ...ErrorResponses },
      detail: { tags, summary: "One e-mail with its HTML and text parts" },
    });

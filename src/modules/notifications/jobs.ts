// email.send: payload `{ template, to, data }` from an outbox row (topic "email.send", key e.g. "receipt:ord_…").
// From a store outbox it uses the store's provider; from the control outbox (no store) the platform's.
import { t } from "elysia";
import { defineJob, inputKey, type JobDefinition } from "../../jobs/define.ts";
import { sendEmail } from "./emails.ts";
import { TEMPLATE_NAMES } from "./templates.ts";

export const emailSendJob = defineJob({
  name: "email.send",
  input: t.Object(
    {
      template: t.Union(TEMPLATE_NAMES.map((n) => t.Literal(n))),
      to: t.String({ pattern: "^[^\\s@<>\",;]+@[^\\s@<>\",;]+\\.[^\\s@<>\",;]+$", maxLength: 254 }),
      data: t.Record(t.String(), t.Unknown()),
    },
    { additionalProperties: false },
  ),
  // SMTP servers refuse for a while (greylisting, outages): retry for about an hour and a half.
  retry: { attempts: 8, backoffMs: 30_000 },
  timeoutMs: 60_000,
  // Relayed jobs use the outbox row's key ("receipt:ord_…"); a direct enqueue is keyed by its whole input.
  key: inputKey,
  async handler(ctx, input) {
    const result = await sendEmail(ctx.platform, ctx.storeId, ctx.key, input);
    ctx.log.info("email", { template: input.template, result });
  },
});

export const NOTIFICATION_JOBS: JobDefinition[] = [emailSendJob];

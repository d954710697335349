// payment.void: relayed from the outbox row written when a payment that will not become an order is claimed
// released (payment-session.ts releaseUnusedPayment), five minutes later. Almost always the provider was told at once and
// the job finds nothing to do; if telling it failed (a network error, the provider down), the job tells it again
// until it is done: a void, or a refund when the payment was captured at the provider with no order, so the
// buyer's money is not held.
import { t } from "elysia";
import { defineJob, PermanentJobError, type JobDefinition } from "../../jobs/define.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { tellProviderReleased, VOID_RETRY_AFTER_MS } from "./payment-session.ts";

export const paymentVoidJob = defineJob({
  name: "payment.void",
  input: t.Object({ paymentId: t.String({ pattern: "^pay_" }) }, { additionalProperties: false }),
  // 1 min, doubling, capped at 1 h by bunqueue: 30 runs ≈ a day of provider outage.
  retry: { attempts: 30, backoffMs: 60_000 },
  timeoutMs: 120_000,
  key: (i) => `payment.void:${i.paymentId}`,
  relayDelayMs: VOID_RETRY_AFTER_MS,
  async handler(ctx, input) {
    if (ctx.storeId === null) throw new PermanentJobError("payments belong to a store");
    const c = await systemCtx(ctx.platform, ctx.storeId, "payment-void");
    const outcome = await tellProviderReleased(c, input.paymentId, { masterKey: ctx.platform.config.masterKey });
    if (outcome === "voided") ctx.log.warn("a payment void was retried and went through", { paymentId: input.paymentId });
  },
});

export const CHECKOUT_JOBS: JobDefinition[] = [paymentVoidJob];

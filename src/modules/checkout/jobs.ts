// payment.void: relayed from the outbox row written when a payment that will not become an order is claimed
// released (payment-session.ts releaseUnusedPayment), five minutes later. Almost always the provider was told at once and
// the job finds nothing to do; if telling it failed (a network error, the provider down), the job tells it again
// until it is done: a void, or a refund when the payment was captured at the provider with no order, so the
// buyer's money is not held.
import { t } from "elysia";
import { defineJob, PermanentJobError, type JobDefinition } from "../../jobs/define.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { AppError } from "../../kernel/errors.ts";
import { tellProviderReleased, VOID_RETRY_AFTER_MS } from "./payment-session.ts";
import { captureOrderIfDue } from "./complete.ts";

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

/**
 * The job runs this long after the order's commit: later than the capture made right after checkout can last (the
 * SDK's retries included), so the two do not overlap; they are serialized by the order's lock anyway.
 */
export const CAPTURE_RETRY_AFTER_MS = 5 * 60_000;

// payment.capture: relayed from the outbox row the order transaction writes on a store on automatic capture
// (complete.ts), CAPTURE_RETRY_AFTER_MS later. Almost always the capture right after checkout went through and the
// job finds the payment captured; after a crash between the commit and that capture, or a provider outage, it
// captures the order then, retrying for about a day. A refusal (the authorization canceled or expired, a sandbox
// payment on a store now live) is final: the order keeps its timeline entry and waits for the merchant.
export const paymentCaptureJob = defineJob({
  name: "payment.capture",
  input: t.Object({ orderId: t.String({ pattern: "^ord_" }) }, { additionalProperties: false }),
  retry: { attempts: 30, backoffMs: 60_000 },
  timeoutMs: 120_000,
  key: (i) => `payment.capture:${i.orderId}`,
  relayDelayMs: CAPTURE_RETRY_AFTER_MS,
  async handler(ctx, input) {
    if (ctx.storeId === null) throw new PermanentJobError("orders belong to a store");
    const c = await systemCtx(ctx.platform, ctx.storeId, "payment-capture");
    try {
      const outcome = await captureOrderIfDue(c, input.orderId, { masterKey: ctx.platform.config.masterKey, outbox: ctx.platform.outbox });
      if (outcome === "captured") ctx.log.warn("an order's automatic capture was made by the payment.capture job", { orderId: input.orderId });
    } catch (err) {
      // A 4xx answer (a conflict, a refusal) will not change by asking again; anything else (the network, a 5xx) may.
      if (err instanceof AppError && err.status < 500) throw new PermanentJobError(`capture refused: ${err.reason}`);
      throw err;
    }
  },
});

export const CHECKOUT_JOBS: JobDefinition[] = [paymentVoidJob, paymentCaptureJob];

// refund.settle: relayed from the outbox row written with every refund attempt, SETTLE_AFTER_MS later. Almost always
// the attempt was recorded long before and the job does nothing; one still requested is settled by asking the
// provider what it did (actions.ts, settleRefundAttempt).
import { t } from "elysia";
import { defineJob, PermanentJobError, type JobDefinition } from "../../jobs/define.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { settleRefundAttempt, SETTLE_AFTER_MS } from "./actions.ts";

const MAX_EARLY_HOPS = 6;

export const refundSettleJob = defineJob({
  name: "refund.settle",
  input: t.Object({ orderId: t.String({ pattern: "^ord_" }), refundId: t.String({ pattern: "^ref_" }) }, { additionalProperties: false }),
  // The provider may be down for a while: 1 min, doubling, capped at 1 h by bunqueue: 30 runs ≈ a day.
  retry: { attempts: 30, backoffMs: 60_000 },
  timeoutMs: 120_000,
  key: (i) => `refund.settle:${i.refundId}`,
  relayDelayMs: SETTLE_AFTER_MS,
  async handler(ctx, input) {
    if (ctx.storeId === null) throw new PermanentJobError("refund attempts belong to a store");
    const c = await systemCtx(ctx.platform, ctx.storeId, "refund-settle");
    const outcome = await settleRefundAttempt(c, input.orderId, input.refundId, { masterKey: ctx.platform.config.masterKey, outbox: ctx.platform.outbox });
    if (outcome === "early") {
      // Run before its delay (a clock moved back, scaled delays): it comes back later, as a job of its own rather
      // than a retry (retries are for failures and run out). A few hops at most: then it is a failure after all.
      const hops = ctx.key.split(":later:").length - 1;
      if (hops >= MAX_EARLY_HOPS) throw new Error(`refund attempt ${input.refundId} is still too young after ${hops} reschedules: is the clock right?`);
      await ctx.platform.jobs.enqueue(refundSettleJob, ctx.storeId, input, { delayMs: SETTLE_AFTER_MS, key: `${ctx.key}:later:${hops + 1}` });
      return;
    }
    if (outcome !== "settled") ctx.log.warn("refund attempt settled by asking the provider", { refundId: input.refundId, orderId: input.orderId, outcome });
  },
});

export const ORDER_JOBS: JobDefinition[] = [refundSettleJob];

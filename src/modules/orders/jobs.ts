// refund.settle: relayed from the outbox row written with every refund attempt, SETTLE_AFTER_MS later. Almost always
// the attempt was recorded long before and the job does nothing; one still requested is settled by asking the
// provider what it did (actions.ts, settleRefundAttempt).
import { t } from "elysia";
import { defineJob, PermanentJobError, type JobDefinition } from "../../jobs/define.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { settleRefundAttempt, SETTLE_AFTER_MS } from "./actions.ts";

export const refundSettleJob = defineJob({
  name: "refund.settle",
  input: t.Object({ orderId: t.String({ pattern: "^ord_" }), refundId: t.String({ pattern: "^ref_" }) }, { additionalProperties: false }),
  // The provider may be down for a while: keep asking for about a day (1 min, doubling).
  retry: { attempts: 12, backoffMs: 60_000 },
  timeoutMs: 120_000,
  key: (i) => `refund.settle:${i.refundId}`,
  relayDelayMs: SETTLE_AFTER_MS,
  async handler(ctx, input) {
    if (ctx.storeId === null) throw new PermanentJobError("refund attempts belong to a store");
    const c = await systemCtx(ctx.platform, ctx.storeId, "refund-settle");
    const outcome = await settleRefundAttempt(c, input.orderId, input.refundId, { masterKey: ctx.platform.config.masterKey, outbox: ctx.platform.outbox });
    // Early only when the queue ran it before its delay (a clock moved back): the retry comes back later.
    if (outcome === "early") throw new Error(`refund attempt ${input.refundId} is not ${SETTLE_AFTER_MS / 60_000} minutes old yet`);
    if (outcome !== "settled") ctx.log.warn("refund attempt settled by asking the provider", { refundId: input.refundId, orderId: input.orderId, outcome });
  },
});

export const ORDER_JOBS: JobDefinition[] = [refundSettleJob];

// /v1/admin/jobs: this store's queue (counts, failed and dead jobs with payload and last error), retry one or all.
import { Elysia, t } from "elysia";
import type { Platform } from "../platform.ts";
import { adminAuth } from "../http/auth.ts";
import { ErrorResponses } from "../http/models.ts";
import { Unavailable } from "../kernel/errors.ts";
import type { Ctx } from "../kernel/context.ts";
import { withTx } from "../db/tx.ts";
import { recordAudit } from "../modules/audit/index.ts";
import { jobStatus, retryAllDeadJobs, retryDeadJob } from "./status.ts";
import { Int } from "../kernel/schema.ts";

const audit = (ctx: Ctx, targetId: string | null, retried: number) =>
  withTx(ctx, (tx) => recordAudit(tx, ctx, { action: "jobs.retried", targetType: "job", targetId, after: { retried } }));

const tags = ["Jobs"];

const JobProblem = t.Object({
  id: t.String(),
  name: t.String(),
  storeId: t.Union([t.String(), t.Null()]),
  state: t.Union([t.Literal("failed"), t.Literal("dead")]),
  attempts: Int(),
  lastError: t.Union([t.String(), t.Null()]),
  payload: t.Unknown(),
  failedAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
});

const JobStatusView = t.Object({
  counts: t.Object({ waiting: Int(), active: Int(), delayed: Int(), failed: Int(), dead: Int() }),
  problems: t.Array(JobProblem),
});

function requireRunning(platform: Platform): void {
  if (!platform.jobs.running) throw new Unavailable("jobs.not_running", "The job workers are not running in this process");
}

export const jobsAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/jobs" })
    .use(adminAuth(platform))
    .get(
      "",
      ({ ctx }) => {
        requireRunning(platform);
        return jobStatus(platform, ctx.storeId);
      },
      {
        permission: "jobs:read",
        response: { 200: JobStatusView, ...ErrorResponses, 503: ErrorResponses[500] },
        detail: { tags, summary: "This store's jobs: counts, failed and dead jobs with payload and last error" },
      },
    )
    .post(
      "/retry",
      async ({ ctx }) => {
        requireRunning(platform);
        const retried = await retryAllDeadJobs(platform, ctx.storeId);
        if (retried > 0) await audit(ctx, null, retried);
        return { retried };
      },
      {
        permission: "jobs:write",
        response: { 200: t.Object({ retried: Int() }), ...ErrorResponses, 503: ErrorResponses[500] },
        detail: { tags, summary: "Retry every dead job of this store" },
      },
    )
    .post(
      "/:id/retry",
      async ({ ctx, params }) => {
        requireRunning(platform);
        await retryDeadJob(platform, ctx.storeId, params.id);
        await audit(ctx, params.id, 1);
        return { retried: 1 };
      },
      {
        permission: "jobs:write",
        params: t.Object({ id: t.String({ minLength: 1, maxLength: 300 }) }),
        response: { 200: t.Object({ retried: Int() }), ...ErrorResponses, 503: ErrorResponses[500] },
        detail: { tags, summary: "Retry one dead job" },
      },
    );

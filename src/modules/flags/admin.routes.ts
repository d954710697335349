import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import { ListQuery } from "../../kernel/pagination.ts";
import { createFlag, getFlag, listFlags, setFlagEnabled, transitionFlag, updateFlag } from "./flags.ts";
import { exposureSummary } from "./exposures.ts";
import { CreateFlagBody, ExposureSummary, FlagView, UpdateFlagBody } from "./flags.models.ts";

const IdParams = t.Object({ id: t.String({ maxLength: 64 }) });
const ListFlagsQuery = t.Object({
  ...ListQuery.properties,
  status: t.Optional(t.Union([t.Literal("draft"), t.Literal("running"), t.Literal("paused"), t.Literal("archived")])),
});
const tags = ["Flags"];
const one = { 200: FlagView, ...ErrorResponses, 409: ErrorResponses[422] };

const UPDATE_RULE = `Name, description, coverage, holdout and targeting change in place. Seed, variations, weights and
hashVersion decide which variation each visitor gets: on a draft they change in place; on a started flag (running or
paused) changing any of them creates a new version — \`version\` is incremented and, unless a new seed is given, the seed
becomes \`<key>:v<version>\`, so every visitor is re-randomized and exposures are counted per version. Weights need one
entry per variation and must sum to 1 (422 \`flag.weights_count\` / \`flag.weights_sum\`); when the number of
variations changes and no weights are given, weights become equal. An archived flag cannot change (409).`;

export const flagsAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/flags" })
    .use(adminAuth(platform))
    .get("", ({ ctx, query }) => listFlags(ctx, query), {
      permission: "flags:read",
      query: ListFlagsQuery,
      response: { 200: pageOf(FlagView), ...ErrorResponses },
      detail: { tags, summary: "List flags, newest first" },
    })
    .post(
      "",
      async ({ ctx, body, set }) => {
        const flag = await createFlag(ctx, body);
        set.status = 201;
        return flag;
      },
      {
        permission: "flags:write",
        body: CreateFlagBody,
        response: { 201: FlagView, ...ErrorResponses, 409: ErrorResponses[422] },
        detail: { tags, summary: "Create a flag (as a draft)", description: "Duplicate key → 409 `flag.key_taken`. Weights must match the variations and sum to 1 (422)." },
      },
    )
    .get("/:id", ({ ctx, params }) => getFlag(ctx, params.id), {
      permission: "flags:read",
      params: IdParams,
      response: { 200: FlagView, ...ErrorResponses },
      detail: { tags, summary: "One flag" },
    })
    .patch("/:id", ({ ctx, params, body }) => updateFlag(ctx, params.id, body), {
      permission: "flags:write",
      params: IdParams,
      body: UpdateFlagBody,
      response: one,
      detail: { tags, summary: "Update a flag (locked fields of a started flag create a new version)", description: UPDATE_RULE },
    })
    .post("/:id/start", ({ ctx, params }) => transitionFlag(ctx, params.id, "start"), {
      permission: "flags:write",
      params: IdParams,
      response: one,
      detail: { tags, summary: "Start (or resume) a flag: draft or paused → running" },
    })
    .post("/:id/pause", ({ ctx, params }) => transitionFlag(ctx, params.id, "pause"), {
      permission: "flags:write",
      params: IdParams,
      response: one,
      detail: { tags, summary: "Pause a running flag: everyone gets the default (DISABLED), assignments are kept" },
    })
    .post("/:id/archive", ({ ctx, params }) => transitionFlag(ctx, params.id, "archive"), {
      permission: "flags:write",
      params: IdParams,
      response: one,
      detail: { tags, summary: "Archive a flag: it is no longer served and can no longer change" },
    })
    .post("/:id/disable", ({ ctx, params }) => setFlagEnabled(ctx, params.id, false), {
      permission: "flags:write",
      params: IdParams,
      response: one,
      detail: { tags, summary: "Kill switch off: every visitor gets the default at once (reason DISABLED)" },
    })
    .post("/:id/enable", ({ ctx, params }) => setFlagEnabled(ctx, params.id, true), {
      permission: "flags:write",
      params: IdParams,
      response: one,
      detail: { tags, summary: "Kill switch back on" },
    })
    .get("/:id/exposures", ({ ctx, params }) => exposureSummary(ctx, params.id), {
      permission: "flags:read",
      params: IdParams,
      response: { 200: ExposureSummary, ...ErrorResponses },
      detail: { tags, summary: "Exposure counts per version and variation" },
    });

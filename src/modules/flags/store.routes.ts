import { Elysia } from "elysia";
import type { Platform } from "../../platform.ts";
import { storeAuth } from "../../http/auth.ts";
import { ErrorResponses } from "../../http/models.ts";
import { getFlagsForVisitor } from "./exposures.ts";
import { FlagsForVisitor, FlagsQuery } from "./flags.models.ts";

const DESCRIPTION = `Evaluates every running or paused flag of the store for one visitor and records an exposure (once per
visitor and flag version) for each flag the visitor takes part in. Any query parameter other than visitorId is a
visitor attribute used by targeting conditions (e.g. \`country=FR\`).

Reasons (OpenFeature): **DISABLED** — the kill switch is off or the flag is paused: default value.
**DEFAULT** — the visitor fails the targeting conditions, is in the holdout or outside coverage: default value.
**TARGETING_MATCH** — the flag has targeting conditions, the visitor matches them and is assigned a variation.
**SPLIT** — the flag has no targeting conditions and the visitor is assigned a variation. Draft and archived flags
are not listed.`;

export const flagsStoreRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/store" }).use(storeAuth(platform)).get(
    "/flags",
    async ({ ctx, query, set }) => {
      const { visitorId, ...attributes } = query;
      // Assignments are per visitor: no shared cache may serve one visitor's answer to another.
      set.headers["cache-control"] = "private, no-store";
      return { flags: await getFlagsForVisitor(ctx, { id: visitorId, attributes: attributes as Record<string, string> }) };
    },
    {
      query: FlagsQuery,
      response: { 200: FlagsForVisitor, ...ErrorResponses },
      detail: { tags: ["Flags"], summary: "Evaluated flags for a visitor", description: DESCRIPTION, security: [{ publishableKey: [] }] },
    },
  );

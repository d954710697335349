// The request context, passed first to every verb: which store, who is acting, and the services of this request.
import type { Clock } from "./clock.ts";
import type { Logger } from "./logger.ts";
import type { StoreHandle } from "../tenancy/pool.ts";

export type Actor =
  | { type: "key"; keyId: string; keyType: "publishable" | "secret"; scopes: readonly string[] }
  | { type: "user"; userId: string; permissions: readonly string[] }
  | { type: "system"; name: string };

/** How long an Idempotency-Key's answer is kept and replayed (API.md: 24 h; http/idempotency.ts, refunds). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

/** Who an actor is, as one string: what an Idempotency-Key is scoped to (http/idempotency.ts, refunds). */
export const actorScope = (a: Actor): string => (a.type === "key" ? a.keyId : a.type === "user" ? a.userId : `system:${a.name}`);

export interface Ctx {
  readonly storeId: string;
  readonly store: StoreHandle;
  readonly actor: Actor;
  readonly requestId: string;
  readonly clock: Clock;
  readonly log: Logger;
}

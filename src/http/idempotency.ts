// Idempotency-Key on every mutating POST of the store and admin APIs (API.md "Conventions").
// - Scope: the store and the credential (key id or session user), so two clients never share a key space.
// - The same key with the same request (method, path with query, canonical JSON body) within 24 h replays the
//   stored status and body (header `idempotent-replayed: true`); another request → 409 idempotency.key_reused.
// - While the first request runs, a retry with the same key gets 409 idempotency.in_progress (one process serves
//   a store, so an in-memory marker is enough). The marker is held from before the lookup of the stored answer, so
//   two replays racing each other may also see in_progress for the length of that one read.
// - Only successful (2xx) responses are stored: a failed request left nothing behind and may be retried with the
//   same key (what a client does after a 5xx, a timeout, a decline or a 409).
// Expired keys are deleted by the write that stores a new key for the same store (indexed on expires_at), so the
// table stays bounded without a schedule.
import { Elysia } from "elysia";
import { createHash } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import type { Platform } from "../platform.ts";
import { actorScope, IDEMPOTENCY_TTL_MS, type Actor } from "../kernel/context.ts";
import { Conflict, ValidationFailed } from "../kernel/errors.ts";
import { withTx } from "../db/tx.ts";
import { idempotencyKeys } from "./idempotency.tables.ts";

export { IDEMPOTENCY_TTL_MS };
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

interface Pending {
  storeId: string;
  scope: string;
  key: string;
  hash: string;
  path: string;
  marker: string;
  replay: boolean;
}

const pendingOf = new WeakMap<Request, Pending>();
const inFlight = new Set<string>();

/** Test seam: runs after the stored answer was looked up, before the request is let through. */
export const idempotencyFaults: { afterLookup: ((key: string) => void | Promise<void>) | null } = { afterLookup: null };

/** A body sent with an Idempotency-Key is walked to compare it: deeper or larger than this is refused (422). */
const MAX_DEPTH = 64;
const MAX_NODES = 100_000;
/**
 * A publishable key is public: every buyer of the store shares its key space, so a replay goes to whoever sends the
 * same key and body. Keys from the storefront must be hard to guess (a UUID is 36 characters).
 */
const MIN_PUBLIC_KEY_LENGTH = 16;

class BodyTooComplex extends Error {
  constructor(readonly reason: "idempotency.body_too_deep" | "idempotency.body_too_large") {
    super(reason);
  }
}

/**
 * The body as one string, the same for the same request whatever the order of object keys. A file part of a
 * multipart body counts by its name, type, size and SHA-256 (`digests`, hashed beforehand): another file is another
 * request. Synchronous and bounded: this runs before the handler on any body a caller sends.
 */
function canonical(value: unknown, digests: Map<Blob, string>, depth: number, budget: { nodes: number }): string {
  if (depth > MAX_DEPTH) throw new BodyTooComplex("idempotency.body_too_deep");
  if (--budget.nodes < 0) throw new BodyTooComplex("idempotency.body_too_large");
  if (value === undefined || value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Blob) {
    return JSON.stringify({ file: value instanceof File ? value.name : null, type: value.type, size: value.size, sha256: digests.get(value) ?? null });
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, digests, depth + 1, budget)).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k], digests, depth + 1, budget)}`).join(",")}}`;
}

/** The file parts of a multipart body (form fields are flat: only the top level holds them). */
async function fileDigests(body: unknown): Promise<Map<Blob, string>> {
  const digests = new Map<Blob, string>();
  if (body === null || typeof body !== "object") return digests;
  for (const v of Object.values(body as Record<string, unknown>)) {
    for (const b of Array.isArray(v) ? v : [v]) {
      if (b instanceof Blob && !digests.has(b)) digests.set(b, createHash("sha256").update(new Uint8Array(await b.arrayBuffer())).digest("hex"));
    }
  }
  return digests;
}

/** Who is calling, from what the auth plugins derived: store routes give `ctx`, admin routes `principal`. */
function caller(c: Record<string, unknown>): { storeId: string; scope: string; publicKey: boolean } | null {
  const ctx = c.ctx as { storeId: string; actor: Actor } | undefined;
  const who = ctx?.storeId && ctx.actor ? ctx : (c.principal as { storeId: string; actor: Actor } | undefined);
  if (!who?.storeId || !who.actor) return null;
  return { storeId: who.storeId, scope: actorScope(who.actor), publicKey: who.actor.type === "key" && who.actor.keyType === "publishable" };
}

export function idempotency(platform: Platform) {
  return new Elysia({ name: "idempotency" })
    .onBeforeHandle({ as: "global" }, async (c) => {
      const { request, set } = c;
      if (request.method !== "POST") return;
      const key = request.headers.get("idempotency-key");
      if (key === null) return;
      const who = caller(c as unknown as Record<string, unknown>);
      if (!who) return; // routes without a store credential (login, inbound hooks) have their own dedup
      if (!KEY_RE.test(key)) throw new ValidationFailed("idempotency.invalid_key", "Idempotency-Key must be 1–255 visible ASCII characters", { field: "Idempotency-Key" });
      if (who.publicKey && key.length < MIN_PUBLIC_KEY_LENGTH) {
        throw new ValidationFailed("idempotency.key_too_short", `With a publishable key, an Idempotency-Key must be a random value of at least ${MIN_PUBLIC_KEY_LENGTH} characters (e.g. a UUID): buyers share that key's space`, { field: "Idempotency-Key" });
      }
      const url = new URL(request.url);
      const path = url.pathname + url.search;
      let body: string;
      try {
        const multipart = request.headers.get("content-type")?.toLowerCase().startsWith("multipart/") ?? false;
        body = canonical(c.body, multipart ? await fileDigests(c.body) : new Map(), 0, { nodes: MAX_NODES });
      } catch (e) {
        if (e instanceof BodyTooComplex) {
          throw new ValidationFailed(e.reason, `A request with an Idempotency-Key may nest at most ${MAX_DEPTH} levels and hold at most ${MAX_NODES} values`, { field: "body" });
        }
        throw e;
      }
      const hash = createHash("sha256").update(`POST ${path}\n${body}`).digest("hex");
      // The marker is taken before the lookup, not after it: a retry that found nothing stored while the first
      // request ran, and went on once that one had stored its answer and let go of the marker, would run again.
      const marker = `${who.storeId}\n${who.scope}\n${key}`;
      if (inFlight.has(marker)) throw new Conflict("idempotency.in_progress", "A request with this Idempotency-Key is still running; retry when it has finished");
      inFlight.add(marker);
      // From here a failure (the lookup's included) releases the marker in onError.
      pendingOf.set(request, { ...who, key, hash, path, marker, replay: false });
      const store = await platform.pool.get(who.storeId);
      const row = (await store.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, who.scope), eq(idempotencyKeys.key, key))))[0];
      await idempotencyFaults.afterLookup?.(key);
      const now = platform.clock.now();
      if (row && row.expiresAt > now) {
        inFlight.delete(marker);
        pendingOf.set(request, { ...who, key, hash, path, marker: "", replay: true });
        if (row.requestHash !== hash) {
          // Nothing of the first request is told (its path may hold another buyer's cart id).
          throw new Conflict("idempotency.key_reused", "This Idempotency-Key was used with another request; use a new key for a new request");
        }
        set.status = row.status;
        set.headers["idempotent-replayed"] = "true";
        return JSON.parse(row.body) as unknown;
      }
    })
    .onAfterHandle({ as: "global" }, async ({ request, set, responseValue }) => {
      const p = pendingOf.get(request);
      if (!p || p.replay) return;
      const status = typeof set.status === "number" ? set.status : 200;
      if (status < 200 || status >= 300 || responseValue instanceof Response) return;
      const now = platform.clock.now();
      const store = await platform.pool.get(p.storeId);
      await withTx({ store }, async (tx) => {
        await tx.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now));
        await tx.insert(idempotencyKeys)
          .values({ scope: p.scope, key: p.key, method: "POST", path: p.path, requestHash: p.hash, status, body: JSON.stringify(responseValue ?? null), createdAt: now, expiresAt: now + IDEMPOTENCY_TTL_MS })
          .onConflictDoUpdate({
            target: [idempotencyKeys.scope, idempotencyKeys.key],
            set: { path: p.path, requestHash: p.hash, status, body: JSON.stringify(responseValue ?? null), createdAt: now, expiresAt: now + IDEMPOTENCY_TTL_MS },
          });
      });
      inFlight.delete(p.marker);
    })
    // Registered before the app's error envelope: this one only releases the marker and returns nothing.
    .onError({ as: "global" }, ({ request }) => {
      const p = pendingOf.get(request);
      if (p?.marker) inFlight.delete(p.marker);
    })
    // Safety net for a response that ended some other way (aborted, returned a raw Response).
    .onAfterResponse({ as: "global" }, ({ request }) => {
      const p = pendingOf.get(request);
      if (p?.marker) inFlight.delete(p.marker);
    });
}

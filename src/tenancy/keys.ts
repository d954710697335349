// API keys: `pk_…` (publishable, store API) and `sk_…` (secret, admin API, scoped). The token is shown once; only
// its SHA-256 is stored. Tokens carry 192 random bits, so a fast hash is safe (no dictionary to guess from), and
// lookup by hash is one indexed read. Resolved keys are cached briefly; revocation clears the cache at once.
import { randomBytes, createHash } from "node:crypto";
import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import { newId } from "../kernel/ids.ts";
import { Conflict, NotFound, ValidationFailed } from "../kernel/errors.ts";
import { isValidScope } from "../kernel/permissions.ts";
import { toPage, type Page } from "../kernel/pagination.ts";
import { apiKeys } from "./control.tables.ts";
import type { Control } from "./control.ts";

export type KeyType = "publishable" | "secret";

export interface ApiKey {
  id: string;
  storeId: string;
  type: KeyType;
  name: string;
  tokenHint: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  expiresAt: number | null;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += BASE62[b % 62]; // 256 % 62 bias is negligible at 32 chars; entropy stays > 180 bits
  return out;
}

export function generateToken(type: KeyType): string {
  return `${type === "publishable" ? "pk" : "sk"}_${base62(randomBytes(32))}`;
}

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

const TOKEN_RE = /^(pk|sk)_[0-9A-Za-z]{32}$/;

function toApiKey(row: typeof apiKeys.$inferSelect): ApiKey {
  const { tokenHash: _omit, ...rest } = row;
  return rest;
}

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;
const LAST_USED_RESOLUTION_MS = 60_000;

export class KeyService {
  private cache = new Map<string, { key: ApiKey | null; at: number }>();
  private readonly lookup;

  constructor(private readonly control: Control, private readonly now: () => number = Date.now) {
    // Prepared once: this runs on every request that isn't cached.
    this.lookup = control.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.tokenHash, sql.placeholder("hash")))
      .prepare();
  }

  async create(input: { storeId: string; type: KeyType; name?: string; scopes?: string[]; expiresAt?: number | null }): Promise<{ key: ApiKey; token: string }> {
    const scopes = input.type === "publishable" ? ["store:*"] : (input.scopes ?? ["*"]);
    if (input.type === "secret") {
      const bad = scopes.filter((s) => !isValidScope(s));
      if (bad.length > 0 || scopes.length === 0) {
        throw new ValidationFailed("api_key.invalid_scopes", "Scopes must be known permissions such as settings:read, resource:* or *", { invalid: bad });
      }
    }
    const token = generateToken(input.type);
    const row = {
      id: newId("key", this.now()),
      storeId: input.storeId,
      type: input.type,
      name: input.name?.trim() || (input.type === "publishable" ? "Publishable key" : "Secret key"),
      tokenHash: hashToken(token),
      tokenHint: `${token.slice(0, 7)}…${token.slice(-4)}`,
      scopes: [...new Set(scopes)],
      createdAt: this.now(),
      lastUsedAt: null,
      revokedAt: null,
      expiresAt: input.expiresAt ?? null,
    };
    await this.control.write(() => this.control.db.insert(apiKeys).values(row));
    return { key: toApiKey(row), token };
  }

  /** The active key of a token, or null (unknown, malformed, revoked or expired). */
  async resolve(token: string): Promise<ApiKey | null> {
    if (!TOKEN_RE.test(token)) return null;
    const hash = hashToken(token);
    const now = this.now();
    const hit = this.cache.get(hash);
    let key: ApiKey | null;
    if (hit && now - hit.at < CACHE_TTL_MS) {
      key = hit.key;
    } else {
      const row = (await this.lookup.execute({ hash }))[0];
      key = row ? toApiKey(row) : null;
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(hash, { key, at: now });
    }
    if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) return null;
    if (key.lastUsedAt === null || now - key.lastUsedAt > LAST_USED_RESOLUTION_MS) {
      key.lastUsedAt = now;
      // Best effort and off the request path: a lost "last used" stamp is harmless.
      void this.control
        .write(() => this.control.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id)))
        .catch(() => {});
    }
    return key;
  }

  async list(storeId: string, opts: { limit: number; before?: string | undefined }): Promise<Page<ApiKey>> {
    const rows = await this.control.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.storeId, storeId), opts.before ? lt(apiKeys.id, opts.before) : undefined))
      .orderBy(desc(apiKeys.id))
      .limit(opts.limit + 1);
    return toPage(rows.map(toApiKey), opts.limit);
  }

  /** A key of this store; another store's key id answers 404 like an unknown one. */
  async get(storeId: string, id: string): Promise<ApiKey> {
    const row = (await this.control.db.select().from(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.storeId, storeId))))[0];
    if (!row) throw new NotFound("api_key", id);
    return toApiKey(row);
  }

  /**
   * Rotation: a new key with the same type, name and scopes; the old one keeps working for `overlapMs` (so
   * deployments can switch over) and then expires. A revoked or expired key cannot be rotated.
   */
  async rotate(storeId: string, id: string, overlapMs: number): Promise<{ key: ApiKey; token: string; previous: ApiKey }> {
    const old = await this.get(storeId, id);
    const now = this.now();
    if (old.revokedAt !== null || (old.expiresAt !== null && old.expiresAt <= now)) {
      throw new Conflict("api_key.not_active", "Only an active key can be rotated; create a new key instead");
    }
    const created = await this.create({ storeId, type: old.type, name: old.name, scopes: old.scopes, expiresAt: old.expiresAt });
    const until = old.expiresAt === null ? now + overlapMs : Math.min(old.expiresAt, now + overlapMs);
    await this.control.write(() => this.control.db.update(apiKeys).set({ expiresAt: until }).where(and(eq(apiKeys.id, id), eq(apiKeys.storeId, storeId))));
    this.cache.clear();
    return { ...created, previous: await this.get(storeId, id) };
  }

  async revoke(storeId: string, id: string): Promise<ApiKey> {
    const now = this.now();
    await this.control.write(() =>
      this.control.db
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.id, id), eq(apiKeys.storeId, storeId), isNull(apiKeys.revokedAt))),
    );
    const key = await this.get(storeId, id);
    this.cache.clear();
    return key;
  }
}

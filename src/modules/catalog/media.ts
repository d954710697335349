// Product media: uploaded images (stored under the store's data dir, content-addressed) or external https URLs.
// Uploads are accepted by their magic bytes, never by the client's content-type or file name, and only as
// raster formats a browser cannot execute (no SVG: it can carry script).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { and, asc, eq, max } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { AppError, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { storeDir } from "../../tenancy/pool.ts";
import { recordAudit } from "../audit/index.ts";
import { productMedia, products } from "./catalog.tables.ts";
import { invalidating } from "./cache.ts";
import { isSafeUrl } from "./sanitize.ts";
import { mediaUrl } from "./views.ts";

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export interface ImageType {
  contentType: string;
  ext: "png" | "jpg" | "gif" | "webp";
}

const startsWith = (b: Uint8Array, sig: number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

export function detectImageType(b: Uint8Array): ImageType | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { contentType: "image/png", ext: "png" };
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { contentType: "image/jpeg", ext: "jpg" };
  if (startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a"))) return { contentType: "image/gif", ext: "gif" };
  if (startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WEBP"), 8)) return { contentType: "image/webp", ext: "webp" };
  return null;
}

export const mediaDir = (dataDir: string, storeId: string): string => join(storeDir(dataDir, storeId), "media");

/** The same directory found from the open database file (beside store.db), for callers without the platform. */
export async function storeMediaDir(ctx: Pick<Ctx, "store">): Promise<string> {
  const r = await ctx.store.client.execute("select file from pragma_database_list where name = 'main'");
  const file = r.rows[0]?.file;
  if (typeof file !== "string" || file === "") throw new Error("the store database has no file path");
  return join(dirname(file), "media");
}

export class PayloadTooLarge extends AppError {
  constructor(limit: number) {
    super("PAYLOAD_TOO_LARGE", "media.too_large", `Images are limited to ${limit} bytes`, { limit });
  }
}

/** Writes the bytes as `<dir>/<sha256>.<ext>` (idempotent: the same image is stored once). Returns the file name. */
export function storeImageFile(dir: string, bytes: Uint8Array): { fileName: string; type: ImageType } {
  if (bytes.length > MAX_UPLOAD_BYTES) throw new PayloadTooLarge(MAX_UPLOAD_BYTES);
  const type = detectImageType(bytes);
  if (!type) throw new ValidationFailed("media.unsupported_type", "Upload a PNG, JPEG, WebP or GIF image");
  const fileName = `${createHash("sha256").update(bytes).digest("hex")}.${type.ext}`;
  const path = join(dir, fileName);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    // Write then rename: a reader never sees a half-written file under its final, immutable name.
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  }
  return { fileName, type };
}

type Row = typeof productMedia.$inferSelect;
const view = (storeId: string, m: Row) => ({ id: m.id, url: mediaUrl(storeId, m), alt: m.alt, contentType: m.contentType, position: m.position });

async function requireProduct(tx: StoreTx | Ctx["store"]["db"], productId: string): Promise<void> {
  const p = isId("prod", productId) ? await tx.select({ id: products.id }).from(products).where(eq(products.id, productId)) : [];
  if (!p[0]) throw new NotFound("product", productId);
}

export type NewMedia = Pick<Row, "kind" | "fileName" | "url" | "contentType" | "sizeBytes"> & { alt: string; position?: number };

/** Inserts a media row inside the caller's transaction (the product must exist). */
export async function insertMediaRow(tx: StoreTx, ctx: Pick<Ctx, "clock">, productId: string, m: NewMedia): Promise<Row> {
  const now = ctx.clock.now();
  const last = (await tx.select({ m: max(productMedia.position) }).from(productMedia).where(eq(productMedia.productId, productId)))[0]?.m ?? -1;
  const values: Row = { id: newId("med", now), productId, ...m, position: m.position ?? last + 1, createdAt: now };
  await tx.insert(productMedia).values(values);
  await tx.update(products).set({ updatedAt: now }).where(eq(products.id, productId));
  return values;
}

async function insertMedia(ctx: Ctx, productId: string, m: NewMedia) {
  const row = await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      await requireProduct(tx, productId);
      return insertMediaRow(tx, ctx, productId, m);
    }),
  );
  return view(ctx.storeId, row);
}

/** `dir` is the store's media dir: mediaDir(dataDir, storeId), or storeMediaDir(ctx) where no platform is at hand. */
export async function addUploadedMedia(ctx: Ctx, input: { dir: string; productId: string; bytes: Uint8Array; alt: string }) {
  // Checked before writing the file, so an unknown product leaves nothing on disk.
  await requireProduct(ctx.store.db, input.productId);
  const alt = input.alt.trim();
  if (alt === "") throw new ValidationFailed("media.alt_required", "Every image needs alt text describing it");
  const { fileName, type } = storeImageFile(input.dir, input.bytes);
  return insertMedia(ctx, input.productId, { kind: "upload", fileName, url: null, contentType: type.contentType, sizeBytes: input.bytes.length, alt });
}

export async function addUrlMedia(ctx: Ctx, input: { productId: string; url: string; alt: string; position?: number }) {
  let ok = isSafeUrl(input.url, { httpsOnly: true });
  try {
    ok &&= new URL(input.url).protocol === "https:";
  } catch {
    ok = false;
  }
  if (!ok) throw new ValidationFailed("media.invalid_url", "An external image must be an absolute https URL", { field: "url" });
  const alt = input.alt.trim();
  if (alt === "") throw new ValidationFailed("media.alt_required", "Every image needs alt text describing it");
  return insertMedia(ctx, input.productId, { kind: "url", fileName: null, url: input.url, contentType: null, sizeBytes: null, alt, position: input.position });
}

export async function listMedia(ctx: Ctx, productId: string) {
  await requireProduct(ctx.store.db, productId);
  const rows = await ctx.store.db.select().from(productMedia).where(eq(productMedia.productId, productId)).orderBy(asc(productMedia.position), asc(productMedia.id));
  return { data: rows.map((m) => view(ctx.storeId, m)), nextCursor: null };
}

async function requireMedia(tx: StoreTx, productId: string, mediaId: string): Promise<Row> {
  const row = (await tx.select().from(productMedia).where(and(eq(productMedia.id, mediaId), eq(productMedia.productId, productId))))[0];
  if (!row) throw new NotFound("media", mediaId);
  return row;
}

export async function updateMedia(ctx: Ctx, productId: string, mediaId: string, patch: { alt?: string; position?: number }) {
  if (patch.alt !== undefined && patch.alt.trim() === "") throw new ValidationFailed("media.alt_required", "Every image needs alt text describing it");
  const row = await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      await requireMedia(tx, productId, mediaId);
      const set = { ...(patch.alt !== undefined && { alt: patch.alt.trim() }), ...(patch.position !== undefined && { position: patch.position }) };
      return (await tx.update(productMedia).set(set).where(eq(productMedia.id, mediaId)).returning())[0]!;
    }),
  );
  return view(ctx.storeId, row);
}

export async function deleteMedia(ctx: Ctx, productId: string, mediaId: string): Promise<void> {
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const before = await requireMedia(tx, productId, mediaId);
      await tx.delete(productMedia).where(eq(productMedia.id, mediaId));
      await recordAudit(tx, ctx, { action: "media.deleted", targetType: "media", targetId: mediaId, before: { productId, kind: before.kind, fileName: before.fileName, url: before.url } });
    }),
  );
}

const FILE_RE = /^([0-9a-f]{64})\.(png|jpg|gif|webp)$/;
const TYPES: Record<string, string> = { png: "image/png", jpg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

/** The public file response: immutable (the name is the content hash), with an ETag for conditional requests. */
export async function serveMedia(dataDir: string, storeId: string, file: string, ifNoneMatch: string | null): Promise<Response | null> {
  const m = FILE_RE.exec(file);
  if (!m) return null;
  let path: string;
  try {
    path = join(mediaDir(dataDir, storeId), file);
  } catch {
    return null; // not a store id: never becomes a path
  }
  const f = Bun.file(path);
  if (!(await f.exists())) return null;
  const etag = `"${m[1]}"`;
  const headers = {
    "cache-control": "public, max-age=31536000, immutable",
    etag,
    "content-type": TYPES[m[2]!]!,
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'",
  };
  if (ifNoneMatch !== null && ifNoneMatch.split(",").some((t) => t.trim() === etag || t.trim() === "*")) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(f, { headers });
}

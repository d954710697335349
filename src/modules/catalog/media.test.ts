import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { catalogFixture, productBody, type CatalogFixture } from "./catalog.testing.ts";
import { adminHeaders } from "../../testing/harness.ts";
import { detectImageType, MAX_UPLOAD_BYTES, mediaDir, storeMediaDir } from "./media.ts";
import { productImage } from "./png.ts";

let f: CatalogFixture;
let productId: string;
beforeAll(async () => {
  f = await catalogFixture();
  productId = (await f.admin("/products", { json: productBody() })).body.id;
});
afterAll(async () => {
  await f.t[Symbol.asyncDispose]();
});

const upload = (bytes: Uint8Array<ArrayBuffer>, alt = "A blue tee, front", name = "x.png", type = "image/png") => {
  const fd = new FormData();
  fd.set("file", new File([bytes], name, { type }));
  fd.set("alt", alt);
  return f.admin(`/products/${productId}/media`, { body: fd });
};

describe("magic bytes", () => {
  test("recognises png, jpeg, gif and webp; nothing else", () => {
    const b = (...x: number[]) => new Uint8Array(x);
    const s = (t: string) => new Uint8Array([...t].map((c) => c.charCodeAt(0)));
    expect(detectImageType(productImage([1, 2, 3], 8))?.contentType).toBe("image/png");
    expect(detectImageType(b(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))?.ext).toBe("jpg");
    expect(detectImageType(s("GIF89a...."))?.ext).toBe("gif");
    expect(detectImageType(s("RIFF\0\0\0\0WEBPVP8 "))?.ext).toBe("webp");
    expect(detectImageType(s("RIFF\0\0\0\0WAVEfmt "))).toBeNull();
    expect(detectImageType(s("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"))).toBeNull();
    expect(detectImageType(s("<html><script>"))).toBeNull();
    expect(detectImageType(b(0x89, 0x50))).toBeNull();
    expect(detectImageType(b())).toBeNull();
  });
});

describe("admin media", () => {
  test("a PNG upload is stored content-addressed under the store's data dir and served immutable with an ETag", async () => {
    const png = productImage([10, 80, 160], 16);
    const r = await upload(png);
    expect(r.status).toBe(201);
    expect(r.body.alt).toBe("A blue tee, front");
    expect(r.body.contentType).toBe("image/png");
    expect(r.body.url).toMatch(new RegExp(`^/media/${f.s.id}/[0-9a-f]{64}\\.png$`));
    const file = r.body.url.split("/").pop();
    const dir = mediaDir(f.t.dir, f.s.id);
    expect(dir).toBe(`${f.t.dir}/${f.s.id}/media`);
    expect(await storeMediaDir({ store: await f.t.platform.pool.get(f.s.id) })).toBe(dir);
    expect(existsSync(`${dir}/${file}`)).toBe(true);

    const res = await f.t.request(r.body.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = res.headers.get("etag")!;
    expect(etag).toBe(`"${file.split(".")[0]}"`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);
    const again = await f.t.request(r.body.url, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);

    // The same bytes again: one file on disk, two media rows.
    const twice = await upload(png, "Same picture");
    expect(twice.body.url).toBe(r.body.url);
    expect(readdirSync(dir).filter((n) => n.endsWith(".png"))).toHaveLength(1);
  });

  test("type is decided by magic bytes, not by name or declared type; size is limited; alt is required", async () => {
    const fake = new TextEncoder().encode("<svg onload=alert(1)></svg>");
    const r = await upload(fake, "x", "innocent.png", "image/png");
    expect(r.status).toBe(422);
    expect(r.body.error.reason).toBe("media.unsupported_type");
    const big = new Uint8Array(MAX_UPLOAD_BYTES + 1);
    big.set(productImage([1, 1, 1], 4));
    const tooBig = await upload(big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.reason).toBe("media.too_large");
    expect((await upload(productImage([1, 1, 1], 4), "")).status).toBe(422);
    expect((await upload(productImage([1, 1, 1], 4), "   ")).body.error.reason).toBe("media.alt_required");
  });

  test("an upload with an Idempotency-Key: the same file again replays; another file under that key is 409, not a replay", async () => {
    const send = async (png: Uint8Array<ArrayBuffer>) => {
      const fd = new FormData();
      fd.set("file", new File([png], "tee.png", { type: "image/png" }));
      fd.set("alt", "A tee");
      const res = await f.t.request(`/v1/admin/products/${productId}/media`, { method: "POST", headers: adminHeaders(f.s.sk, { "idempotency-key": "media-upload-1" }), body: fd });
      return { status: res.status, replayed: res.headers.get("idempotent-replayed"), body: (await res.json()) as any };
    };
    const red = productImage([200, 20, 20], 8);
    const first = await send(red);
    expect(first.status).toBe(201);
    const again = await send(red);
    expect(again).toMatchObject({ status: 201, replayed: "true", body: { id: first.body.id } });
    const blue = await send(productImage([20, 20, 200], 8));
    expect(blue.status).toBe(409);
    expect(blue.body.error.reason).toBe("idempotency.key_reused");
  });

  test("external https URLs with alt text; http, javascript: and missing alt are refused", async () => {
    const ok = await f.admin(`/products/${productId}/media`, { json: { url: "https://images.example.com/tee.jpg", alt: "Tee on a hanger" } });
    expect(ok.status).toBe(201);
    expect(ok.body.url).toBe("https://images.example.com/tee.jpg");
    expect(ok.body.contentType).toBeNull();
    for (const url of ["http://images.example.com/tee.jpg", "javascript:alert(1)", "https://"]) {
      expect((await f.admin(`/products/${productId}/media`, { json: { url, alt: "x" } })).status, url).toBe(422);
    }
    expect((await f.admin(`/products/${productId}/media`, { json: { url: "https://a.example/x.png" } })).status).toBe(422);
  });

  test("list, update alt/position, delete; media appears in the product view", async () => {
    const list = await f.admin(`/products/${productId}/media`);
    expect(list.body.data.length).toBeGreaterThanOrEqual(3);
    const m = list.body.data[0];
    const u = await f.admin(`/products/${productId}/media/${m.id}`, { method: "PATCH", json: { alt: "Updated alt", position: 99 } });
    expect(u.body).toMatchObject({ id: m.id, alt: "Updated alt", position: 99 });
    const view = await f.admin(`/products/${productId}`);
    expect(view.body.media.at(-1).id).toBe(m.id);
    expect((await f.admin(`/products/${productId}/media/${m.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await f.admin(`/products/${productId}/media/${m.id}`, { method: "PATCH", json: { alt: "x" } })).status).toBe(404);
  });

  test("the public file route refuses traversal, junk names and unknown files", async () => {
    for (const path of [
      `/media/${f.s.id}/..%2F..%2Fstore.db`,
      `/media/${f.s.id}/store.db`,
      `/media/store_nope/${"a".repeat(64)}.png`,
      `/media/${f.s.id}/${"a".repeat(64)}.png`,
    ]) {
      expect((await f.t.request(path)).status, path).toBe(404);
    }
    // The URL resolves the dots to /store_…/x.png before routing: outside /media, a storefront page (the app's HTML),
    // never a file.
    const dots = await f.t.request(`/media/../${f.s.id}/x.png`);
    expect(dots.headers.get("content-type")).toStartWith("text/html");
  });
});

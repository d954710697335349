// Store API of the catalog (published products only) and the public media files.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { storeAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import { NotFound } from "../../kernel/errors.ts";
import { CategoryView, StoreCollectionView, StoreProductListQuery, StoreProductView } from "./catalog.models.ts";
import { getStoreCollection, getStoreProduct, listStoreCategories, listStoreProducts } from "./store-read.ts";
import { serveMedia } from "./media.ts";

const security = [{ publishableKey: [] }];
const tags = ["Store"];
const Key = t.Object({ idOrHandle: t.String({ minLength: 1, maxLength: 120 }) });

// Cached bodies are already-serialized JSON: returned as a Response they skip re-encoding. Their shape is the
// declared schema because they were produced from the same view builders (the tests check them against it).
const json = (body: Uint8Array<ArrayBuffer>) => new Response(body, { headers: { "content-type": "application/json" } });

export const catalogStoreRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/store" })
    .use(storeAuth(platform))
    .get("/products", async ({ ctx, query }) => json(await listStoreProducts(ctx, query)), {
      query: StoreProductListQuery,
      response: { 200: pageOf(StoreProductView), ...ErrorResponses },
      detail: { tags, summary: "Published products; q searches title, sku, tags and vendor", security },
    })
    .get("/products/:idOrHandle", async ({ ctx, params }) => json(await getStoreProduct(ctx, params.idOrHandle)), {
      params: Key,
      response: { 200: StoreProductView, ...ErrorResponses },
      detail: { tags, summary: "One published product by id or handle", security },
    })
    .get("/categories", async ({ ctx }) => json(await listStoreCategories(ctx)), {
      response: { 200: pageOf(CategoryView), ...ErrorResponses },
      detail: { tags, summary: "Every category (a tree through parentId)", security },
    })
    .get("/collections/:idOrHandle", async ({ ctx, params }) => json(await getStoreCollection(ctx, params.idOrHandle)), {
      params: Key,
      response: { 200: StoreCollectionView, ...ErrorResponses },
      detail: { tags, summary: "A collection with its published products in order", security },
    });

/** Uploaded images: public (an <img> cannot send a key), immutable, content-addressed. */
export const mediaFileRoutes = (platform: Platform) =>
  new Elysia().get(
    "/media/:storeId/:file",
    async ({ params, request }) => {
      const res = await serveMedia(platform.config.dataDir, params.storeId, params.file, request.headers.get("if-none-match"));
      if (!res) throw new NotFound("media", params.file);
      return res;
    },
    {
      params: t.Object({ storeId: t.String({ maxLength: 64 }), file: t.String({ maxLength: 80 }) }),
      detail: { tags: ["Store"], summary: "An uploaded product image (public, cached for a year)" },
    },
  );

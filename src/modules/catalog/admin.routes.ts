// Admin routes of products, their variants and their media.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import {
  AdminProductListQuery, AdminProductView, AdminVariantView, BulkStatusBody, BulkStatusResult, CreateProductBody,
  CreateVariantBody, MediaUrlBody, MediaView, UpdateMediaBody, UpdateProductBody, UpdateVariantBody,
} from "./catalog.models.ts";
import { bulkSetStatus, createProduct, deleteProduct, getAdminProduct, listAdminProducts, updateProduct } from "./products.ts";
import { createVariant, deleteVariant, getVariantAdmin, listVariants, updateVariant } from "./variants.ts";
import { addUploadedMedia, addUrlMedia, deleteMedia, listMedia, MAX_UPLOAD_BYTES, mediaDir, updateMedia } from "./media.ts";

const Id = t.String({ maxLength: 64 });
const IdParams = t.Object({ id: Id });
const VariantParams = t.Object({ id: Id, variantId: Id });
const MediaParams = t.Object({ id: Id, mediaId: Id });
const tags = ["Products"];

const UploadBody = t.Object(
  { file: t.File({ description: `PNG, JPEG, WebP or GIF; at most ${MAX_UPLOAD_BYTES} bytes` }), alt: t.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);

export const productAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/products" })
    .use(adminAuth(platform))
    .get("", ({ ctx, query }) => listAdminProducts(ctx, query), {
      permission: "products:read",
      query: AdminProductListQuery,
      response: { 200: pageOf(AdminProductView), ...ErrorResponses },
      detail: { tags, summary: "List products (every status; q searches title, sku, tags and vendor)" },
    })
    .post(
      "",
      async ({ ctx, body, set }) => {
        const p = await createProduct(ctx, body);
        set.status = 201;
        return p;
      },
      {
        permission: "products:write",
        body: CreateProductBody,
        response: { 201: AdminProductView, 409: ErrorResponses[422], ...ErrorResponses },
        detail: { tags, summary: "Create a product with its options and variants" },
      },
    )
    .post("/bulk-status", ({ ctx, body }) => bulkSetStatus(ctx, body.ids, body.status), {
      permission: "products:write",
      body: BulkStatusBody,
      response: { 200: BulkStatusResult, ...ErrorResponses },
      detail: { tags, summary: "Change the status of many products; one result per id" },
    })
    .get("/:id", ({ ctx, params }) => getAdminProduct(ctx, params.id), {
      permission: "products:read",
      params: IdParams,
      response: { 200: AdminProductView, ...ErrorResponses },
      detail: { tags, summary: "One product, with cost prices" },
    })
    .patch("/:id", ({ ctx, params, body }) => updateProduct(ctx, params.id, body), {
      permission: "products:write",
      params: IdParams,
      body: UpdateProductBody,
      response: { 200: AdminProductView, 409: ErrorResponses[422], ...ErrorResponses },
      detail: { tags, summary: "Update a product (variants have their own routes)" },
    })
    .delete(
      "/:id",
      async ({ ctx, params, set }) => {
        await deleteProduct(ctx, params.id);
        set.status = 204;
        return null;
      },
      { permission: "products:write", params: IdParams, response: ErrorResponses, detail: { tags, summary: "Delete a product; answers 204" } },
    )
    .get("/:id/variants", ({ ctx, params }) => listVariants(ctx, params.id), {
      permission: "products:read",
      params: IdParams,
      response: { 200: pageOf(AdminVariantView), ...ErrorResponses },
      detail: { tags, summary: "The product's variants" },
    })
    .post(
      "/:id/variants",
      async ({ ctx, params, body, set }) => {
        const v = await createVariant(ctx, params.id, body);
        set.status = 201;
        return v;
      },
      {
        permission: "products:write",
        params: IdParams,
        body: CreateVariantBody,
        response: { 201: AdminVariantView, 409: ErrorResponses[422], ...ErrorResponses },
        detail: { tags, summary: "Add a variant" },
      },
    )
    .get("/:id/variants/:variantId", ({ ctx, params }) => getVariantAdmin(ctx, params.id, params.variantId), {
      permission: "products:read",
      params: VariantParams,
      response: { 200: AdminVariantView, ...ErrorResponses },
      detail: { tags, summary: "One variant" },
    })
    .patch("/:id/variants/:variantId", ({ ctx, params, body }) => updateVariant(ctx, params.id, params.variantId, body), {
      permission: "products:write",
      params: VariantParams,
      body: UpdateVariantBody,
      response: { 200: AdminVariantView, 409: ErrorResponses[422], ...ErrorResponses },
      detail: { tags, summary: "Update a variant (prices given replace all its prices)" },
    })
    .delete(
      "/:id/variants/:variantId",
      async ({ ctx, params, set }) => {
        await deleteVariant(ctx, params.id, params.variantId);
        set.status = 204;
        return null;
      },
      { permission: "products:write", params: VariantParams, response: ErrorResponses, detail: { tags, summary: "Delete a variant; answers 204" } },
    )
    .get("/:id/media", ({ ctx, params }) => listMedia(ctx, params.id), {
      permission: "products:read",
      params: IdParams,
      response: { 200: pageOf(MediaView), ...ErrorResponses },
      detail: { tags, summary: "The product's images" },
    })
    .post(
      "/:id/media",
      async ({ ctx, params, body, set }) => {
        const m =
          "file" in body
            ? await addUploadedMedia(ctx, { dir: mediaDir(platform.config.dataDir, ctx.storeId), productId: params.id, bytes: new Uint8Array(await body.file.arrayBuffer()), alt: body.alt })
            : await addUrlMedia(ctx, { productId: params.id, ...body });
        set.status = 201;
        return m;
      },
      {
        permission: "products:write",
        params: IdParams,
        body: t.Union([MediaUrlBody, UploadBody]),
        response: { 201: MediaView, 413: ErrorResponses[422], ...ErrorResponses },
        detail: { tags, summary: "Add an image: multipart upload (file + alt) or JSON { url, alt } for an external https image" },
      },
    )
    .patch("/:id/media/:mediaId", ({ ctx, params, body }) => updateMedia(ctx, params.id, params.mediaId, body), {
      permission: "products:write",
      params: MediaParams,
      body: UpdateMediaBody,
      response: { 200: MediaView, ...ErrorResponses },
      detail: { tags, summary: "Change an image's alt text or position" },
    })
    .delete(
      "/:id/media/:mediaId",
      async ({ ctx, params, set }) => {
        await deleteMedia(ctx, params.id, params.mediaId);
        set.status = 204;
        return null;
      },
      { permission: "products:write", params: MediaParams, response: ErrorResponses, detail: { tags, summary: "Remove an image; answers 204" } },
    );

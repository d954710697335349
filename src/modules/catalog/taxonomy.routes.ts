// Admin routes of categories and collections.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import {
  AdminCollectionView, CategoryBody, CategoryView, CollectionBody, CollectionProductsBody, UpdateCategoryBody, UpdateCollectionBody,
} from "./catalog.models.ts";
import { createCategory, deleteCategory, getCategory, listCategories, updateCategory } from "./categories.ts";
import {
  addCollectionProducts, createCollection, deleteCollection, getCollection, listCollections, removeCollectionProduct,
  setCollectionProducts, updateCollection,
} from "./collections.ts";

const Id = t.String({ maxLength: 64 });
const IdParams = t.Object({ id: Id });
const WithConflict = { 409: ErrorResponses[422], ...ErrorResponses };

export const categoryAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/categories" })
    .use(adminAuth(platform))
    .get("", ({ ctx }) => listCategories(ctx), {
      permission: "categories:read",
      response: { 200: pageOf(CategoryView), ...ErrorResponses },
      detail: { tags: ["Categories"], summary: "Every category (a tree through parentId)" },
    })
    .post(
      "",
      async ({ ctx, body, set }) => {
        const c = await createCategory(ctx, body);
        set.status = 201;
        return c;
      },
      { permission: "categories:write", body: CategoryBody, response: { 201: CategoryView, ...WithConflict }, detail: { tags: ["Categories"], summary: "Create a category" } },
    )
    .get("/:id", ({ ctx, params }) => getCategory(ctx, params.id), {
      permission: "categories:read",
      params: IdParams,
      response: { 200: CategoryView, ...ErrorResponses },
      detail: { tags: ["Categories"], summary: "One category" },
    })
    .patch("/:id", ({ ctx, params, body }) => updateCategory(ctx, params.id, body), {
      permission: "categories:write",
      params: IdParams,
      body: UpdateCategoryBody,
      response: { 200: CategoryView, ...WithConflict },
      detail: { tags: ["Categories"], summary: "Update or move a category (no cycles)" },
    })
    .delete(
      "/:id",
      async ({ ctx, params, set }) => {
        await deleteCategory(ctx, params.id);
        set.status = 204;
        return null;
      },
      { permission: "categories:write", params: IdParams, response: ErrorResponses, detail: { tags: ["Categories"], summary: "Delete a category without subcategories; answers 204" } },
    );

export const collectionAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/collections" })
    .use(adminAuth(platform))
    .get("", ({ ctx }) => listCollections(ctx), {
      permission: "collections:read",
      response: { 200: pageOf(AdminCollectionView), ...ErrorResponses },
      detail: { tags: ["Collections"], summary: "Every collection" },
    })
    .post(
      "",
      async ({ ctx, body, set }) => {
        const c = await createCollection(ctx, body);
        set.status = 201;
        return c;
      },
      { permission: "collections:write", body: CollectionBody, response: { 201: AdminCollectionView, ...WithConflict }, detail: { tags: ["Collections"], summary: "Create a manual collection" } },
    )
    .get("/:id", ({ ctx, params }) => getCollection(ctx, params.id), {
      permission: "collections:read",
      params: IdParams,
      response: { 200: AdminCollectionView, ...ErrorResponses },
      detail: { tags: ["Collections"], summary: "One collection with its product ids in order" },
    })
    .patch("/:id", ({ ctx, params, body }) => updateCollection(ctx, params.id, body), {
      permission: "collections:write",
      params: IdParams,
      body: UpdateCollectionBody,
      response: { 200: AdminCollectionView, ...WithConflict },
      detail: { tags: ["Collections"], summary: "Update a collection" },
    })
    .delete(
      "/:id",
      async ({ ctx, params, set }) => {
        await deleteCollection(ctx, params.id);
        set.status = 204;
        return null;
      },
      { permission: "collections:write", params: IdParams, response: ErrorResponses, detail: { tags: ["Collections"], summary: "Delete a collection; answers 204" } },
    )
    .post("/:id/products", ({ ctx, params, body }) => addCollectionProducts(ctx, params.id, body.productIds), {
      permission: "collections:write",
      params: IdParams,
      body: CollectionProductsBody,
      response: { 200: AdminCollectionView, ...ErrorResponses },
      detail: { tags: ["Collections"], summary: "Append products" },
    })
    .put("/:id/products", ({ ctx, params, body }) => setCollectionProducts(ctx, params.id, body.productIds), {
      permission: "collections:write",
      params: IdParams,
      body: CollectionProductsBody,
      response: { 200: AdminCollectionView, ...ErrorResponses },
      detail: { tags: ["Collections"], summary: "Set the exact products and their order (reorder)" },
    })
    .delete("/:id/products/:productId", ({ ctx, params }) => removeCollectionProduct(ctx, params.id, params.productId), {
      permission: "collections:write",
      params: t.Object({ id: Id, productId: Id }),
      response: { 200: AdminCollectionView, ...ErrorResponses },
      detail: { tags: ["Collections"], summary: "Remove a product" },
    });

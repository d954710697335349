// Catalog tables (store DB): products, their options, variants with per-currency prices, media, nested categories
// and manual collections. Money is integer minor units. Full-text search lives in the `catalog_fts` FTS5 table,
// created by a custom migration (drizzle-kit cannot express virtual tables) and maintained by the verbs.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export type ProductStatus = "draft" | "active" | "archived";
export type TaxCategory = "standard" | "reduced" | "zero";

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    handle: text("handle").notNull(),
    /** Already sanitized on write: readers can render it as-is. */
    descriptionHtml: text("description_html").notNull().default(""),
    status: text("status").$type<ProductStatus>().notNull(),
    vendor: text("vendor"),
    productType: text("product_type"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    seoTitle: text("seo_title"),
    seoDescription: text("seo_description"),
    taxCategory: text("tax_category").$type<TaxCategory>().notNull().default("standard"),
    /** Manual ordering of the catalog; new products go last. Ties are broken by id. */
    position: integer("position").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("products_handle_uq").on(t.handle), index("products_status_pos_idx").on(t.status, t.position, t.id)],
);

export const productOptions = sqliteTable(
  "product_options",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull().references(() => products.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    values: text("values", { mode: "json" }).$type<string[]>().notNull(),
    position: integer("position").notNull(),
  },
  (t) => [uniqueIndex("product_options_name_uq").on(t.productId, t.name)],
);

export const variants = sqliteTable(
  "variants",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull().references(() => products.id, { onDelete: "cascade" }),
    sku: text("sku"),
    barcode: text("barcode"),
    /** Option name → value, e.g. { Size: "M", Color: "Navy" }; every key is one of the product's options. */
    optionValues: text("option_values", { mode: "json" }).$type<Record<string, string>>().notNull(),
    /** Minor units in the store's default currency; null when unknown. Never leaves the admin API. */
    costPrice: integer("cost_price"),
    weightGrams: integer("weight_grams").notNull().default(0),
    trackInventory: integer("track_inventory", { mode: "boolean" }).notNull().default(true),
    allowBackorder: integer("allow_backorder", { mode: "boolean" }).notNull().default(false),
    position: integer("position").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  // SQLite unique indexes allow many NULLs: a variant without a sku is fine, two with the same sku are not.
  (t) => [uniqueIndex("variants_sku_uq").on(t.sku), index("variants_product_idx").on(t.productId, t.position)],
);

export const variantPrices = sqliteTable(
  "variant_prices",
  {
    variantId: text("variant_id").notNull().references(() => variants.id, { onDelete: "cascade" }),
    currency: text("currency").notNull(),
    amount: integer("amount").notNull(),
    compareAtAmount: integer("compare_at_amount"),
  },
  (t) => [primaryKey({ columns: [t.variantId, t.currency] })],
);

export const productMedia = sqliteTable(
  "product_media",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull().references(() => products.id, { onDelete: "cascade" }),
    /** "upload": a file under the store's media dir (fileName = content hash + extension); "url": external https. */
    kind: text("kind").$type<"upload" | "url">().notNull(),
    fileName: text("file_name"),
    url: text("url"),
    contentType: text("content_type"),
    sizeBytes: integer("size_bytes"),
    alt: text("alt").notNull(),
    position: integer("position").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("product_media_product_idx").on(t.productId, t.position)],
);

export const categories = sqliteTable(
  "categories",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    handle: text("handle").notNull(),
    description: text("description").notNull().default(""),
    // No FK action: deleting a parent with children is refused by the verb (422), never cascaded silently.
    parentId: text("parent_id"),
    position: integer("position").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("categories_handle_uq").on(t.handle), index("categories_parent_idx").on(t.parentId)],
);

export const productCategories = sqliteTable(
  "product_categories",
  {
    productId: text("product_id").notNull().references(() => products.id, { onDelete: "cascade" }),
    categoryId: text("category_id").notNull().references(() => categories.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.productId, t.categoryId] }), index("product_categories_cat_idx").on(t.categoryId)],
);

export const collections = sqliteTable(
  "collections",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    handle: text("handle").notNull(),
    description: text("description").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("collections_handle_uq").on(t.handle)],
);

export const collectionProducts = sqliteTable(
  "collection_products",
  {
    collectionId: text("collection_id").notNull().references(() => collections.id, { onDelete: "cascade" }),
    productId: text("product_id").notNull().references(() => products.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.collectionId, t.productId] }), index("collection_products_pos_idx").on(t.collectionId, t.position)],
);

// TypeBox DTOs of the catalog: request bodies (strict: unknown fields → 422) and the exact response shapes.
import { t } from "elysia";
import { Int } from "../../kernel/schema.ts";

export const Money = t.Object({
  amount: Int({ description: "Integer minor units (cents for EUR)" }),
  currency: t.String({ description: "ISO 4217 code" }),
});

const Currency = t.String({ pattern: "^[A-Z]{3}$" });
const Nullable = <T extends Parameters<typeof t.Union>[0][number]>(s: T) => t.Union([s, t.Null()]);
export const Handle = t.String({ minLength: 1, maxLength: 120, pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$", description: "lowercase slug" });
const Status = t.Union([t.Literal("draft"), t.Literal("active"), t.Literal("archived")]);
const TaxCategory = t.Union([t.Literal("standard"), t.Literal("reduced"), t.Literal("zero")]);
const Tag = t.String({ minLength: 1, maxLength: 64 });
const MinorUnits = Int({ minimum: 0, maximum: 1_000_000_000_000 });

export const PriceInput = t.Object(
  { currency: Currency, amount: MinorUnits, compareAtAmount: t.Optional(Nullable(MinorUnits)) },
  { additionalProperties: false },
);

const variantFields = {
  sku: t.Optional(Nullable(t.String({ minLength: 1, maxLength: 64 }))),
  barcode: t.Optional(Nullable(t.String({ minLength: 1, maxLength: 64 }))),
  options: t.Optional(t.Record(t.String({ minLength: 1, maxLength: 64 }), t.String({ minLength: 1, maxLength: 64 }))),
  prices: t.Array(PriceInput, { maxItems: 50, description: "Must include the store's default currency" }),
  costPrice: t.Optional(Nullable(MinorUnits)),
  weightGrams: t.Optional(Int({ minimum: 0, maximum: 10_000_000 })),
  trackInventory: t.Optional(t.Boolean()),
  allowBackorder: t.Optional(t.Boolean()),
  position: t.Optional(Int({ minimum: 0, maximum: 1_000_000 })),
};

export const CreateVariantBody = t.Object(variantFields, { additionalProperties: false });
export const UpdateVariantBody = t.Object(
  { ...variantFields, prices: t.Optional(variantFields.prices) },
  { additionalProperties: false, minProperties: 1 },
);

export const OptionInput = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 64 }),
    values: t.Array(t.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);

const productFields = {
  title: t.String({ minLength: 1, maxLength: 255 }),
  handle: t.Optional(Handle),
  description: t.Optional(t.String({ maxLength: 100_000, description: "HTML; sanitized with an allowlist" })),
  status: t.Optional(Status),
  vendor: t.Optional(Nullable(t.String({ maxLength: 120 }))),
  productType: t.Optional(Nullable(t.String({ maxLength: 120 }))),
  tags: t.Optional(t.Array(Tag, { maxItems: 50 })),
  seoTitle: t.Optional(Nullable(t.String({ maxLength: 120 }))),
  seoDescription: t.Optional(Nullable(t.String({ maxLength: 320 }))),
  taxCategory: t.Optional(TaxCategory),
  position: t.Optional(Int({ minimum: 0, maximum: 1_000_000_000 })),
  categoryIds: t.Optional(t.Array(t.String({ maxLength: 40 }), { maxItems: 50 })),
  options: t.Optional(t.Array(OptionInput, { maxItems: 3 })),
};

export const CreateProductBody = t.Object(
  { ...productFields, variants: t.Optional(t.Array(CreateVariantBody, { maxItems: 100 })) },
  { additionalProperties: false },
);
export const UpdateProductBody = t.Object(
  { ...productFields, title: t.Optional(productFields.title) },
  { additionalProperties: false, minProperties: 1 },
);

export const BulkStatusBody = t.Object(
  { ids: t.Array(t.String({ maxLength: 40 }), { minItems: 1, maxItems: 100 }), status: Status },
  { additionalProperties: false },
);
export const BulkStatusResult = t.Object({
  results: t.Array(
    t.Object({
      id: t.String(),
      ok: t.Boolean(),
      status: t.Optional(Status),
      error: t.Optional(t.Object({ code: t.String(), reason: t.String(), message: t.String() })),
    }),
  ),
});

export const MediaUrlBody = t.Object(
  {
    url: t.String({ maxLength: 2048, pattern: "^https://", description: "External https image URL" }),
    alt: t.String({ minLength: 1, maxLength: 512 }),
    position: t.Optional(Int({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export const UpdateMediaBody = t.Object(
  { alt: t.Optional(t.String({ minLength: 1, maxLength: 512 })), position: t.Optional(Int({ minimum: 0, maximum: 1_000_000 })) },
  { additionalProperties: false, minProperties: 1 },
);

export const MediaView = t.Object({
  id: t.String(),
  url: t.String({ description: "Absolute https URL, or a path on this server for uploads" }),
  alt: t.String(),
  contentType: Nullable(t.String()),
  position: Int(),
});

export const OptionView = t.Object({ name: t.String(), values: t.Array(t.String()) });

const storeVariantFields = {
  id: t.String(),
  title: t.String(),
  sku: Nullable(t.String()),
  barcode: Nullable(t.String()),
  options: t.Record(t.String(), t.String()),
  prices: t.Array(Money),
  compareAtPrices: t.Array(Money),
  weightGrams: Int(),
  trackInventory: t.Boolean(),
  allowBackorder: t.Boolean(),
  position: Int(),
};
export const StoreVariantView = t.Object(storeVariantFields);
export const AdminVariantView = t.Object({
  ...storeVariantFields,
  productId: t.String(),
  costPrice: Nullable(Money),
  createdAt: t.String({ format: "date-time" }),
  updatedAt: t.String({ format: "date-time" }),
});

export const CategoryRef = t.Object({ id: t.String(), name: t.String(), handle: t.String() });

const productViewFields = {
  id: t.String(),
  title: t.String(),
  handle: t.String(),
  description: t.String({ description: "Sanitized HTML" }),
  vendor: Nullable(t.String()),
  productType: Nullable(t.String()),
  tags: t.Array(t.String()),
  seoTitle: Nullable(t.String()),
  seoDescription: Nullable(t.String()),
  options: t.Array(OptionView),
  media: t.Array(MediaView),
  categories: t.Array(CategoryRef),
};
export const StoreProductView = t.Object({ ...productViewFields, variants: t.Array(StoreVariantView) });
export const AdminProductView = t.Object({
  ...productViewFields,
  status: Status,
  taxCategory: TaxCategory,
  position: Int(),
  variants: t.Array(AdminVariantView),
  createdAt: t.String({ format: "date-time" }),
  updatedAt: t.String({ format: "date-time" }),
});

export const AdminProductListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 200 })),
  status: t.Optional(Status),
  q: t.Optional(t.String({ minLength: 1, maxLength: 200 })),
});
export const StoreProductListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 200 })),
  q: t.Optional(t.String({ minLength: 1, maxLength: 200 })),
  category: t.Optional(t.String({ minLength: 1, maxLength: 120, description: "Category id or handle (includes subcategories)" })),
  collection: t.Optional(t.String({ minLength: 1, maxLength: 120, description: "Collection id or handle" })),
});

export const CategoryBody = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 120 }),
    handle: t.Optional(Handle),
    description: t.Optional(t.String({ maxLength: 2000 })),
    parentId: t.Optional(Nullable(t.String({ maxLength: 40 }))),
    position: t.Optional(Int({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);
export const UpdateCategoryBody = t.Object(
  { ...CategoryBody.properties, name: t.Optional(CategoryBody.properties.name) },
  { additionalProperties: false, minProperties: 1 },
);
export const CategoryView = t.Object({
  id: t.String(),
  name: t.String(),
  handle: t.String(),
  description: t.String(),
  parentId: Nullable(t.String()),
  position: Int(),
});

export const CollectionBody = t.Object(
  {
    title: t.String({ minLength: 1, maxLength: 120 }),
    handle: t.Optional(Handle),
    description: t.Optional(t.String({ maxLength: 2000 })),
    productIds: t.Optional(t.Array(t.String({ maxLength: 40 }), { maxItems: 500 })),
  },
  { additionalProperties: false },
);
export const UpdateCollectionBody = t.Object(
  { title: t.Optional(CollectionBody.properties.title), handle: t.Optional(Handle), description: CollectionBody.properties.description },
  { additionalProperties: false, minProperties: 1 },
);
export const CollectionProductsBody = t.Object(
  { productIds: t.Array(t.String({ maxLength: 40 }), { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export const AdminCollectionView = t.Object({
  id: t.String(),
  title: t.String(),
  handle: t.String(),
  description: t.String(),
  productIds: t.Array(t.String(), { description: "In display order" }),
});
export const StoreCollectionView = t.Object({
  id: t.String(),
  title: t.String(),
  handle: t.String(),
  description: t.String(),
  products: t.Array(StoreProductView, { description: "Published products, in display order" }),
});

// The catalog's public API: the only file other modules import.
export { getVariant, getVariants, listVariantIds, stockPoliciesIn, variantTitle, type VariantInfo } from "./lookup.ts";
export type { ProductStatus, TaxCategory } from "./catalog.tables.ts";
export { productAdminRoutes } from "./admin.routes.ts";
export { categoryAdminRoutes, collectionAdminRoutes } from "./taxonomy.routes.ts";
export { catalogStoreRoutes, mediaFileRoutes } from "./store.routes.ts";
export { catalogCache } from "./cache.ts";
export { catalogSeeder } from "./seed.ts";
export { createProduct, type CreateProductInput } from "./products.ts";

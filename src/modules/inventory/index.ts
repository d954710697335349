// The inventory module's public API: the only file other modules import. The checkout reserves inside its own
// transaction with sellInTx (or reserveInTx/commitInTx/releaseInTx; policy read from the catalog before the transaction).
export {
  reserve, release, commitReservation, reserveInTx, releaseInTx, commitInTx, sellInTx, getReservation,
  type ReserveInput, type ReservationRow, type StockPolicy,
} from "./reservations.ts";
export { adjustStock, adjustInTx, availability, resolveLocation, type AdjustInput, type Availability } from "./stock.ts";
export { variantStock } from "./levels.ts";
export { ADJUSTMENT_REASONS, type AdjustmentReason } from "./inventory.tables.ts";
export { InsufficientStock } from "./inventory.errors.ts";
export { inventoryAdminRoutes } from "./routes.ts";
export { inventoryStoreRoutes } from "./store.routes.ts";
export { seedInventory } from "./seed.ts";

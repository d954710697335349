// The tax module's public API: the only file other modules import.
export { computeTaxes, findZone, type TaxInput, type TaxResult, type TaxedLine, type TaxLine, type TaxZoneRates, type TaxableLine } from "./compute.ts";
export { checkVatNumber, isEuCountry, EU_SEED_RATES, REVERSE_CHARGE_NOTE, type TaxCategory } from "./vat.ts";
export { getTaxSettings, loadTaxZones, taxQuote, type TaxQuoteInput, type TaxSettingsOut } from "./zones.ts";
export { taxAdminRoutes } from "./routes.ts";
export { seedTaxes } from "./seed.ts";

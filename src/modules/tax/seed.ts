// Demo seed: the EU tax zones of EU_SEED_RATES, tax-inclusive prices, France as the store's country. Idempotent:
// an existing zone for a country is left as the merchant may have edited it.
import type { Ctx } from "../../kernel/context.ts";
import { EU_SEED_RATES } from "./vat.ts";
import { createTaxZone, getTaxSettings, listTaxZones, updateTaxSettings } from "./zones.ts";

export async function seedTaxes(ctx: Ctx): Promise<string> {
  if ((await getTaxSettings(ctx)).updatedAt === null) await updateTaxSettings(ctx, { pricesIncludeTax: true, originCountry: "FR" });
  let created = 0;
  for (const c of EU_SEED_RATES) {
    const existing = await listTaxZones(ctx, { countryCode: c.countryCode, limit: 100 });
    if (existing.data.some((z) => z.region === null)) continue;
    await createTaxZone(ctx, {
      name: c.name,
      countryCode: c.countryCode,
      rates: [
        { category: "standard", name: `${c.countryCode} VAT ${c.standard}%`, rate: c.standard },
        { category: "reduced", name: `${c.countryCode} VAT ${c.reduced}%`, rate: c.reduced },
        { category: "zero", name: `${c.countryCode} VAT 0%`, rate: "0" },
      ],
    });
    created++;
  }
  return `${EU_SEED_RATES.length} EU VAT zones (${created} new), tax-inclusive prices`;
}

// Demo seed: "France" (Colissimo flat €4.90, free from €60; Chronopost express €12.90) and "EU" (weight-based DHL).
// Idempotent: skipped when the store already has shipping zones.
import type { Ctx } from "../../kernel/context.ts";
import { createShippingZone, listShippingZones } from "./zones.ts";

export async function seedShipping(ctx: Ctx): Promise<string> {
  if ((await listShippingZones(ctx, { limit: 1 })).data.length > 0) return "shipping zones already present";
  await createShippingZone(ctx, {
    name: "France",
    countries: ["FR"],
    rates: [
      { name: "Standard", carrier: "Colissimo", type: "flat", currency: "EUR", amount: 490, freeAbove: 6000 },
      { name: "Express", carrier: "Chronopost", type: "flat", currency: "EUR", amount: 1290 },
    ],
  });
  await createShippingZone(ctx, {
    name: "EU",
    countries: ["AT", "BE", "DE", "DK", "ES", "FI", "IE", "IT", "LU", "NL", "PL", "PT", "SE"],
    rates: [
      {
        name: "Standard EU", carrier: "DHL", type: "weight", currency: "EUR", freeAbove: 15000,
        brackets: [{ maxGrams: 500, amount: 890 }, { maxGrams: 2000, amount: 1290 }, { maxGrams: 10000, amount: 2490 }],
      },
    ],
  });
  return "2 shipping zones (France flat €4.90 free from €60, EU weight-based)";
}

// Demo seed data. Each module contributes a seeder; `trafi seed` and the first start of `serve` run them all.
// Seeders are idempotent: running them twice leaves the same data.
import type { Ctx } from "./kernel/context.ts";
import { updateSettings } from "./modules/settings/settings.ts";
import { flagsSeeder } from "./modules/flags/index.ts";
import { catalogSeeder } from "./modules/catalog/index.ts";
import { seedTaxes } from "./modules/tax/index.ts";
import { seedInventory } from "./modules/inventory/index.ts";
import { seedShipping } from "./modules/shipping/index.ts";
import { seedPayments } from "./modules/payments/index.ts";

export interface Seeder {
  name: string;
  run(ctx: Ctx): Promise<string>; // returns a one-line summary
}

export const SEEDERS: Seeder[] = [
  {
    name: "settings",
    async run(ctx) {
      await updateSettings(ctx, { timezone: "Europe/Paris", supportEmail: "support@demo.trafi.dev", returnWindowDays: 30 });
      return "store profile (Europe/Paris, support e-mail)";
    },
  },
  catalogSeeder, // before inventory, shipping and anything else that needs products
  { name: "taxes", run: seedTaxes },
  { name: "inventory", run: seedInventory },
  { name: "shipping", run: seedShipping },
  { name: "payments", run: seedPayments },
  flagsSeeder,
];

export async function runSeeders(ctx: Ctx, onStep: (name: string, summary: string) => void = () => {}): Promise<void> {
  for (const s of SEEDERS) onStep(s.name, await s.run(ctx));
}

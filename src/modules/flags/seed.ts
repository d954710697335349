// Demo flags: a running 50/50 experiment, a targeted running flag with a holdout, and a draft. Idempotent: a key
// that already exists is left as it is.
import { eq } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import type { Seeder } from "../../seed.ts";
import { createFlag, transitionFlag, type CreateFlagInput } from "./flags.ts";
import { flags } from "./flags.tables.ts";

const DEMO: { input: CreateFlagInput; start: boolean }[] = [
  {
    input: {
      key: "free-shipping-banner",
      name: "Free shipping banner",
      description: "Shows the free-shipping threshold above the product grid. 50/50 experiment.",
      variations: [false, true],
    },
    start: true,
  },
  {
    input: {
      key: "checkout-trust-badges",
      name: "Checkout trust badges",
      description: "Payment and returns badges next to the pay button, for French and Belgian visitors; 5% holdout.",
      variations: ["none", "badges"],
      weights: [0.5, 0.5],
      holdout: 0.05,
      targeting: [{ attribute: "country", op: "in", values: ["FR", "BE"] }],
    },
    start: true,
  },
  {
    input: {
      key: "one-page-checkout",
      name: "One-page checkout",
      description: "Draft: a single-page checkout layout, not started yet.",
      variations: ["multi-step", "one-page"],
    },
    start: false,
  },
];

async function exists(ctx: Ctx, key: string): Promise<boolean> {
  return (await ctx.store.db.select({ id: flags.id }).from(flags).where(eq(flags.key, key))).length > 0;
}

export const flagsSeeder: Seeder = {
  name: "flags",
  async run(ctx) {
    let created = 0;
    for (const d of DEMO) {
      if (await exists(ctx, d.input.key)) continue;
      const flag = await createFlag(ctx, d.input);
      if (d.start) await transitionFlag(ctx, flag.id, "start");
      created++;
    }
    return `${DEMO.length} demo flags (${created} new): free-shipping-banner, checkout-trust-badges running; one-page-checkout draft`;
  },
};

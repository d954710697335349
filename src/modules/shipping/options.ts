// Pricing of shipping rates: pure, no I/O.
//   flat:   the rate's amount
//   weight: the amount of the first bracket whose maxGrams ≥ the cart's weight (brackets sorted ascending);
//           heavier than the last bracket → the rate is not offered
//   free:   when freeAbove is set and the subtotal (same currency) ≥ freeAbove, the price is 0
// A rate in another currency than the cart is not offered (no conversion: prices are explicit per currency).
import { money, type Money } from "../../kernel/money.ts";
import type { WeightBracket } from "./shipping.tables.ts";

export interface RateForPricing {
  type: "flat" | "weight";
  currency: string;
  amount: number | null;
  brackets: WeightBracket[] | null;
  freeAbove: number | null;
  active: boolean;
}

export function priceRate(rate: RateForPricing, subtotal: Money, weightGrams: number): Money | null {
  if (!rate.active || rate.currency !== subtotal.currency) return null;
  let base: number | null;
  if (rate.type === "flat") base = rate.amount;
  else base = (rate.brackets ?? []).find((b) => weightGrams <= b.maxGrams)?.amount ?? null;
  if (base === null) return null;
  if (rate.freeAbove !== null && subtotal.amount >= rate.freeAbove) return money(0, rate.currency);
  return money(base, rate.currency);
}

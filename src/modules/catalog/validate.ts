// Input rules of the catalog that TypeBox cannot express: option/variant consistency, prices, handles.
import { isCurrency } from "../../kernel/currency.ts";
import { ValidationFailed } from "../../kernel/errors.ts";

export interface OptionDef {
  name: string;
  values: string[];
}

export interface PriceInput {
  currency: string;
  amount: number;
  compareAtAmount?: number | null;
}

/** A slug from free text: ASCII lowercase words joined by "-" ("Crème Brûlée Mug" → "creme-brulee-mug"). */
export function slugify(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100)
    .replace(/-+$/, "");
  return slug === "" ? "item" : slug;
}

export function checkOptions(options: OptionDef[]): OptionDef[] {
  const names = new Set<string>();
  for (const o of options) {
    const key = o.name.trim().toLowerCase();
    if (names.has(key)) throw new ValidationFailed("product.duplicate_option", `Option "${o.name}" is listed twice`, { option: o.name });
    names.add(key);
    if (new Set(o.values).size !== o.values.length) {
      throw new ValidationFailed("product.duplicate_option_value", `Option "${o.name}" repeats a value`, { option: o.name });
    }
  }
  return options.map((o) => ({ name: o.name.trim(), values: o.values.map((v) => v.trim()) }));
}

/**
 * The variant's option values, checked against the product's options and returned in option order: every
 * option needs exactly one of its declared values.
 */
export function checkVariantOptions(options: OptionDef[], given: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(given)) {
    if (!options.some((o) => o.name === name)) {
      throw new ValidationFailed("variant.unknown_option", `The product has no option "${name}"`, { option: name });
    }
  }
  for (const o of options) {
    const v = given[o.name];
    if (v === undefined) throw new ValidationFailed("variant.option_required", `The variant needs a value for "${o.name}"`, { option: o.name });
    if (!o.values.includes(v)) {
      throw new ValidationFailed("variant.unknown_option_value", `"${v}" is not a value of option "${o.name}"`, { option: o.name, value: v });
    }
    out[o.name] = v;
  }
  return out;
}

export const optionKey = (values: Record<string, string>): string => JSON.stringify(Object.values(values));

export function checkPrices(prices: PriceInput[], defaultCurrency: string): PriceInput[] {
  const seen = new Set<string>();
  for (const p of prices) {
    if (!isCurrency(p.currency)) {
      throw new ValidationFailed("variant.unknown_currency", `${p.currency} is not a supported currency`, { currency: p.currency });
    }
    if (seen.has(p.currency)) throw new ValidationFailed("variant.duplicate_price", `Two prices in ${p.currency}`, { currency: p.currency });
    seen.add(p.currency);
  }
  if (!seen.has(defaultCurrency)) {
    throw new ValidationFailed("variant.price_required", `Every variant needs a price in the store's default currency (${defaultCurrency})`, {
      currency: defaultCurrency,
    });
  }
  return prices;
}

export function checkTags(tags: string[]): string[] {
  // Trimmed, de-duplicated case-insensitively, first spelling kept.
  const seen = new Set<string>();
  return tags.map((t) => t.trim()).filter((t) => t !== "" && !seen.has(t.toLowerCase()) && seen.add(t.toLowerCase()));
}

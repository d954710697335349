// Formatting for buyers. Money arrives as integer minor units: the decimal string is built from the integer's digits
// (never amount / 100, which is floating-point maths on money) and the currency's exponent comes from the server's
// table (src/kernel/currency.ts), not the browser's Intl: V8 says 0 decimals for HUF, IDR and COP where the API
// counts 2 (see web/dashboard/lib/format.ts). Intl only draws the symbol and the grouping of that exact decimal.
import { CURRENCIES } from "../../../src/kernel/currency.ts";
import type { Money } from "./types.ts";

export const exponent = (currency: string): number => CURRENCIES[currency] ?? 2;

/** 123456 minor units, exponent 2 → "1234.56"; exact for any safe integer. */
export function decimalString(amount: number, e: number): string {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`not an amount of minor units: ${amount}`);
  const digits = String(Math.abs(amount)).padStart(e + 1, "0");
  const body = e === 0 ? digits : `${digits.slice(0, -e)}.${digits.slice(-e)}`;
  return amount < 0 ? `-${body}` : body;
}

const formatters = new Map<string, Intl.NumberFormat>();

export function money(m: Money | null | undefined): string {
  if (!m) return "—";
  const e = exponent(m.currency);
  let f = formatters.get(m.currency);
  if (!f) {
    f = new Intl.NumberFormat("en", { style: "currency", currency: m.currency, minimumFractionDigits: e, maximumFractionDigits: e });
    formatters.set(m.currency, f);
  }
  // A decimal string is formatted exactly (Intl.NumberFormat v3), with no trip through a binary float.
  return f.format(decimalString(m.amount, e) as Intl.StringNumericLiteral);
}

export const date = (iso: string): string => new Date(iso).toLocaleDateString("en", { dateStyle: "long" });

const regionNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;
export const countryName = (code: string): string => regionNames?.of(code) ?? code;

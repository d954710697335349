// Formatting: money from integer minor units, dates in the browser's locale.
// A currency's exponent comes from the server's table (src/kernel/currency.ts), never from the browser's Intl: V8
// (Chrome, Edge) says 0 decimals for HUF, IDR and COP where ISO 4217 and the API say 2, which showed and took those
// amounts 100× off. Intl only draws the symbol and the grouping, with the digits fixed to the exponent.
import { CURRENCIES } from "../../../src/kernel/currency.ts";

export const exponent = (currency: string): number => CURRENCIES[currency] ?? 2;

export function money(amount: number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return "—";
  const e = exponent(currency);
  return new Intl.NumberFormat("en", { style: "currency", currency, minimumFractionDigits: e, maximumFractionDigits: e }).format(amount / 10 ** e);
}

/** "12.50" → 1250 (EUR); rounds half away from zero on extra digits; null when not a number. */
export function toMinor(input: string, currency: string): number | null {
  const s = input.trim().replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  const e = exponent(currency);
  const [int = "0", frac = ""] = s.replace("-", "").split(".");
  const padded = (frac + "0".repeat(e + 1)).slice(0, e + 1);
  let minor = Number(int) * 10 ** e + Math.floor(Number(padded) / 10);
  if (Number(padded.slice(-1)) >= 5) minor += 1;
  return s.startsWith("-") ? -minor : minor;
}

export const fromMinor = (amount: number, currency: string): string => (amount / 10 ** exponent(currency)).toFixed(exponent(currency));

export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

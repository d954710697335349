// Formatting: money from integer minor units (currency exponent from Intl), dates in the browser's locale.
const digitsCache = new Map<string, number>();

export function exponent(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, d);
  }
  return d;
}

export function money(amount: number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return "—";
  return new Intl.NumberFormat("en", { style: "currency", currency }).format(amount / 10 ** exponent(currency));
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

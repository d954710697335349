// Money: an integer amount of minor units plus an ISO 4217 currency (API.md). No floats ever enter a computation:
// constructors reject non-integers and unsafe integers, products and rate applications run in BigInt and come back
// through a NAMED rounding, so every place that loses precision says how.
import { CURRENCIES, isCurrency } from "./currency.ts";

export interface Money {
  readonly amount: number; // integer minor units (cents for EUR)
  readonly currency: string;
}

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MoneyError";
  }
}

export type Rounding = "halfEven" | "halfUp";

/** Rates are integers in millionths (ppm): 20% = 200_000, 5.5% = 55_000, 0.0001% = 1. */
export const RATE_SCALE = 1_000_000;

function assertAmount(amount: number): void {
  if (!Number.isSafeInteger(amount)) throw new MoneyError(`amount must be a safe integer of minor units, got ${amount}`);
}

function assertCurrency(currency: string): void {
  if (!isCurrency(currency)) throw new MoneyError(`unknown currency ${currency}`);
}

export function money(amount: number, currency: string): Money {
  assertAmount(amount);
  assertCurrency(currency);
  return { amount, currency };
}

export const zero = (currency: string): Money => money(0, currency);

export function exponent(currency: string): number {
  assertCurrency(currency);
  return CURRENCIES[currency]!;
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`currency mismatch: ${a.currency} vs ${b.currency}`);
}

/** Back from BigInt, refusing anything a JS number cannot hold exactly. */
function fromBig(v: bigint, currency: string): Money {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyError(`amount overflows the safe integer range (${v} ${currency})`);
  }
  return { amount: Number(v), currency };
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return fromBig(BigInt(a.amount) + BigInt(b.amount), a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return fromBig(BigInt(a.amount) - BigInt(b.amount), a.currency);
}

export function negate(a: Money): Money {
  return { amount: a.amount === 0 ? 0 : -a.amount, currency: a.currency };
}

/** Unit price × quantity. The quantity must be an integer: fractional quantities would need a rounding rule. */
export function multiply(a: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) throw new MoneyError(`quantity must be an integer, got ${quantity}`);
  return fromBig(BigInt(a.amount) * BigInt(quantity), a.currency);
}

export function sum(items: readonly Money[], currency: string): Money {
  assertCurrency(currency);
  let total = 0n;
  for (const m of items) {
    if (m.currency !== currency) throw new MoneyError(`currency mismatch: ${m.currency} vs ${currency}`);
    total += BigInt(m.amount);
  }
  return fromBig(total, currency);
}

export const equals = (a: Money, b: Money): boolean => a.currency === b.currency && a.amount === b.amount;
export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

/** num / den rounded to the nearest integer, ties to the even neighbour (banker's rounding). den > 0. */
export function roundHalfEven(num: bigint, den: bigint): bigint {
  return divRound(num, den, "halfEven");
}

/** num / den rounded to the nearest integer, ties away from zero (the "school" rule). den > 0. */
export function roundHalfUp(num: bigint, den: bigint): bigint {
  return divRound(num, den, "halfUp");
}

export function divRound(num: bigint, den: bigint, mode: Rounding): bigint {
  if (den <= 0n) throw new MoneyError("divisor must be positive");
  const neg = num < 0n;
  const n = neg ? -num : num;
  let q = n / den;
  const twice = (n % den) * 2n;
  if (twice > den || (twice === den && (mode === "halfUp" || q % 2n === 1n))) q += 1n;
  return neg ? -q : q;
}

export function assertRate(ratePpm: number): void {
  if (!Number.isSafeInteger(ratePpm) || ratePpm < 0) throw new MoneyError(`rate must be a non-negative integer of millionths, got ${ratePpm}`);
}

/** amount × rate, rounded: the tax on a net amount, a discount percentage, … */
export function applyRate(a: Money, ratePpm: number, rounding: Rounding): Money {
  assertRate(ratePpm);
  return fromBig(divRound(BigInt(a.amount) * BigInt(ratePpm), BigInt(RATE_SCALE), rounding), a.currency);
}

/** The part of a gross amount that is tax at `rate`: gross × rate / (1 + rate), rounded. */
export function extractRate(gross: Money, ratePpm: number, rounding: Rounding): Money {
  assertRate(ratePpm);
  return fromBig(divRound(BigInt(gross.amount) * BigInt(ratePpm), BigInt(RATE_SCALE + ratePpm), rounding), gross.currency);
}

/**
 * Splits `a` in proportion to non-negative integer weights with the largest-remainder method: every share is the
 * floor of its exact part, then the leftover minor units go one each to the largest remainders (earliest index on
 * ties). The shares always sum to `a` exactly. Negative amounts are split as their absolute value, then negated.
 */
export function allocate(a: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new MoneyError("allocate needs at least one weight");
  let total = 0n;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new MoneyError(`weights must be non-negative integers, got ${w}`);
    total += BigInt(w);
  }
  if (total === 0n) throw new MoneyError("allocate needs a positive total weight");
  const neg = a.amount < 0;
  const amount = BigInt(Math.abs(a.amount));
  const shares = weights.map((w) => (amount * BigInt(w)) / total);
  const remainders = weights.map((w, i) => ({ i, r: (amount * BigInt(w)) % total }));
  let left = amount - shares.reduce((s, x) => s + x, 0n);
  remainders.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) shares[remainders[k]!.i]! += 1n;
  return shares.map((s) => fromBig(neg ? -s : s, a.currency));
}

/** Exact decimal string of the amount in major units: 1999 EUR → "19.99", 5 JPY → "5", -5 EUR → "-0.05". */
export function toDecimalString(a: Money): string {
  const exp = exponent(a.currency);
  const digits = Math.abs(a.amount).toString().padStart(exp + 1, "0");
  const int = digits.slice(0, digits.length - exp);
  const frac = exp > 0 ? "." + digits.slice(digits.length - exp) : "";
  return (a.amount < 0 ? "-" : "") + int + frac;
}

/** Parses an exact decimal in major units ("19.99") into minor units; more decimals than the currency has is an error. */
export function parseDecimal(value: string, currency: string): Money {
  const exp = exponent(currency);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new MoneyError(`not a decimal amount: ${value}`);
  const frac = m[3] ?? "";
  if (frac.length > exp) throw new MoneyError(`${currency} has ${exp} decimals, got ${value}`);
  const amount = BigInt(m[2]! + frac.padEnd(exp, "0")) * (m[1] === "-" ? -1n : 1n);
  return fromBig(amount, currency);
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Locale formatting for display only ("€19.99", "19,99 €"). Never parse this back. */
export function formatMoney(a: Money, locale = "en"): string {
  const key = `${locale}|${a.currency}`;
  let fmt = formatters.get(key);
  if (!fmt) {
    const exp = exponent(a.currency);
    // Building a formatter costs tens of µs (ICU); an order e-mail formats a dozen amounts.
    fmt = new Intl.NumberFormat(locale, { style: "currency", currency: a.currency, minimumFractionDigits: exp, maximumFractionDigits: exp });
    formatters.set(key, fmt);
  }
  // Intl accepts an exact decimal string (Intl.NumberFormat v3), so no float ever represents the amount.
  return fmt.format(toDecimalString(a) as unknown as number);
}

/** "5.5" → 55_000 ppm; at most 4 decimals so the rate is exact in millionths. */
export function percentToPpm(percent: string): number {
  const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(percent);
  if (!m) throw new MoneyError(`not a percentage with at most 4 decimals: ${percent}`);
  return Number(m[1]!) * 10_000 + Number((m[2] ?? "").padEnd(4, "0"));
}

/** 55_000 ppm → "5.5" (no trailing zeros). */
export function ppmToPercent(ppm: number): string {
  assertRate(ppm);
  const int = Math.floor(ppm / 10_000);
  const frac = (ppm % 10_000).toString().padStart(4, "0").replace(/0+$/, "");
  return frac ? `${int}.${frac}` : `${int}`;
}

/**
 * Totals whose tax is inside the total (tax-inclusive prices): total = subtotal − discount + shipping, tax > 0. Read
 * from the figures themselves, so an order says what its buyer was charged whatever the store's setting is now.
 */
export const taxIncluded = (t: { subtotal: number; discountTotal: number; shippingTotal: number; taxTotal: number; total: number }): boolean =>
  t.taxTotal > 0 && t.subtotal - t.discountTotal + t.shippingTotal === t.total;

// Shipping zones and rates (admin verbs) and the options for an address (storefront, cart).
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { isCountryCode } from "../../kernel/country.ts";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { isCurrency } from "../../kernel/currency.ts";
import type { Money } from "../../kernel/money.ts";
import { decodeCursor, toPage, type Page } from "../../kernel/pagination.ts";
import { withTx as plainTx, type StoreTx } from "../../db/tx.ts";
import { cachedConfig, invalidateConfig } from "../../tenancy/config-cache.ts";
import type { StoreDb } from "../../db/client.ts";
import { recordAudit } from "../audit/index.ts";
import { priceRate } from "./options.ts";
import { shippingRates, shippingZoneCountries, shippingZones, type WeightBracket } from "./shipping.tables.ts";

type Db = StoreTx | StoreDb;

/** Every write of this module: the cached zones are dropped once it committed (or failed). */
const withTx = <T>(ctx: Pick<Ctx, "store">, fn: (tx: StoreTx) => Promise<T>): Promise<T> =>
  plainTx(ctx, fn).finally(() => invalidateConfig(ctx.store, "shipping"));
type ZoneRow = typeof shippingZones.$inferSelect;
type RateRow = typeof shippingRates.$inferSelect;
const iso = (ms: number) => new Date(ms).toISOString();

export interface RateInput {
  name: string;
  carrier: string;
  type: "flat" | "weight";
  currency: string;
  amount?: number | null;
  brackets?: WeightBracket[] | null;
  freeAbove?: number | null;
  active?: boolean;
}

const rateView = (r: RateRow) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) });
export type ShippingRateOut = ReturnType<typeof rateView>;
export interface ShippingZoneOut { id: string; name: string; countries: string[]; rates: ShippingRateOut[]; createdAt: string; updatedAt: string }

/** A flat rate has an amount and no brackets; a weight rate has ascending brackets and no amount. */
function checkRate(r: RateInput): { amount: number | null; brackets: WeightBracket[] | null } {
  if (!isCurrency(r.currency)) throw new ValidationFailed("shipping.unknown_currency", "currency must be a supported ISO 4217 code", { field: "currency" });
  if (r.type === "flat") {
    if (r.amount == null || r.brackets != null) throw new ValidationFailed("shipping.invalid_rate", "A flat rate needs an amount and no brackets", { field: "amount" });
    return { amount: r.amount, brackets: null };
  }
  if (!r.brackets?.length || r.amount != null) throw new ValidationFailed("shipping.invalid_rate", "A weight rate needs brackets and no amount", { field: "brackets" });
  for (let i = 1; i < r.brackets.length; i++) {
    if (r.brackets[i]!.maxGrams <= r.brackets[i - 1]!.maxGrams) {
      throw new ValidationFailed("shipping.invalid_brackets", "Weight brackets must be sorted by strictly increasing maxGrams", { field: "brackets" });
    }
  }
  return { amount: null, brackets: r.brackets };
}

function uniqueCountries(countries: string[]): string[] {
  // A code no address can carry ("UK" for GB, "EL" for GR) would make a zone that never matches: its buyers would
  // see no shipping option at all.
  const unknown = countries.find((c) => !isCountryCode(c));
  if (unknown !== undefined) throw new ValidationFailed("shipping.unknown_country", `${unknown} is not an ISO 3166-1 alpha-2 country code`, { field: "countries", countryCode: unknown });
  const set = [...new Set(countries)];
  if (set.length !== countries.length) throw new ValidationFailed("shipping.duplicate_country", "A country is listed twice", { field: "countries" });
  return set;
}

async function assertCountriesFree(tx: StoreTx, countries: string[], zoneId: string): Promise<void> {
  const taken = await tx.select().from(shippingZoneCountries).where(inArray(shippingZoneCountries.countryCode, countries));
  const clash = taken.find((c) => c.zoneId !== zoneId);
  if (clash) {
    throw new Conflict("shipping.country_in_other_zone", `${clash.countryCode} already belongs to another shipping zone`, { countryCode: clash.countryCode, zoneId: clash.zoneId });
  }
}

async function zoneRow(db: Db, id: string): Promise<ZoneRow> {
  const z = isId("shz", id) ? (await db.select().from(shippingZones).where(eq(shippingZones.id, id)))[0] : undefined;
  if (!z) throw new NotFound("shipping_zone", id);
  return z;
}

async function views(db: Db, zones: ZoneRow[]): Promise<ShippingZoneOut[]> {
  if (zones.length === 0) return [];
  const ids = zones.map((z) => z.id);
  const [countries, rates] = await Promise.all([
    db.select().from(shippingZoneCountries).where(inArray(shippingZoneCountries.zoneId, ids)),
    db.select().from(shippingRates).where(inArray(shippingRates.zoneId, ids)).orderBy(asc(shippingRates.id)),
  ]);
  return zones.map((z) => ({
    id: z.id, name: z.name,
    countries: countries.filter((c) => c.zoneId === z.id).map((c) => c.countryCode).sort(),
    rates: rates.filter((r) => r.zoneId === z.id).map(rateView),
    createdAt: iso(z.createdAt), updatedAt: iso(z.updatedAt),
  }));
}

export async function getShippingZone(ctx: Pick<Ctx, "store">, id: string): Promise<ShippingZoneOut> {
  return (await views(ctx.store.db, [await zoneRow(ctx.store.db, id)]))[0]!;
}

export async function listShippingZones(ctx: Pick<Ctx, "store">, q: { limit?: number; cursor?: string }): Promise<Page<ShippingZoneOut>> {
  const limit = q.limit ?? 20;
  const after = decodeCursor(q.cursor);
  const rows = await ctx.store.db.select().from(shippingZones).where(after ? gt(shippingZones.id, after) : undefined).orderBy(asc(shippingZones.id)).limit(limit + 1);
  const page = toPage(rows, limit);
  return { data: await views(ctx.store.db, page.data), nextCursor: page.nextCursor };
}

async function insertRate(tx: StoreTx, zoneId: string, r: RateInput, now: number): Promise<RateRow> {
  const { amount, brackets } = checkRate(r);
  const row: RateRow = {
    id: newId("shr", now), zoneId, name: r.name, carrier: r.carrier, type: r.type, currency: r.currency, amount, brackets,
    freeAbove: r.freeAbove ?? null, active: r.active ?? true, createdAt: now, updatedAt: now,
  };
  await tx.insert(shippingRates).values(row);
  return row;
}

export async function createShippingZone(ctx: Ctx, input: { name: string; countries: string[]; rates?: RateInput[] }): Promise<ShippingZoneOut> {
  const countries = uniqueCountries(input.countries);
  const now = ctx.clock.now();
  const id = newId("shz", now);
  await withTx(ctx, async (tx) => {
    await assertCountriesFree(tx, countries, id);
    await tx.insert(shippingZones).values({ id, name: input.name, createdAt: now, updatedAt: now });
    await tx.insert(shippingZoneCountries).values(countries.map((countryCode) => ({ zoneId: id, countryCode })));
    for (const r of input.rates ?? []) await insertRate(tx, id, r, now);
    await recordAudit(tx, ctx, { action: "shipping_zone.created", targetType: "shipping_zone", targetId: id, after: input });
  });
  return getShippingZone(ctx, id);
}

export async function updateShippingZone(ctx: Ctx, id: string, patch: { name?: string; countries?: string[] }): Promise<ShippingZoneOut> {
  const countries = patch.countries ? uniqueCountries(patch.countries) : undefined;
  await withTx(ctx, async (tx) => {
    const before = (await views(tx, [await zoneRow(tx, id)]))[0]!;
    if (countries) {
      await assertCountriesFree(tx, countries, id);
      await tx.delete(shippingZoneCountries).where(eq(shippingZoneCountries.zoneId, id));
      await tx.insert(shippingZoneCountries).values(countries.map((countryCode) => ({ zoneId: id, countryCode })));
    }
    await tx.update(shippingZones).set({ name: patch.name ?? before.name, updatedAt: ctx.clock.now() }).where(eq(shippingZones.id, id));
    await recordAudit(tx, ctx, { action: "shipping_zone.updated", targetType: "shipping_zone", targetId: id, before: { name: before.name, countries: before.countries }, after: patch });
  });
  return getShippingZone(ctx, id);
}

export async function deleteShippingZone(ctx: Ctx, id: string): Promise<void> {
  await withTx(ctx, async (tx) => {
    const before = await zoneRow(tx, id);
    await tx.delete(shippingZones).where(eq(shippingZones.id, id));
    await recordAudit(tx, ctx, { action: "shipping_zone.deleted", targetType: "shipping_zone", targetId: id, before });
  });
}

export async function createShippingRate(ctx: Ctx, zoneId: string, input: RateInput): Promise<ShippingRateOut> {
  const row = await withTx(ctx, async (tx) => {
    await zoneRow(tx, zoneId);
    const r = await insertRate(tx, zoneId, input, ctx.clock.now());
    await recordAudit(tx, ctx, { action: "shipping_rate.created", targetType: "shipping_rate", targetId: r.id, after: r });
    return r;
  });
  return rateView(row);
}

async function rateRow(tx: StoreTx, zoneId: string, rateId: string): Promise<RateRow> {
  await zoneRow(tx, zoneId);
  const r = isId("shr", rateId) ? (await tx.select().from(shippingRates).where(and(eq(shippingRates.id, rateId), eq(shippingRates.zoneId, zoneId))))[0] : undefined;
  if (!r) throw new NotFound("shipping_rate", rateId);
  return r;
}

export async function updateShippingRate(ctx: Ctx, zoneId: string, rateId: string, patch: Partial<RateInput>): Promise<ShippingRateOut> {
  const row = await withTx(ctx, async (tx) => {
    const before = await rateRow(tx, zoneId, rateId);
    const merged: RateInput = { ...before, ...patch };
    // Switching type clears the other type's field unless the patch sets it.
    if (patch.type === "flat" && patch.brackets === undefined) merged.brackets = null;
    if (patch.type === "weight" && patch.amount === undefined) merged.amount = null;
    const { amount, brackets } = checkRate(merged);
    const next: RateRow = {
      ...before, name: merged.name, carrier: merged.carrier, type: merged.type, currency: merged.currency, amount, brackets,
      freeAbove: merged.freeAbove ?? null, active: merged.active ?? true, updatedAt: ctx.clock.now(),
    };
    await tx.update(shippingRates).set(next).where(eq(shippingRates.id, rateId));
    await recordAudit(tx, ctx, { action: "shipping_rate.updated", targetType: "shipping_rate", targetId: rateId, before, after: next });
    return next;
  });
  return rateView(row);
}

export async function deleteShippingRate(ctx: Ctx, zoneId: string, rateId: string): Promise<void> {
  await withTx(ctx, async (tx) => {
    const before = await rateRow(tx, zoneId, rateId);
    await tx.delete(shippingRates).where(eq(shippingRates.id, rateId));
    await recordAudit(tx, ctx, { action: "shipping_rate.deleted", targetType: "shipping_rate", targetId: rateId, before });
  });
}

export interface ShippingOption {
  id: string;
  name: string;
  carrier: string;
  zoneId: string;
  zoneName: string;
  price: Money;
  free: boolean;
}

interface ZoneRates {
  zone: ZoneRow;
  /** Rates by id, the order options are priced in before sorting. */
  rates: RateRow[];
}

/** Country code → its zone and rates, for the whole store (cached: shared, never mutate it). */
function zonesByCountry(ctx: Pick<Ctx, "store">): Promise<ReadonlyMap<string, ZoneRates>> {
  return cachedConfig(ctx.store, "shipping", async () => {
    const db = ctx.store.db;
    const [places, zones, rates] = await Promise.all([
      db.select().from(shippingZoneCountries),
      db.select().from(shippingZones),
      db.select().from(shippingRates).orderBy(asc(shippingRates.id)),
    ]);
    const byZone = new Map(zones.map((z) => [z.id, { zone: z, rates: [] as RateRow[] }]));
    for (const r of rates) byZone.get(r.zoneId)?.rates.push(r);
    const out = new Map<string, ZoneRates>();
    for (const p of places) {
      const z = byZone.get(p.zoneId);
      if (z) out.set(p.countryCode, z);
    }
    return out;
  });
}

/** The options for an address: the rates of the zone holding the country, priced for this subtotal and weight, cheapest first. */
export async function shippingOptions(
  ctx: Pick<Ctx, "store">, input: { address: { countryCode: string }; subtotal: Money; weightGrams: number },
): Promise<ShippingOption[]> {
  const place = (await zonesByCountry(ctx)).get(input.address.countryCode.toUpperCase());
  if (!place) return [];
  const { zone, rates } = place;
  const options: ShippingOption[] = [];
  for (const r of rates) {
    const price = priceRate(r, input.subtotal, input.weightGrams);
    if (price) options.push({ id: r.id, name: r.name, carrier: r.carrier, zoneId: zone.id, zoneName: zone.name, price, free: price.amount === 0 });
  }
  return options.sort((a, b) => a.price.amount - b.price.amount);
}

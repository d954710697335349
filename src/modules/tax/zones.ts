// Tax zones, their rates and the store's tax settings: the verbs behind the admin API and the store's quotes.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { money, MoneyError, percentToPpm, ppmToPercent, type Money } from "../../kernel/money.ts";
import { isCurrency } from "../../kernel/currency.ts";
import { isCountryCode } from "../../kernel/country.ts";
import { decodeCursor, toPage, type Page } from "../../kernel/pagination.ts";
import { withTx as plainTx, type StoreTx } from "../../db/tx.ts";
import { cachedConfig, invalidateConfig } from "../../tenancy/config-cache.ts";
import { recordAudit } from "../audit/index.ts";
import { computeTaxes, type TaxResult, type TaxZoneRates, type TaxableLine } from "./compute.ts";
import { taxRates, taxSettings, taxZones } from "./tax.tables.ts";
import { TAX_CATEGORIES, type TaxCategory } from "./vat.ts";

export interface TaxRateOut { category: TaxCategory; name: string; rate: string; ratePpm: number }
export interface TaxZoneOut {
  id: string; name: string; countryCode: string; region: string | null; rates: TaxRateOut[]; createdAt: string; updatedAt: string;
}
export interface TaxSettingsOut {
  pricesIncludeTax: boolean; originCountry: string | null; shippingTaxCategory: TaxCategory; updatedAt: string | null;
}

type ZoneRow = typeof taxZones.$inferSelect;
type RateRow = typeof taxRates.$inferSelect;
const iso = (ms: number) => new Date(ms).toISOString();

function zoneView(z: ZoneRow, rates: RateRow[]): TaxZoneOut {
  const order = (c: TaxCategory) => TAX_CATEGORIES.indexOf(c);
  return {
    id: z.id,
    name: z.name,
    countryCode: z.countryCode,
    region: z.region === "" ? null : z.region,
    rates: rates
      .filter((r) => r.zoneId === z.id)
      .sort((a, b) => order(a.category) - order(b.category))
      .map((r) => ({ category: r.category, name: r.name, rate: ppmToPercent(r.ratePpm), ratePpm: r.ratePpm })),
    createdAt: iso(z.createdAt),
    updatedAt: iso(z.updatedAt),
  };
}

/** Every write of this module: the cached settings and zones are dropped once it committed (or failed). */
const withTx = <T>(ctx: Pick<Ctx, "store">, fn: (tx: StoreTx) => Promise<T>): Promise<T> =>
  plainTx(ctx, fn).finally(() => {
    invalidateConfig(ctx.store, "tax.settings");
    invalidateConfig(ctx.store, "tax.zones");
  });

/** "20" → 200000, refusing more than 100%. */
function parseRate(rate: string): number {
  const ppm = percentToPpm(rate);
  if (ppm > 1_000_000) throw new ValidationFailed("tax.invalid_rate", "A tax rate must be between 0 and 100 percent", { rate });
  return ppm;
}

const DEFAULT_SETTINGS: TaxSettingsOut = { pricesIncludeTax: true, originCountry: null, shippingTaxCategory: "standard", updatedAt: null };

export function getTaxSettings(ctx: Pick<Ctx, "store">): Promise<TaxSettingsOut> {
  return cachedConfig(ctx.store, "tax.settings", async () => {
    const r = (await ctx.store.db.select().from(taxSettings).where(eq(taxSettings.id, 1)))[0];
    if (!r) return DEFAULT_SETTINGS;
    return { pricesIncludeTax: r.pricesIncludeTax, originCountry: r.originCountry, shippingTaxCategory: r.shippingTaxCategory, updatedAt: iso(r.updatedAt) };
  });
}

export async function updateTaxSettings(
  ctx: Ctx,
  patch: { pricesIncludeTax?: boolean; originCountry?: string | null; shippingTaxCategory?: TaxCategory },
): Promise<TaxSettingsOut> {
  if (patch.originCountry != null) assertCountry(patch.originCountry, "originCountry");
  const now = ctx.clock.now();
  await withTx(ctx, async (tx) => {
    const before = (await tx.select().from(taxSettings).where(eq(taxSettings.id, 1)))[0];
    const next = {
      pricesIncludeTax: patch.pricesIncludeTax ?? before?.pricesIncludeTax ?? DEFAULT_SETTINGS.pricesIncludeTax,
      originCountry: patch.originCountry !== undefined ? patch.originCountry : (before?.originCountry ?? null),
      shippingTaxCategory: patch.shippingTaxCategory ?? before?.shippingTaxCategory ?? DEFAULT_SETTINGS.shippingTaxCategory,
      updatedAt: now,
    };
    await tx.insert(taxSettings).values({ id: 1, ...next }).onConflictDoUpdate({ target: taxSettings.id, set: next });
    await recordAudit(tx, ctx, { action: "tax_settings.updated", targetType: "tax_settings", before: before ?? null, after: next });
  });
  return getTaxSettings(ctx);
}

async function zoneRow(db: Pick<StoreTx, "select">, id: string): Promise<ZoneRow> {
  if (!isId("txz", id)) throw new NotFound("tax_zone", id);
  const z = (await db.select().from(taxZones).where(eq(taxZones.id, id)))[0];
  if (!z) throw new NotFound("tax_zone", id);
  return z;
}

async function withRates(db: Pick<StoreTx, "select">, zones: ZoneRow[]): Promise<TaxZoneOut[]> {
  if (zones.length === 0) return [];
  const rates = await db.select().from(taxRates).where(inArray(taxRates.zoneId, zones.map((z) => z.id)));
  return zones.map((z) => zoneView(z, rates));
}

export async function getTaxZone(ctx: Pick<Ctx, "store">, id: string): Promise<TaxZoneOut> {
  return (await withRates(ctx.store.db, [await zoneRow(ctx.store.db, id)]))[0]!;
}

export async function listTaxZones(ctx: Pick<Ctx, "store">, q: { limit?: number; cursor?: string; countryCode?: string }): Promise<Page<TaxZoneOut>> {
  const limit = q.limit ?? 20;
  const after = decodeCursor(q.cursor);
  const where = and(after ? gt(taxZones.id, after) : undefined, q.countryCode ? eq(taxZones.countryCode, q.countryCode) : undefined);
  const rows = await ctx.store.db.select().from(taxZones).where(where).orderBy(asc(taxZones.id)).limit(limit + 1);
  const page = toPage(rows, limit);
  return { data: await withRates(ctx.store.db, page.data), nextCursor: page.nextCursor };
}

async function assertPlaceFree(tx: StoreTx, countryCode: string, region: string, exceptId?: string): Promise<void> {
  const clash = (await tx.select({ id: taxZones.id }).from(taxZones).where(and(eq(taxZones.countryCode, countryCode), eq(taxZones.region, region))))[0];
  if (clash && clash.id !== exceptId) {
    throw new Conflict("tax.zone_exists", `A tax zone for ${countryCode}${region ? `-${region}` : ""} already exists`, { zoneId: clash.id });
  }
}

export interface CreateTaxZoneInput {
  name: string;
  countryCode: string;
  region?: string;
  rates?: { category: TaxCategory; name?: string; rate: string }[];
}

/** A code no address carries ("EL" for Greece's VAT prefix, "UK") would make a zone or origin that never matches. */
function assertCountry(code: string, field: string): void {
  if (!isCountryCode(code)) throw new ValidationFailed("tax.unknown_country", `${code} is not an ISO 3166-1 alpha-2 country code${code === "EL" ? " (Greece is GR)" : ""}`, { field, countryCode: code });
}

export async function createTaxZone(ctx: Ctx, input: CreateTaxZoneInput): Promise<TaxZoneOut> {
  assertCountry(input.countryCode, "countryCode");
  const rates = (input.rates ?? []).map((r) => ({ category: r.category, name: r.name ?? `${input.name} ${r.category}`, ratePpm: parseRate(r.rate) }));
  if (new Set(rates.map((r) => r.category)).size !== rates.length) {
    throw new ValidationFailed("tax.duplicate_category", "Give at most one rate per tax category", { field: "rates" });
  }
  const now = ctx.clock.now();
  const id = newId("txz", now);
  await withTx(ctx, async (tx) => {
    const region = input.region ?? "";
    await assertPlaceFree(tx, input.countryCode, region);
    await tx.insert(taxZones).values({ id, name: input.name, countryCode: input.countryCode, region, createdAt: now, updatedAt: now });
    if (rates.length) await tx.insert(taxRates).values(rates.map((r) => ({ zoneId: id, ...r, updatedAt: now })));
    await recordAudit(tx, ctx, { action: "tax_zone.created", targetType: "tax_zone", targetId: id, after: { ...input } });
  });
  return getTaxZone(ctx, id);
}

export async function updateTaxZone(ctx: Ctx, id: string, patch: { name?: string; region?: string | null }): Promise<TaxZoneOut> {
  await withTx(ctx, async (tx) => {
    const before = await zoneRow(tx, id);
    const region = patch.region === undefined ? before.region : (patch.region ?? "");
    if (region !== before.region) await assertPlaceFree(tx, before.countryCode, region, id);
    const set = { name: patch.name ?? before.name, region, updatedAt: ctx.clock.now() };
    await tx.update(taxZones).set(set).where(eq(taxZones.id, id));
    await recordAudit(tx, ctx, { action: "tax_zone.updated", targetType: "tax_zone", targetId: id, before, after: set });
  });
  return getTaxZone(ctx, id);
}

export async function deleteTaxZone(ctx: Ctx, id: string): Promise<void> {
  await withTx(ctx, async (tx) => {
    const before = await zoneRow(tx, id);
    await tx.delete(taxZones).where(eq(taxZones.id, id));
    await recordAudit(tx, ctx, { action: "tax_zone.deleted", targetType: "tax_zone", targetId: id, before });
  });
}

export async function setTaxRate(ctx: Ctx, zoneId: string, category: TaxCategory, input: { name?: string; rate: string }): Promise<TaxZoneOut> {
  const ratePpm = parseRate(input.rate);
  await withTx(ctx, async (tx) => {
    const zone = await zoneRow(tx, zoneId);
    const before = (await tx.select().from(taxRates).where(and(eq(taxRates.zoneId, zoneId), eq(taxRates.category, category))))[0];
    const now = ctx.clock.now();
    const row = { zoneId, category, name: input.name ?? before?.name ?? `${zone.name} ${category}`, ratePpm, updatedAt: now };
    await tx.insert(taxRates).values(row).onConflictDoUpdate({ target: [taxRates.zoneId, taxRates.category], set: row });
    await tx.update(taxZones).set({ updatedAt: now }).where(eq(taxZones.id, zoneId));
    await recordAudit(tx, ctx, { action: "tax_rate.set", targetType: "tax_zone", targetId: zoneId, before: before ?? null, after: row });
  });
  return getTaxZone(ctx, zoneId);
}

export async function deleteTaxRate(ctx: Ctx, zoneId: string, category: TaxCategory): Promise<TaxZoneOut> {
  await withTx(ctx, async (tx) => {
    await zoneRow(tx, zoneId);
    const gone = await tx.delete(taxRates).where(and(eq(taxRates.zoneId, zoneId), eq(taxRates.category, category))).returning();
    if (gone.length === 0) throw new NotFound("tax_rate", category);
    await recordAudit(tx, ctx, { action: "tax_rate.deleted", targetType: "tax_zone", targetId: zoneId, before: gone[0] });
  });
  return getTaxZone(ctx, zoneId);
}

/** Every zone with its rates, in the shape computeTaxes takes (cached: shared, never mutate it). */
export function loadTaxZones(ctx: Pick<Ctx, "store">): Promise<readonly TaxZoneRates[]> {
  return cachedConfig(ctx.store, "tax.zones", async () => {
    const [zones, rates] = await Promise.all([ctx.store.db.select().from(taxZones), ctx.store.db.select().from(taxRates)]);
    return zones.map((z) => ({
      id: z.id,
      name: z.name,
      countryCode: z.countryCode,
      region: z.region === "" ? null : z.region,
      rates: Object.fromEntries(rates.filter((r) => r.zoneId === z.id).map((r) => [r.category, { name: r.name, ratePpm: r.ratePpm }])),
    }));
  });
}

export interface TaxQuoteInput {
  lines: readonly TaxableLine[];
  shippingAmount?: Money;
  address: { countryCode: string; region?: string | null };
  vatNumber?: string | null;
}

/** computeTaxes with the store's settings and zones. */
export async function taxQuote(ctx: Pick<Ctx, "store">, input: TaxQuoteInput): Promise<TaxResult> {
  const [settings, zones] = await Promise.all([getTaxSettings(ctx), loadTaxZones(ctx)]);
  try {
    return computeTaxes({
      ...input,
      pricesIncludeTax: settings.pricesIncludeTax,
      shippingTaxCategory: settings.shippingTaxCategory,
      originCountry: settings.originCountry,
      zones,
    });
  } catch (e) {
    // Amounts the caller sent that no exact integer can hold (10^12 × 100,000): their request, not our failure.
    if (e instanceof MoneyError) throw new ValidationFailed("tax.amount_too_large", "These amounts are too large to compute exactly", { field: "lines" });
    throw e;
  }
}

/** The HTTP quote body (plain integers in one currency) → taxQuote. */
export function quoteLinesFromBody(body: { currency: string; lines: { id: string; unitPrice: number; quantity: number; taxCategory: TaxCategory }[]; shippingAmount?: number }) {
  if (!isCurrency(body.currency)) throw new ValidationFailed("tax.unknown_currency", "currency must be a supported ISO 4217 code", { field: "currency" });
  return {
    lines: body.lines.map((l) => ({ id: l.id, unitPrice: money(l.unitPrice, body.currency), quantity: l.quantity, taxCategory: l.taxCategory })),
    shippingAmount: body.shippingAmount === undefined ? undefined : money(body.shippingAmount, body.currency),
  };
}

// The store profile: name, default currency, time zone, support email, the buyers' return window.
import { eq, sql } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import { isCurrency, isTimeZone } from "../../kernel/currency.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { storeSettings } from "./settings.tables.ts";
import { recordAudit } from "../audit/index.ts";
import { cachedConfig, invalidateConfig } from "../../tenancy/config-cache.ts";

type Row = typeof storeSettings.$inferSelect;

export interface Settings {
  storeId: string;
  name: string;
  defaultCurrency: string;
  timezone: string;
  supportEmail: string | null;
  returnWindowDays: number | null;
  storefrontUrl: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

const view = (storeId: string, r: Row): Settings => ({
  storeId,
  name: r.name,
  defaultCurrency: r.defaultCurrency,
  timezone: r.timezone,
  supportEmail: r.supportEmail,
  returnWindowDays: r.returnWindowDays,
  storefrontUrl: r.storefrontUrl,
  revision: r.revision,
  createdAt: new Date(r.createdAt).toISOString(),
  updatedAt: new Date(r.updatedAt).toISOString(),
});

export interface InitialSettings {
  name: string;
  defaultCurrency: string;
  timezone: string;
}

function check(input: Partial<InitialSettings>): void {
  if (input.defaultCurrency !== undefined && !isCurrency(input.defaultCurrency)) {
    throw new ValidationFailed("settings.unknown_currency", "defaultCurrency must be a supported ISO 4217 code such as EUR", {
      field: "defaultCurrency",
    });
  }
  if (input.timezone !== undefined && !isTimeZone(input.timezone)) {
    throw new ValidationFailed("settings.unknown_timezone", "timezone must be an IANA time zone such as Europe/Paris", {
      field: "timezone",
    });
  }
}

/**
 * Buyers are sent there (order e-mails): an http(s) address with a host, and nothing after the path. Returned in the
 * form links are built from (lowercase scheme and host, no trailing slash): "HTTPS://Shop.Example.com/" is valid to
 * new URL() but not to the e-mail templates, which would refuse every confirmation.
 */
export function normalizeStorefrontUrl(u: string): string {
  let url: URL | null = null;
  try {
    url = /[\s\x00-\x1f\x7f?#]/.test(u) ? null : new URL(u);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.hostname === "" || url.username !== "" || url.password !== "") {
    throw new ValidationFailed("settings.invalid_storefront_url", "storefrontUrl must be an http(s) address such as https://shop.example.com, without query, fragment or credentials", { field: "storefrontUrl" });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** Writes the first settings row of a new store (provisioning, inside its transaction). */
export async function initSettings(tx: StoreTx, input: InitialSettings, now: number): Promise<void> {
  check(input);
  await tx.insert(storeSettings).values({ id: 1, ...input, revision: 0, createdAt: now, updatedAt: now });
}

// Settings are read on many requests (the store API's profile, currency lookups) and change rarely: kept in the
// per-store memo (tenancy/config-cache.ts). A write through updateSettings drops the entry after its commit; a
// write by another process (the CLI's `seed` while the server runs) shows after at most its TTL.
export function getSettings(ctx: Ctx): Promise<Settings> {
  return cachedConfig(
    ctx.store,
    "settings",
    async () => {
      const row = (await ctx.store.db.select().from(storeSettings).where(eq(storeSettings.id, 1)))[0];
      if (!row) throw new Error(`store ${ctx.storeId} has no settings row`);
      return view(ctx.storeId, row);
    },
    () => ctx.clock.now(),
  );
}

export async function updateSettings(
  ctx: Ctx,
  patch: Partial<InitialSettings> & { supportEmail?: string | null; returnWindowDays?: number | null; storefrontUrl?: string | null },
): Promise<Settings> {
  check(patch);
  // Stored as links are built from it: <storefrontUrl>/orders/….
  if (patch.storefrontUrl) patch = { ...patch, storefrontUrl: normalizeStorefrontUrl(patch.storefrontUrl) };
  const row = await withTx(ctx, async (tx) => {
    const before = (await tx.select().from(storeSettings).where(eq(storeSettings.id, 1)))[0];
    const updated = await tx
      .update(storeSettings)
      .set({ ...patch, revision: sql`${storeSettings.revision} + 1`, updatedAt: ctx.clock.now() })
      .where(eq(storeSettings.id, 1))
      .returning();
    const after = updated[0];
    if (before && after) {
      const fields = Object.keys(patch) as (keyof typeof patch)[];
      await recordAudit(tx, ctx, {
        action: "settings.updated",
        targetType: "settings",
        targetId: "profile",
        before: Object.fromEntries(fields.map((f) => [f, before[f]])),
        after: Object.fromEntries(fields.map((f) => [f, after[f]])),
      });
    }
    return after;
  }).finally(() => invalidateConfig(ctx.store, "settings"));
  if (!row) throw new Error(`store ${ctx.storeId} has no settings row`);
  return view(ctx.storeId, row);
}

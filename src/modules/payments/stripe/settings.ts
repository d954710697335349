// The store's Stripe configuration: keys checked for shape and mode, secrets sealed before they touch the DB,
// and a view that never carries a secret (only a hint and whether the webhook secret is set).
import { eq, sql } from "drizzle-orm";
import type { Ctx } from "../../../kernel/context.ts";
import { ValidationFailed } from "../../../kernel/errors.ts";
import { seal, unseal } from "../../../kernel/seal.ts";
import type { StoreDb } from "../../../db/client.ts";
import { withTx } from "../../../db/tx.ts";
import { recordAudit } from "../../audit/index.ts";
import { stripeSettings } from "./stripe.tables.ts";

export const STRIPE_SECRET_PURPOSE = "stripe";

const SECRET_KEY_RE = /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,240}$/;
const PUBLISHABLE_KEY_RE = /^pk_(test|live)_[A-Za-z0-9]{8,240}$/;
const WEBHOOK_SECRET_RE = /^whsec_[A-Za-z0-9+/=]{8,240}$/;

type Row = typeof stripeSettings.$inferSelect;

export interface StripeSettingsView {
  configured: boolean;
  mode: "test" | "live" | null;
  secretKeyHint: string | null;
  publishableKey: string | null;
  webhookSecretSet: boolean;
  webhookUrl: string;
  revision: number;
  updatedAt: string | null;
}

export interface StripeSettingsInput {
  /** Required the first time; omitted afterwards keeps the stored key. */
  secretKey?: string;
  publishableKey: string;
  /** Omitted keeps the stored secret; null removes it (webhooks are then refused). */
  webhookSecret?: string | null;
}

export interface StripeCredentials {
  secretKey: string;
  publishableKey: string;
  webhookSecret: string | null;
  mode: "test" | "live";
}

export const hintOf = (secretKey: string) => `${secretKey.slice(0, secretKey.indexOf("_", 3) + 1)}…${secretKey.slice(-4)}`;

export const webhookUrlOf = (publicUrl: string, storeId: string) => `${publicUrl}/v1/hooks/stripe/${storeId}`;

function view(publicUrl: string, storeId: string, r: Row | undefined): StripeSettingsView {
  return {
    configured: r !== undefined,
    mode: r?.mode ?? null,
    secretKeyHint: r?.secretKeyHint ?? null,
    publishableKey: r?.publishableKey ?? null,
    webhookSecretSet: r?.webhookSecretSealed != null,
    webhookUrl: webhookUrlOf(publicUrl, storeId),
    revision: r?.revision ?? 0,
    updatedAt: r ? new Date(r.updatedAt).toISOString() : null,
  };
}

const modeOf = (key: string): "test" | "live" => (key.includes("_live_") ? "live" : "test");

/** Every problem at once, so the merchant fixes the form in one go. */
function validate(input: StripeSettingsInput, hasStoredSecret: boolean, storedMode: "test" | "live" | null): void {
  const issues: { field: string; reason: string; message: string }[] = [];
  if (input.secretKey === undefined && !hasStoredSecret) {
    issues.push({ field: "secretKey", reason: "stripe.secret_key_required", message: "A secret key (sk_… or rk_…) is required the first time" });
  } else if (input.secretKey !== undefined && !SECRET_KEY_RE.test(input.secretKey)) {
    issues.push({ field: "secretKey", reason: "stripe.invalid_secret_key", message: "The secret key must look like sk_test_…, sk_live_…, rk_test_… or rk_live_…" });
  }
  if (!PUBLISHABLE_KEY_RE.test(input.publishableKey)) {
    issues.push({ field: "publishableKey", reason: "stripe.invalid_publishable_key", message: "The publishable key must look like pk_test_… or pk_live_…" });
  }
  if (input.webhookSecret != null && !WEBHOOK_SECRET_RE.test(input.webhookSecret)) {
    issues.push({ field: "webhookSecret", reason: "stripe.invalid_webhook_secret", message: "The webhook signing secret must look like whsec_…" });
  }
  const secretMode = input.secretKey && SECRET_KEY_RE.test(input.secretKey) ? modeOf(input.secretKey) : storedMode;
  if (issues.length === 0 && secretMode !== modeOf(input.publishableKey)) {
    issues.push({ field: "publishableKey", reason: "stripe.mode_mismatch", message: "The secret and publishable keys must both be test keys or both be live keys" });
  }
  if (issues.length > 0) {
    throw new ValidationFailed(issues[0]!.reason, "The Stripe settings are not valid", { issues });
  }
}

const readRow = async (db: StoreDb) => (await db.select().from(stripeSettings).where(eq(stripeSettings.id, 1)))[0];

export async function getStripeSettings(ctx: Ctx, publicUrl: string): Promise<StripeSettingsView> {
  return view(publicUrl, ctx.storeId, await readRow(ctx.store.db));
}

/** The audit copy: what changed, never a secret. */
const auditView = (r: Row | undefined) =>
  r && { mode: r.mode, secretKeyHint: r.secretKeyHint, publishableKey: r.publishableKey, webhookSecretSet: r.webhookSecretSealed != null };

export async function putStripeSettings(ctx: Ctx, deps: { masterKey: Uint8Array; publicUrl: string }, input: StripeSettingsInput): Promise<StripeSettingsView> {
  const row = await withTx(ctx, async (tx) => {
    const before = (await tx.select().from(stripeSettings).where(eq(stripeSettings.id, 1)))[0];
    validate(input, before !== undefined, before?.mode ?? null);
    const secretKeySealed = input.secretKey !== undefined ? seal(deps.masterKey, STRIPE_SECRET_PURPOSE, input.secretKey) : before!.secretKeySealed;
    const values = {
      secretKeySealed,
      secretKeyHint: input.secretKey !== undefined ? hintOf(input.secretKey) : before!.secretKeyHint,
      publishableKey: input.publishableKey,
      webhookSecretSealed:
        input.webhookSecret === undefined
          ? (before?.webhookSecretSealed ?? null)
          : input.webhookSecret === null
            ? null
            : seal(deps.masterKey, STRIPE_SECRET_PURPOSE, input.webhookSecret),
      mode: modeOf(input.publishableKey),
      updatedAt: ctx.clock.now(),
    };
    const after = (
      await tx
        .insert(stripeSettings)
        .values({ id: 1, ...values, revision: 1 })
        .onConflictDoUpdate({ target: stripeSettings.id, set: { ...values, revision: sql`${stripeSettings.revision} + 1` } })
        .returning()
    )[0]!;
    await recordAudit(tx, ctx, {
      action: "payments.stripe_configured",
      targetType: "payment_provider",
      targetId: "stripe",
      before: auditView(before) ?? null,
      after: { ...auditView(after), secretKeyChanged: input.secretKey !== undefined, webhookSecretChanged: input.webhookSecret !== undefined },
    });
    return after;
  });
  return view(deps.publicUrl, ctx.storeId, row);
}

/** The unsealed credentials, or null when the store has not configured Stripe. Never log the result. */
export async function stripeCredentials(db: StoreDb, masterKey: Uint8Array): Promise<StripeCredentials | null> {
  const r = await readRow(db);
  if (!r) return null;
  return {
    secretKey: unseal(masterKey, STRIPE_SECRET_PURPOSE, r.secretKeySealed),
    publishableKey: r.publishableKey,
    webhookSecret: r.webhookSecretSealed ? unseal(masterKey, STRIPE_SECRET_PURPOSE, r.webhookSecretSealed) : null,
    mode: r.mode,
  };
}

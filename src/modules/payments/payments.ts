// Payment records and settings. Provider calls happen outside transactions; what they answered is written here,
// inside one, with an event row and an audit entry per payment event.
import { desc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { newId } from "../../kernel/ids.ts";
import { NotFound } from "../../kernel/errors.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { insertRow, updateById } from "../../db/prepared.ts";
import { cachedConfig, invalidateConfig } from "../../tenancy/config-cache.ts";
import type { StoreDb } from "../../db/client.ts";
import { recordAudit } from "../audit/index.ts";
import { paymentEvents, payments, paymentSettings, type PaymentStatus } from "./payments.tables.ts";
import type { CaptureMethod, ProviderSession } from "./provider.ts";
import { dbOf } from "../../db/tx.ts";
import { prepared } from "../../db/prepared.ts";

export type PaymentRow = typeof payments.$inferSelect;
type AuditCtx = Pick<Ctx, "actor" | "requestId" | "clock">;
const iso = (ms: number) => new Date(ms).toISOString();

export interface PaymentSettingsOut {
  provider: "sandbox" | "stripe";
  captureMethod: CaptureMethod;
}

export function getPaymentSettings(ctx: Pick<Ctx, "store">): Promise<PaymentSettingsOut> {
  return cachedConfig(ctx.store, "payments.settings", async () => {
    const row = (await ctx.store.db.select().from(paymentSettings).where(eq(paymentSettings.id, 1)))[0];
    return row ? { provider: row.provider, captureMethod: row.captureMethod } : { provider: "sandbox", captureMethod: "automatic" };
  });
}

export async function updatePaymentSettings(ctx: Ctx, input: Partial<PaymentSettingsOut>): Promise<PaymentSettingsOut> {
  return withTx(ctx, async (tx) => {
    const before = (await tx.select().from(paymentSettings).where(eq(paymentSettings.id, 1)))[0];
    const next = {
      provider: input.provider ?? before?.provider ?? "sandbox",
      captureMethod: input.captureMethod ?? before?.captureMethod ?? "automatic",
    } as const;
    const now = ctx.clock.now();
    await tx.insert(paymentSettings).values({ id: 1, ...next, updatedAt: now }).onConflictDoUpdate({ target: paymentSettings.id, set: { ...next, updatedAt: now } });
    await recordAudit(tx, ctx, { action: "payment_settings.updated", targetType: "payment_settings", targetId: "1", before: before ?? null, after: next });
    return next;
  }).finally(() => invalidateConfig(ctx.store, "payments.settings"));
}

/** Maps the provider's session status to the payment's (refund states are ours alone). */
export const statusFromSession = (s: ProviderSession): PaymentStatus => s.status;

export interface PaymentEventInput {
  type: string;
  amount?: number | null;
  reference?: string | null;
  detail?: string | null;
}

/** Updates the payment and writes its event row + audit entry; call inside the caller's withTx. */
export async function recordPaymentEvent(
  tx: StoreTx, ctx: AuditCtx, payment: PaymentRow, patch: Partial<PaymentRow>, e: PaymentEventInput,
): Promise<PaymentRow> {
  const now = ctx.clock.now();
  const next = { ...payment, ...patch, updatedAt: now };
  await updateById(tx, payments, payment.id, { ...patch, updatedAt: now });
  await insertRow(tx, paymentEvents, {
    id: newId("pev", now), paymentId: payment.id, type: e.type, amount: e.amount ?? null, reference: e.reference ?? null, detail: e.detail ?? null, createdAt: now,
  });
  await recordAudit(tx, ctx, {
    action: `payment.${e.type}`, targetType: "payment", targetId: payment.id,
    before: { status: payment.status, capturedAmount: payment.capturedAmount, refundedAmount: payment.refundedAmount },
    after: { status: next.status, capturedAmount: next.capturedAmount, refundedAmount: next.refundedAmount, amount: e.amount ?? null, reference: e.reference ?? null },
  });
  return next;
}

export async function insertPayment(tx: StoreTx, ctx: AuditCtx, row: Omit<PaymentRow, "createdAt" | "updatedAt">, detail: string | null): Promise<PaymentRow> {
  const now = ctx.clock.now();
  const full: PaymentRow = { ...row, createdAt: now, updatedAt: now };
  await insertRow(tx, payments, full);
  await insertRow(tx, paymentEvents, {
    id: newId("pev", now), paymentId: row.id, type: `session_${row.status}`, amount: row.amount, reference: row.providerRef, detail, createdAt: now,
  });
  await recordAudit(tx, ctx, { action: "payment.session_created", targetType: "payment", targetId: row.id, after: { provider: row.provider, status: row.status, amount: row.amount, currency: row.currency } });
  return full;
}

export async function paymentRow(db: StoreDb | StoreTx, id: string): Promise<PaymentRow> {
  const p = (await prepared(dbOf(db), "payment.row", (d) => d.select().from(payments).where(eq(payments.id, sql.placeholder("id"))).prepare()).all({ id }))[0];
  if (!p) throw new NotFound("payment", id);
  return p;
}

export function paymentView(p: PaymentRow) {
  return {
    id: p.id, provider: p.provider, status: p.status, captureMethod: p.captureMethod,
    amount: { amount: p.amount, currency: p.currency },
    capturedAmount: { amount: p.capturedAmount, currency: p.currency },
    refundedAmount: { amount: p.refundedAmount, currency: p.currency },
    clientSecret: p.clientSecret, nextAction: p.nextAction ?? null, failureReason: p.failureReason,
    createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt),
  };
}

export async function paymentEventsOf(db: StoreDb, paymentId: string) {
  const rows = await db.select().from(paymentEvents).where(eq(paymentEvents.paymentId, paymentId)).orderBy(desc(paymentEvents.id));
  return rows.map((r) => ({ id: r.id, type: r.type, amount: r.amount, reference: r.reference, detail: r.detail, createdAt: iso(r.createdAt) }));
}

/** Demo seed: the sandbox with automatic capture, written explicitly (idempotent: an existing choice is kept). */
export async function seedPayments(ctx: Ctx): Promise<string> {
  const row = (await ctx.store.db.select().from(paymentSettings).where(eq(paymentSettings.id, 1)))[0];
  if (row) return `payments already set (${row.provider}, ${row.captureMethod} capture)`;
  await updatePaymentSettings(ctx, { provider: "sandbox", captureMethod: "automatic" });
  return "payments: sandbox provider (test card 4242 4242 4242 4242), automatic capture";
}

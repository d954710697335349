// The sandbox provider: no account anywhere, decisions by test card number (API.md). It keeps no state of its own:
// the outcome is encoded in the reference it hands out (`sbx_<state>_<ulid>`), so a restarted server still knows
// what a session was. Real money never moves; the payments table records every event as for a real provider.
import { createHash } from "node:crypto";
import { newId } from "../../kernel/ids.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import type { PaymentProvider, ProviderSession, RefundResult, SessionStatus } from "./provider.ts";

export const SANDBOX_CARDS = {
  success: "4242424242424242",
  decline: "4000000000000002",
  requiresAction: "4000002500003155",
} as const;

const STATE: Record<string, SessionStatus> = { auth: "authorized", capt: "captured", decl: "failed", act: "requires_action", void: "voided" };
const CODE: Partial<Record<SessionStatus, string>> = { authorized: "auth", captured: "capt", failed: "decl", requires_action: "act", voided: "void" };

function session(ref: string): ProviderSession {
  const m = /^sbx_([a-z]+)_([0-9A-Z]{26})$/.exec(ref);
  const status = m ? STATE[m[1]!] : undefined;
  if (!m || !status) throw new ValidationFailed("payment.unknown_reference", "Not a sandbox payment reference");
  return {
    providerRef: ref,
    status,
    clientSecret: null,
    nextAction: status === "requires_action" ? { type: "redirect_to_url", url: `https://sandbox.trafi.dev/3ds/${m[2]}` } : null,
    failureReason: status === "failed" ? "card_declined" : null,
  };
}

/**
 * The refunds this process answered, for findRefund: the one piece of sandbox state outside the reference. It does
 * not survive a restart; an attempt settled after one is found unmade and released (no real money moved).
 */
const madeRefunds = new Map<string, RefundResult>();

const withState = (ref: string, status: SessionStatus) => ref.replace(/^sbx_[a-z]+_/, `sbx_${CODE[status]}_`);

function cardOf(data: unknown): string {
  const card = typeof data === "object" && data !== null ? (data as { card?: unknown }).card : undefined;
  if (typeof card !== "string") throw new ValidationFailed("payment.card_required", 'The sandbox needs data.card, e.g. { "card": "4242424242424242" }', { field: "data.card" });
  const digits = card.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) throw new ValidationFailed("payment.invalid_card", "data.card must be a card number (12–19 digits)", { field: "data.card" });
  return digits;
}

export const sandboxProvider: PaymentProvider = {
  id: "sandbox",
  async createSession(_pc, input) {
    const card = cardOf(input.data);
    const body = newId("pay").slice(4);
    let status: SessionStatus;
    if (card === SANDBOX_CARDS.decline) status = "failed";
    else if (card === SANDBOX_CARDS.requiresAction) status = "requires_action";
    else status = input.captureMethod === "automatic" ? "captured" : "authorized";
    return session(`sbx_${CODE[status]}_${body}`);
  },
  async retrieve(_pc, ref) {
    return session(ref);
  },
  async capture(_pc, ref) {
    const s = session(ref);
    if (s.status !== "authorized" && s.status !== "captured") return { ...s, failureReason: `cannot capture a ${s.status} payment` };
    return session(withState(ref, "captured"));
  },
  async void(_pc, ref) {
    const s = session(ref);
    if (s.status === "captured") return { ...s, failureReason: "cannot void a captured payment; refund it" };
    return session(withState(ref, "voided"));
  },
  async refund(_pc, ref, _amount, _reason, idempotencyKey) {
    const s = session(ref);
    // Like a real provider, the same idempotency key gives back the same refund.
    const refundRef = `sbx_refund_${createHash("sha256").update(`${ref}\n${idempotencyKey}`).digest("hex").slice(0, 26)}`;
    const result: RefundResult = { refundRef, status: s.status === "captured" ? "succeeded" : "failed" };
    if (result.status === "succeeded") {
      madeRefunds.set(`${ref}\n${idempotencyKey}`, result);
      // Bounded: a long-running demo server keeps the latest 10,000 (the oldest are found unmade, then released).
      if (madeRefunds.size > 10_000) madeRefunds.delete(madeRefunds.keys().next().value!);
    }
    return result;
  },
  async findRefund(_pc, ref, idempotencyKey) {
    session(ref);
    return madeRefunds.get(`${ref}\n${idempotencyKey}`) ?? null;
  },
};

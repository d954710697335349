// The sandbox provider: no account anywhere, decisions by test card number (API.md). It keeps no state of its own:
// the outcome is encoded in the reference it hands out (`sbx_<state>_<ulid>`), so a restarted server still knows
// what a session was. Real money never moves; the payments table records every event as for a real provider.
// The requires-action card is completed on Trafi's own test page (sandbox-3ds.ts), like Stripe's hooks.stripe.com
// page: the session's reference shares its ULID with the payment (`pay_<ulid>` ↔ `sbx_act_<ulid>`), so the page's
// URL is derived from the reference alone, and the page's answer is a new reference (`sbx_auth_…`, `sbx_afail_…`).
import { createHash } from "node:crypto";
import { newId } from "../../kernel/ids.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import type { PaymentProvider, ProviderContext, ProviderSession, RefundResult, SessionStatus } from "./provider.ts";

export const SANDBOX_CARDS = {
  success: "4242424242424242",
  decline: "4000000000000002",
  requiresAction: "4000002500003155",
} as const;

// afail: the buyer failed the sandbox's 3-D Secure check (a failed session, not a decline).
const STATE: Record<string, SessionStatus> = { auth: "authorized", capt: "captured", decl: "failed", afail: "failed", act: "requires_action", void: "voided" };
const CODE: Partial<Record<SessionStatus, string>> = { authorized: "auth", captured: "capt", failed: "decl", requires_action: "act", voided: "void" };

/**
 * The server's public URL (config `publicUrl`), bound when the sandbox's routes are built (sandbox-3ds.ts): the
 * challenge page's address is absolute, as a provider's is. Unbound (a provider used without the HTTP app), the path.
 */
let publicBase = "";
export function bindSandboxPublicUrl(url: string): void {
  publicBase = url.replace(/\/+$/, "");
}

/** Where the buyer completes the sandbox's 3-D Secure check of payment `paymentId` of store `storeId`. */
export const sandboxChallengeUrl = (storeId: string, paymentId: string) =>
  `${publicBase}/v1/sandbox/3ds/${encodeURIComponent(storeId)}/${encodeURIComponent(paymentId)}`;

const REF_RE = /^sbx_([a-z]+)_([0-9A-Z]{26})$/;

function session(pc: Pick<ProviderContext, "storeId">, ref: string): ProviderSession {
  const m = REF_RE.exec(ref);
  const code = m?.[1];
  const status = code ? STATE[code] : undefined;
  if (!m || !status) throw new ValidationFailed("payment.unknown_reference", "Not a sandbox payment reference");
  return {
    providerRef: ref,
    status,
    clientSecret: null,
    nextAction: status === "requires_action" ? { type: "redirect_to_url", url: sandboxChallengeUrl(pc.storeId, `pay_${m[2]}`) } : null,
    failureReason: status === "failed" ? (code === "afail" ? "authentication_failed" : "card_declined") : null,
  };
}

/**
 * The session after the buyer's answer on the challenge page: authorized (passed) or failed with
 * "authentication_failed". Pure: the caller records it; `retrieve` of the new reference answers the same.
 */
export function sandboxChallengeAnswered(pc: Pick<ProviderContext, "storeId">, ref: string, passed: boolean): ProviderSession {
  if (session(pc, ref).status !== "requires_action") throw new ValidationFailed("payment.not_requires_action", "This sandbox session is not waiting for 3-D Secure");
  return session(pc, ref.replace(/^sbx_[a-z]+_/, passed ? "sbx_auth_" : "sbx_afail_"));
}

/** The payment id a sandbox reference belongs to (they share their ULID), or null for another reference. */
export const sandboxPaymentIdOf = (ref: string): string | null => {
  const m = REF_RE.exec(ref);
  return m ? `pay_${m[2]}` : null;
};

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
  async createSession(pc, input) {
    const card = cardOf(input.data);
    // The payment's own ULID when the key is its id (checkout's), so the challenge page is found from the reference.
    const body = /^pay_[0-9A-Z]{26}$/.test(input.idempotencyKey) ? input.idempotencyKey.slice(4) : newId("pay").slice(4);
    let status: SessionStatus;
    if (card === SANDBOX_CARDS.decline) status = "failed";
    else if (card === SANDBOX_CARDS.requiresAction) status = "requires_action";
    else status = input.captureMethod === "automatic" ? "captured" : "authorized";
    return session(pc, `sbx_${CODE[status]}_${body}`);
  },
  async retrieve(pc, ref) {
    return session(pc, ref);
  },
  async capture(pc, ref) {
    const s = session(pc, ref);
    if (s.status !== "authorized" && s.status !== "captured") return { ...s, failureReason: `cannot capture a ${s.status} payment` };
    return session(pc, withState(ref, "captured"));
  },
  async void(pc, ref) {
    const s = session(pc, ref);
    if (s.status === "captured") return { ...s, failureReason: "cannot void a captured payment; refund it" };
    return session(pc, withState(ref, "voided"));
  },
  async refund(pc, ref, _amount, _reason, idempotencyKey) {
    const s = session(pc, ref);
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
  async findRefund(pc, ref, idempotencyKey) {
    session(pc, ref);
    return madeRefunds.get(`${ref}\n${idempotencyKey}`) ?? null;
  },
};

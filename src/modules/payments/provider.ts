// The payment provider seam. Checkout talks only to this interface; `sandbox` (tests, demo) and `stripe` implement it.
// Every method does network I/O (or could), so none of them may be called inside withTx: the caller authorizes
// first, then opens one transaction, and voids after the transaction when the order could not be created.
import type { Money } from "../../kernel/money.ts";
import { ValidationFailed } from "../../kernel/errors.ts";

export type CaptureMethod = "automatic" | "manual";

export interface ProviderContext {
  storeId: string;
  masterKey: Uint8Array;
}

/** "voided": an authorization cancelled before capture (void answers it). */
export type SessionStatus = "requires_action" | "authorized" | "captured" | "failed" | "voided";

export interface ProviderSession {
  providerRef: string;
  status: SessionStatus;
  clientSecret: string | null;
  nextAction: { type: string; url?: string } | null;
  failureReason: string | null;
  /** When captured: how much, in minor units, if the provider says (a capture made outside Trafi may be partial). */
  capturedAmount?: number;
}

/** What a captured session holds: the provider's figure when it gives one (a partial capture), never above `amount`. */
export const capturedOf = (s: Pick<ProviderSession, "capturedAmount">, amount: number): number => Math.min(amount, s.capturedAmount ?? amount);

export interface RefundResult {
  refundRef: string;
  status: "succeeded" | "pending" | "failed";
}

export interface PaymentProvider {
  readonly id: "sandbox" | "stripe";
  /** Creates (or re-uses via idempotencyKey) the provider-side payment for `amount`; never called inside withTx. */
  createSession(
    pc: ProviderContext,
    input: {
      cartId: string;
      amount: Money;
      email: string | null;
      data: unknown;
      idempotencyKey: string;
      captureMethod: CaptureMethod;
    },
  ): Promise<ProviderSession>;
  /** Current authoritative status (e.g. after 3DS). */
  retrieve(pc: ProviderContext, providerRef: string): Promise<ProviderSession>;
  capture(pc: ProviderContext, providerRef: string, amount: Money): Promise<ProviderSession>;
  void(pc: ProviderContext, providerRef: string): Promise<ProviderSession>;
  refund(
    pc: ProviderContext,
    providerRef: string,
    amount: Money,
    reason: string,
    idempotencyKey: string,
  ): Promise<RefundResult>;
  /**
   * The refund made earlier under `idempotencyKey` on this payment, or null when the provider has none (it was never
   * asked, or refused). Settling a refund attempt whose outcome is unknown asks this, never `refund` again: a
   * provider forgets idempotency keys (Stripe after 24 h), and asking again then would refund a second time.
   */
  findRefund(pc: ProviderContext, providerRef: string, idempotencyKey: string): Promise<RefundResult | null>;
}

const registry = new Map<string, PaymentProvider>();

/** Later registrations replace earlier ones (tests swap in a failing provider under the same id). */
export function registerProvider(p: PaymentProvider): void {
  registry.set(p.id, p);
}

export function getProvider(id: string): PaymentProvider {
  const p = registry.get(id);
  if (!p) throw new ValidationFailed("payment.unknown_provider", `unknown payment provider "${id}"`);
  return p;
}

export function hasProvider(id: string): boolean {
  return registry.has(id);
}

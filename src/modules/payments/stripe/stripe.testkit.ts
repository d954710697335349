// Tests only: a loopback stand-in for the few Stripe API endpoints the provider calls, answering with Stripe's
// documented object shapes and error envelopes, so the real SDK runs end to end (its HTTP client, retries,
// idempotency headers and error classes). Plus signed webhook deliveries built with the SDK's own test helper.
import Stripe from "stripe";

export interface FakeIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_capturable: number;
  amount_received: number;
  automatic_payment_methods: { enabled: boolean; allow_redirects?: string } | null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  capture_method: "automatic" | "manual";
  client_secret: string;
  confirmation_method: "automatic";
  created: number;
  currency: string;
  last_payment_error: { type: string; code: string; decline_code?: string; message: string } | null;
  latest_charge: string | null;
  livemode: false;
  metadata: Record<string, string>;
  next_action: { type: string; use_stripe_sdk?: Record<string, unknown>; redirect_to_url?: { url: string; return_url: string } } | null;
  payment_method: string | null;
  payment_method_types: string[];
  receipt_email: string | null;
  status: Stripe.PaymentIntent.Status;
}

export interface FakeRequest {
  method: string;
  path: string;
  form: Record<string, unknown>;
  idempotencyKey: string | null;
}

/** Test PaymentMethods, named like Stripe's own test tokens. */
export const PM = { visa: "pm_card_visa", declined: "pm_card_chargeDeclined", threeDS: "pm_card_threeDSecure2Required" } as const;

/** `a[b][c]=1` form encoding (what the SDK sends) → nested object. */
function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const path = k.split(/[[\]]+/).filter(Boolean);
    let node = out;
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = v;
      else node = (node[seg] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

const stripeError = (status: number, error: Record<string, unknown>) => Response.json({ error }, { status });

export class FakeStripe implements AsyncDisposable {
  readonly intents = new Map<string, FakeIntent>();
  readonly refunds: Record<string, unknown>[] = [];
  /** The status new refunds are answered with: Stripe answers `pending` for some payment methods (bank debits). */
  refundsAnswer: "succeeded" | "pending" = "succeeded";
  readonly requests: FakeRequest[] = [];
  private readonly replies = new Map<string, Response>();
  private seq = 0;
  private readonly server: ReturnType<typeof Bun.serve>;

  constructor(readonly secretKey: string) {
    this.server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => this.handle(req) });
  }

  get apiBase(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  private id(prefix: string): string {
    return `${prefix}_3Fake${String(++this.seq).padStart(10, "0")}`;
  }

  private async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const form = parseForm(req.method === "POST" ? await req.text() : url.searchParams.toString());
    const key = req.headers.get("idempotency-key");
    this.requests.push({ method: req.method, path: url.pathname, form, idempotencyKey: key });
    if (req.headers.get("authorization") !== `Bearer ${this.secretKey}`) {
      return stripeError(401, { type: "invalid_request_error", message: "Invalid API Key provided" });
    }
    // Stripe replays the first answer to a repeated idempotency key (for 24 h).
    const replayKey = key && req.method === "POST" ? `${url.pathname}|${key}` : null;
    if (replayKey && this.replies.has(replayKey)) return this.replies.get(replayKey)!.clone();
    const res = this.route(req.method, url.pathname, form);
    if (replayKey && res.status < 500) this.replies.set(replayKey, res.clone());
    return res;
  }

  private route(method: string, path: string, form: Record<string, unknown>): Response {
    if (method === "POST" && path === "/v1/payment_intents") return this.create(form);
    if (method === "POST" && path === "/v1/refunds") return this.refund(form);
    if (method === "GET" && path === "/v1/refunds") return this.listRefunds(form);
    const m = /^\/v1\/payment_intents\/([^/]+)(?:\/(capture|cancel))?$/.exec(path);
    const pi = m ? this.intents.get(m[1]!) : undefined;
    if (!m || !pi) return stripeError(404, { type: "invalid_request_error", code: "resource_missing", message: "No such payment_intent" });
    if (method === "GET" && !m[2]) return Response.json(pi);
    if (method === "POST" && m[2] === "capture") return this.capture(pi, form);
    if (method === "POST" && m[2] === "cancel") return this.cancel(pi);
    return stripeError(404, { type: "invalid_request_error", message: "Unrecognized request URL" });
  }

  private create(form: Record<string, unknown>): Response {
    const id = this.id("pi");
    const apm = form.automatic_payment_methods as { enabled?: string; allow_redirects?: string } | undefined;
    const pi: FakeIntent = {
      id,
      object: "payment_intent",
      amount: Number(form.amount),
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods: apm ? { enabled: apm.enabled === "true", ...(apm.allow_redirects && { allow_redirects: apm.allow_redirects }) } : null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: form.capture_method === "manual" ? "manual" : "automatic",
      client_secret: `${id}_secret_Fake${this.seq}`,
      confirmation_method: "automatic",
      created: 1_700_000_000 + this.seq,
      currency: String(form.currency),
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: (form.metadata as Record<string, string>) ?? {},
      next_action: null,
      payment_method: null,
      payment_method_types: ["card"],
      receipt_email: (form.receipt_email as string) ?? null,
      status: "requires_payment_method",
    };
    this.intents.set(id, pi);
    if (form.confirm === "true") {
      const declined = this.confirm(id, String(form.payment_method));
      if (declined) return declined;
    }
    return Response.json(pi);
  }

  /** What Stripe.js does in the buyer's browser (and what `confirm=true` does server-side). */
  confirm(id: string, paymentMethod: string): Response | null {
    const pi = this.intents.get(id)!;
    pi.payment_method = paymentMethod;
    if (paymentMethod === PM.declined) {
      const error = { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." };
      pi.status = "requires_payment_method";
      pi.last_payment_error = error;
      pi.payment_method = null;
      return stripeError(402, { ...error, payment_intent: pi, doc_url: "https://stripe.com/docs/error-codes/card-declined" });
    }
    if (paymentMethod === PM.threeDS) {
      pi.status = "requires_action";
      pi.next_action = { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect" } };
      return null;
    }
    this.authorize(pi);
    return null;
  }

  /** The buyer passed 3DS (in Stripe.js): the intent moves on without our server being involved. */
  completeAction(id: string): FakeIntent {
    const pi = this.intents.get(id)!;
    this.authorize(pi);
    return pi;
  }

  private authorize(pi: FakeIntent): void {
    pi.next_action = null;
    pi.last_payment_error = null;
    pi.latest_charge = `ch_${pi.id.slice(3)}`;
    if (pi.capture_method === "manual") {
      pi.status = "requires_capture";
      pi.amount_capturable = pi.amount;
    } else {
      pi.status = "succeeded";
      pi.amount_received = pi.amount;
    }
  }

  private capture(pi: FakeIntent, form: Record<string, unknown>): Response {
    if (pi.status !== "requires_capture") {
      return stripeError(400, { type: "invalid_request_error", code: "payment_intent_unexpected_state", message: `This PaymentIntent could not be captured because it has a status of ${pi.status}.` });
    }
    const amount = form.amount_to_capture === undefined ? pi.amount : Number(form.amount_to_capture);
    if (amount > pi.amount_capturable) return stripeError(400, { type: "invalid_request_error", code: "amount_too_large", message: "Amount to capture is too large." });
    pi.status = "succeeded";
    pi.amount_received = amount;
    pi.amount_capturable = 0;
    return Response.json(pi);
  }

  private cancel(pi: FakeIntent): Response {
    if (!["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action"].includes(pi.status)) {
      return stripeError(400, { type: "invalid_request_error", code: "payment_intent_unexpected_state", message: `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.` });
    }
    pi.status = "canceled";
    pi.canceled_at = 1_700_000_500;
    pi.amount_capturable = 0;
    return Response.json(pi);
  }

  private refund(form: Record<string, unknown>): Response {
    const pi = this.intents.get(String(form.payment_intent));
    if (!pi) return stripeError(404, { type: "invalid_request_error", code: "resource_missing", message: "No such payment_intent" });
    const done = this.refunds.filter((r) => r.payment_intent === pi.id && r.status !== "failed").reduce((s, r) => s + (r.amount as number), 0);
    const amount = form.amount === undefined ? pi.amount_received - done : Number(form.amount);
    if (pi.status !== "succeeded" || amount + done > pi.amount_received) {
      return stripeError(400, { type: "invalid_request_error", code: "charge_already_refunded", message: "Charge has already been refunded." });
    }
    const r = {
      id: this.id("re"), object: "refund", amount, balance_transaction: null, charge: pi.latest_charge, created: 1_700_001_000 + this.seq,
      currency: pi.currency, metadata: form.metadata ?? {}, payment_intent: pi.id, reason: form.reason ?? null, receipt_number: null,
      source_transfer_reversal: null, status: this.refundsAnswer, transfer_reversal: null,
    };
    this.refunds.push(r);
    return Response.json(r);
  }

  /** GET /v1/refunds?payment_intent=…: newest first, paged by `limit` and `starting_after` as Stripe's lists are. */
  private listRefunds(form: Record<string, unknown>): Response {
    const all = this.refunds.filter((r) => form.payment_intent === undefined || r.payment_intent === form.payment_intent).reverse();
    const limit = Math.min(100, Number(form.limit ?? 10));
    const from = form.starting_after ? all.findIndex((r) => r.id === form.starting_after) + 1 : 0;
    const data = all.slice(from, from + limit);
    return Response.json({ object: "list", url: "/v1/refunds", has_more: from + limit < all.length, data });
  }

  /**
   * A refund changes later, as Stripe reports with refund.updated / refund.failed: a pending one succeeds or fails,
   * and even a succeeded one can fail (the card was closed); a failed one no longer counts on the charge.
   */
  settleRefund(id: string, status: "succeeded" | "failed", failureReason?: string): Record<string, unknown> {
    const r = this.refunds.find((x) => x.id === id);
    if (!r) throw new Error(`no refund ${id}`);
    r.status = status;
    if (failureReason) r.failure_reason = failureReason;
    return { ...r };
  }

  /** A charge object as `charge.refunded` carries it. */
  charge(id: string): Record<string, unknown> {
    const pi = this.intents.get(id)!;
    const refunded = this.refunds.filter((r) => r.payment_intent === id && r.status !== "failed").reduce((s, r) => s + (r.amount as number), 0);
    return {
      id: pi.latest_charge, object: "charge", amount: pi.amount, amount_captured: pi.amount_received, amount_refunded: refunded,
      currency: pi.currency, metadata: pi.metadata, paid: true, payment_intent: pi.id, refunded: refunded >= pi.amount_received, status: "succeeded",
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.server.stop(true);
  }
}

let evtSeq = 0;

/** A Stripe event envelope (API version of the installed SDK) with a real signature over the exact bytes sent. */
export async function signedEvent(
  secret: string,
  type: string,
  object: unknown,
  opts: { id?: string; timestamp?: number } = {},
): Promise<{ id: string; payload: string; header: string }> {
  const id = opts.id ?? `evt_3Fake${String(++evtSeq).padStart(10, "0")}`;
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const payload = JSON.stringify({
    id, object: "event", api_version: "2026-10-28.endive", created: timestamp, data: { object }, livemode: false,
    pending_webhooks: 1, request: { id: null, idempotency_key: null }, type,
  });
  return { id, payload, header: await signPayload(payload, secret, timestamp) };
}

/** The `stripe-signature` header Stripe would send for these exact bytes. */
export const signPayload = (payload: string, secret: string, timestamp: number) =>
  new Stripe("sk_test_signing").webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp });

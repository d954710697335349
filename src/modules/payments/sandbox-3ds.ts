// The sandbox's 3-D Secure challenge, served by Trafi itself (like Stripe's hooks.stripe.com test page), so the
// requires-action test card (4000 0025 0000 3155) can be completed end to end with no account anywhere:
//   GET  /v1/sandbox/3ds/:storeId/:paymentId?return_url=…  a small HTML page, two buttons
//   POST (same URL, form: outcome=pass|fail)                   303 → return_url?payment_id=…&redirect_status=succeeded|failed
// The buyer's browser arrives here by redirect, so there is no publishable key: the store is in the path (a payment
// id alone does not say which store's database holds it) and the payment id is the capability (only the buyer's
// session and the store know it; ULIDs carry 80 random bits). The page is only for a sandbox payment waiting for
// 3-D Secure with no order; anything else gets a page saying the check is no longer needed.
// return_url must be http(s) on an origin the store allows (this server, the store's storefrontUrl, its allowed
// origins; "*" does not count): anything else is 422, so the page is no open redirect.
// The form needs no cookie and carries no secret beyond the URL: a browser's cross-site POST (Sec-Fetch-Site, or an
// Origin that is not this host) is refused, and a payment already answered is not changed again (idempotent).
import { createHash } from "node:crypto";
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import type { Ctx } from "../../kernel/context.ts";
import { AppError, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { formatMoney } from "../../kernel/money.ts";
import { withTx } from "../../db/tx.ts";
import { STORE_ID_RE } from "../../tenancy/pool.ts";
import { requestMeta } from "../../http/request.ts";
import { escapeHtml } from "../../http/html.ts";
import { clientIp, enforce } from "../../http/ratelimit.ts";
import { ErrorEnvelope } from "../../http/models.ts";
import { access } from "../access/services.ts";
import { allowedOrigins } from "../access/origins.ts";
import { getSettings } from "../settings/settings.ts";
import { paymentRow, recordPaymentEvent, type PaymentRow } from "./payments.ts";
import { bindSandboxPublicUrl, sandboxChallengeAnswered, sandboxPaymentIdOf } from "./sandbox.ts";

type HeaderBag = Record<string, string | number>;
type Server = Parameters<typeof clientIp>[1];

const STYLE = `body{margin:0;background:#000;color:#fff;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5}
main{max-width:32rem;margin:3rem auto;padding:1.5rem;border:1px solid #333}
h1{font-size:1.5rem;margin:0 0 1rem}p{margin:0 0 1rem}.mono{font-family:"JetBrains Mono",ui-monospace,monospace}
.note{border:1px solid #EAB308;padding:.75rem;color:#fff}
.actions{display:flex;gap:1rem;flex-wrap:wrap;margin-top:1.5rem}
button{font:inherit;font-weight:600;padding:.75rem 1.25rem;border-radius:0;cursor:pointer}
.pass{background:#CCFF00;color:#000;border:1px solid #CCFF00}.fail{background:#000;color:#fff;border:1px solid #fff}
button:focus-visible,a:focus-visible{outline:3px solid #CCFF00;outline-offset:2px}a{color:#CCFF00}`;
const STYLE_HASH = `'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`;

/** The page's own CSP: nothing loads but its one inline stylesheet (by hash); the form posts here only, and the 303 that answers it may lead to the validated return_url's origin (form-action covers redirects). */
export function challengeCsp(returnOrigin: string | null): string {
  return `default-src 'none'; style-src ${STYLE_HASH}; form-action 'self'${returnOrigin ? ` ${returnOrigin}` : ""}; frame-ancestors 'none'; base-uri 'none'`;
}

function html(status: number, title: string, body: string, returnOrigin: string | null): Response {
  const doc = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Trafi sandbox</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
  return new Response(doc, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": challengeCsp(returnOrigin) },
  });
}

async function storeCtx(platform: Platform, request: Request, storeId: string, set: { headers: unknown }, server: unknown): Promise<Ctx> {
  if (!STORE_ID_RE.test(storeId)) throw new NotFound("payment", "unknown");
  const svc = access(platform);
  const limits = await svc.limits.get(storeId);
  // The store API's per-client bucket: the page is reached without a key, by anyone who has the URL.
  enforce(svc.buckets, set.headers as HeaderBag, [
    { key: `s:${storeId}:ip:${clientIp(request, server as Server, platform.config.trustProxy)}`, perMinute: limits.client, name: "storeClientRequestsPerMinute", planId: limits.planId },
  ]);
  const store = await platform.pool.get(storeId);
  const meta = requestMeta(request);
  meta.storeId = storeId;
  return { storeId, store, actor: { type: "system", name: "sandbox_3ds" }, requestId: meta.requestId, clock: platform.clock, log: platform.log.child({ storeId, requestId: meta.requestId }) };
}

/** The store's sandbox payment, or 404 (unknown, another store's, or not a sandbox payment: one answer for all). */
async function sandboxPayment(ctx: Ctx, paymentId: string): Promise<PaymentRow> {
  const p = await paymentRow(ctx.store.db, paymentId);
  if (p.provider !== "sandbox" || sandboxPaymentIdOf(p.providerRef) !== p.id) throw new NotFound("payment", paymentId);
  return p;
}

const waiting = (p: PaymentRow) => p.status === "requires_action" && p.orderId === null;

/**
 * return_url, checked: http(s), no credentials, on an origin the store allows — the host this request reached (the
 * storefront served by this server), the server's public origin, the store's storefrontUrl or its allowed origins.
 */
export async function checkReturnUrl(platform: Platform, ctx: Ctx, request: Request, raw: string | undefined): Promise<URL> {
  const invalid = (why: string) => new ValidationFailed("payment.invalid_return_url", `return_url ${why}`, { field: "return_url" });
  if (!raw) throw invalid("is required: the address to bring the buyer back to");
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw invalid("must be an absolute http(s) address");
  }
  if ((u.protocol !== "https:" && u.protocol !== "http:") || u.username || u.password) throw invalid("must be an http(s) address without credentials");
  if (u.host === new URL(request.url).host || u.origin === access(platform).ownOrigin) return u;
  const { storefrontUrl } = await getSettings(ctx);
  if (storefrontUrl && new URL(storefrontUrl).origin === u.origin) return u;
  // "*" lets any site call the store API (publishable keys are public); it does not make this page an open redirect.
  if ((await allowedOrigins(ctx.store, ctx.storeId, ctx.clock.now())).includes(u.origin)) return u;
  throw invalid("must be on an origin the store allows (this server, the store's storefrontUrl or its allowed origins)");
}

function backTo(u: URL, p: PaymentRow): string {
  const back = new URL(u);
  back.searchParams.set("payment_id", p.id);
  back.searchParams.set("redirect_status", p.status === "authorized" || p.status === "captured" || p.orderId !== null ? "succeeded" : "failed");
  return back.toString();
}

function challengePage(p: PaymentRow, action: string, returnUrl: URL): Response {
  const amount = formatMoney({ amount: p.amount, currency: p.currency });
  return html(200, "3-D Secure test page", `
<p class="note"><strong>Sandbox:</strong> this is Trafi's test page standing in for the buyer's bank. No money moves and no card is charged.</p>
<p>A payment of <span class="mono">${escapeHtml(amount)}</span> asks for a 3-D Secure check (payment <span class="mono">${escapeHtml(p.id)}</span>).
Choose how the check ends; you are then taken back to the shop.</p>
<form method="post" action="${escapeHtml(action)}">
<div class="actions">
<button type="submit" name="outcome" value="pass" class="pass">Complete authentication</button>
<button type="submit" name="outcome" value="fail" class="fail">Fail authentication</button>
</div>
</form>`, returnUrl.origin);
}

function notNeededPage(back: string | null, returnOrigin: string | null): Response {
  return html(200, "This check is no longer needed", `
<p>This payment is not waiting for a 3-D Secure check any more (it was answered already, replaced or cancelled). Nothing else happens here.</p>
${back ? `<p><a href="${escapeHtml(back)}">Back to the shop</a></p>` : ""}`, returnOrigin);
}

/** A browser's form POST from another site (or another origin of this one) is refused; non-browser clients pass. */
function assertSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  let sameHost = true;
  if (origin && origin !== "null") {
    try {
      sameHost = new URL(origin).host === new URL(request.url).host;
    } catch {
      sameHost = false;
    }
  }
  if ((site && site !== "same-origin") || !sameHost) {
    throw new AppError("FORBIDDEN", "payment.cross_site", "The sandbox's 3-D Secure page only accepts its own form");
  }
}

/** The buyer's answer, recorded once: a payment no longer waiting is left as it is. */
async function answer(ctx: Ctx, paymentId: string, passed: boolean): Promise<PaymentRow> {
  return withTx(ctx, async (tx) => {
    const p = await paymentRow(tx, paymentId);
    if (!waiting(p)) return p;
    const s = sandboxChallengeAnswered(ctx, p.providerRef, passed);
    return recordPaymentEvent(tx, ctx, p, {
      status: s.status, providerRef: s.providerRef, clientSecret: s.clientSecret, nextAction: s.nextAction, failureReason: s.failureReason,
    }, { type: s.status, amount: p.amount, reference: s.providerRef, detail: passed ? "sandbox 3-D Secure passed" : "sandbox 3-D Secure failed" });
  });
}

const Params = t.Object({ storeId: t.String({ maxLength: 64 }), paymentId: t.String({ maxLength: 64 }) });
const Query = t.Object({ return_url: t.Optional(t.String({ maxLength: 2000 })) });
const doc = {
  tags: ["Store"],
  security: [],
};

export const sandboxChallengeRoutes = (platform: Platform) => {
  bindSandboxPublicUrl(platform.config.publicUrl);
  return new Elysia({ prefix: "/v1/sandbox/3ds" })
    .get("/:storeId/:paymentId", async ({ request, params, query, set, server }) => {
      const ctx = await storeCtx(platform, request, params.storeId, set, server);
      const p = await sandboxPayment(ctx, params.paymentId);
      const back = await checkReturnUrl(platform, ctx, request, query.return_url);
      if (!waiting(p)) return notNeededPage(backTo(back, p), back.origin);
      const action = `${new URL(request.url).pathname}?return_url=${encodeURIComponent(back.toString())}`;
      return challengePage(p, action, back);
    }, {
      params: Params, query: Query,
      detail: {
        ...doc, summary: "Sandbox 3-D Secure test page (HTML; the nextAction URL of the requires-action test card)",
        description: "No key: the buyer's browser is redirected here with return_url (http(s), on an origin the store allows; else 422). Two buttons post the outcome.",
        responses: { 200: { description: "The test page, or a page saying the check is no longer needed", content: { "text/html": { schema: { type: "string" } } } }, 404: { description: "No such sandbox payment" }, 422: { description: "return_url missing or not allowed" } },
      },
    })
    .post("/:storeId/:paymentId", async ({ request, params, query, body, set, server }) => {
      assertSameOrigin(request);
      const ctx = await storeCtx(platform, request, params.storeId, set, server);
      await sandboxPayment(ctx, params.paymentId);
      const back = await checkReturnUrl(platform, ctx, request, query.return_url);
      const p = await answer(ctx, params.paymentId, body.outcome === "pass");
      return new Response(null, { status: 303, headers: { location: backTo(back, p), "cache-control": "no-store" } });
    }, {
      params: Params, query: Query,
      body: t.Object({ outcome: t.Union([t.Literal("pass"), t.Literal("fail")]) }),
      response: { 403: ErrorEnvelope, 404: ErrorEnvelope, 422: ErrorEnvelope },
      detail: {
        ...doc, summary: "Answer the sandbox 3-D Secure check (form: outcome=pass|fail) → 303 to return_url with payment_id and redirect_status",
        description: "pass: the payment becomes authorized (complete the cart next); fail: failed (authentication_failed). A payment already answered is not changed.",
      },
    });
};

// Security headers on every response, and the CORS preflight of the store API.
// - API responses: `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'` (JSON never needs to load
//   anything or be framed), `Referrer-Policy: no-referrer`, `X-Content-Type-Options: nosniff`.
// - Dashboard (/admin/*): a CSP that allows only our own scripts, styles (plus inline styles), images and API calls.
// - Anything else (storefront pages, /docs assets): `frame-ancestors 'none'`; /docs sets its own full CSP and the
//   storefront's HTML (storefront.ts) STOREFRONT_CSP.
// Preflight (OPTIONS /v1/store/*) is answered before routing: a browser sends no publishable key with it, so the
// store is not known yet. It is answered permissively; the real request is then checked against the store's
// allowed origins (auth.ts) and refused with 403 when its origin is not allowed.
import { Elysia } from "elysia";
import { pathOf } from "./request.ts";

// img-src allows https: because product media may be hot-linked by URL (POST …/media { url }); nothing else loads
// from elsewhere: no inline script, fonts and styles are served by Trafi.
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
/**
 * The reference storefront (storefront.ts): like the dashboard, but its styles are one stylesheet of ours, so no
 * inline styles either (Solid sets style properties through the CSSOM, which CSP does not restrict). The publishable
 * key reaches the page in a <meta> tag, not an inline script. Stores on Stripe pay with Stripe.js and its Payment
 * Element, which must be loaded from Stripe; so this CSP adds exactly the origins Stripe's CSP guide
 * (docs.stripe.com/security/guide#content-security-policy) lists for Stripe.js, and nothing for the address
 * autocomplete the storefront does not use: script-src https://js.stripe.com https://*.js.stripe.com (Stripe.js),
 * frame-src the same plus https://hooks.stripe.com (the Payment Element's and 3-D Secure's frames; no other frame is
 * allowed), connect-src https://api.stripe.com (Stripe.js's API calls). The storefront only loads Stripe.js on the
 * checkout page of a Stripe store. The dashboard's CSP has none of these.
 */
export const STOREFRONT_CSP =
  "default-src 'self'; script-src 'self' https://js.stripe.com https://*.js.stripe.com; style-src 'self'; img-src 'self' data: https:; font-src 'self'; connect-src 'self' https://api.stripe.com; frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** Anything neither API, dashboard nor storefront page (assets, media): no framing, the response decides the rest. */
export const FRAME_CSP = "frame-ancestors 'none'";

const ALLOWED_HEADERS = "content-type, x-publishable-key, authorization, idempotency-key, x-request-id";

export const securityHeaders = () =>
  new Elysia({ name: "trafi-security" }).onRequest(({ request, set }) => {
    const path = pathOf(request.url);
    const h = set.headers as Record<string, string>;
    h["x-content-type-options"] = "nosniff";
    h["referrer-policy"] = "no-referrer";
    h["x-frame-options"] = "DENY";
    // A route that returns its own Response with a CSP (docs, storefront pages) keeps its own: these are defaults.
    if (path === "/admin" || path.startsWith("/admin/")) h["content-security-policy"] = DASHBOARD_CSP;
    else if (path.startsWith("/v1/") || path.startsWith("/health")) h["content-security-policy"] = API_CSP;
    else h["content-security-policy"] = FRAME_CSP;
    if (request.method === "OPTIONS" && path.startsWith("/v1/store/")) {
      const origin = request.headers.get("origin");
      const headers: Record<string, string> = { ...h, vary: "Origin", "access-control-max-age": "600" };
      if (origin) {
        headers["access-control-allow-origin"] = origin;
        headers["access-control-allow-methods"] = "GET, POST, PATCH, PUT, DELETE";
        headers["access-control-allow-headers"] = ALLOWED_HEADERS;
      }
      return new Response(null, { status: 204, headers });
    }
  });

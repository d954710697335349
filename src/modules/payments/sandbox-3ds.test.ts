import { describe, expect, test } from "bun:test";
import { checkoutFixture, CARD_3DS, CARD_OK, type CheckoutFixture } from "../checkout/checkout.testing.ts";

const RETURN = "http://localhost/checkout?sandbox_return=1";

/** A ready cart paid with the 3-D Secure card; its payment id and the challenge page's path. */
async function challenged(f: CheckoutFixture) {
  const v = await f.product(1_000, 5);
  const cartId = await f.readyCart([{ variantId: v, quantity: 1 }]);
  const p = await f.pay(cartId, CARD_3DS);
  expect(p.status).toBe(201);
  expect(p.body.status).toBe("requires_action");
  const url = new URL(p.body.nextAction.url);
  expect(`${url.origin}`).toBe(new URL(f.t.config.publicUrl).origin);
  return { v, cartId, paymentId: p.body.id as string, path: url.pathname };
}

const page = (f: CheckoutFixture, path: string, returnUrl: string | null = RETURN) =>
  f.t.request(returnUrl === null ? path : `${path}?return_url=${encodeURIComponent(returnUrl)}`);

const answer = (f: CheckoutFixture, path: string, outcome: string, headers: Record<string, string> = {}, returnUrl = RETURN) =>
  f.t.request(`${path}?return_url=${encodeURIComponent(returnUrl)}`, {
    method: "POST", body: `outcome=${outcome}`, headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });

async function paymentOf(f: CheckoutFixture, id: string) {
  const db = await f.t.platform.pool.get(f.s.id);
  const p = (await db.client.execute({ sql: "select status, provider_ref, failure_reason from payments where id = ?", args: [id] })).rows[0]!;
  const events = (await db.client.execute({ sql: "select type from payment_events where payment_id = ? order by id", args: [id] })).rows.map((r) => r.type);
  const audit = (await db.client.execute({ sql: "select count(*) as n from audit_log where target_id = ?", args: [id] })).rows[0]!.n;
  return { status: p.status, ref: p.provider_ref as string, failureReason: p.failure_reason, events, audit };
}

describe("sandbox 3-D Secure challenge page", () => {
  test("the page: only for a waiting sandbox payment, strict CSP, two buttons, says it is a test; pass → complete places a paid order", async () => {
    await using f = await checkoutFixture();
    const { cartId, paymentId, path } = await challenged(f);
    expect(path).toBe(`/v1/sandbox/3ds/${f.s.id}/${paymentId}`);
    // No publishable key: the buyer's browser arrives by redirect.
    const r = await page(f, path);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    expect(r.headers.get("cache-control")).toBe("no-store");
    const csp = r.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self' http://localhost");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain("script-src");
    const html = await r.text();
    expect(html).toContain("Complete authentication");
    expect(html).toContain("Fail authentication");
    expect(html).toContain("No money moves");
    expect(html).not.toContain("<script");
    expect(html).toContain('<form method="post"');

    const before = await paymentOf(f, paymentId);
    const passed = await answer(f, path, "pass");
    expect(passed.status).toBe(303);
    const loc = new URL(passed.headers.get("location")!);
    expect(loc.origin + loc.pathname).toBe("http://localhost/checkout");
    expect(Object.fromEntries(loc.searchParams)).toEqual({ sandbox_return: "1", payment_id: paymentId, redirect_status: "succeeded" });
    const after = await paymentOf(f, paymentId);
    expect(after).toMatchObject({ status: "authorized", ref: before.ref.replace("sbx_act_", "sbx_auth_"), failureReason: null });
    expect(after.events).toEqual([...before.events, "authorized"]);
    expect(Number(after.audit)).toBe(Number(before.audit) + 1);

    // Idempotent: a second answer (even the other button) changes nothing and says what happened.
    const again = await answer(f, path, "fail");
    expect(again.status).toBe(303);
    expect(new URL(again.headers.get("location")!).searchParams.get("redirect_status")).toBe("succeeded");
    expect(await paymentOf(f, paymentId)).toEqual(after);

    const done = await f.complete(cartId);
    expect(done.status).toBe(201);
    expect(done.body.status).toBe("paid");
    // Completing recorded nothing from the provider's retrieve: the new reference already reads as authorized.
    expect((await paymentOf(f, paymentId)).events).toEqual([...after.events, "captured"]);

    // The page is no longer needed: a plain page with a link back, no form.
    const late = await page(f, path);
    expect(late.status).toBe(200);
    const lateHtml = await late.text();
    expect(lateHtml).toContain("no longer needed");
    expect(lateHtml).not.toContain("<form");
    expect(lateHtml).toContain("redirect_status=succeeded");
  });

  test("fail → the payment fails (authentication_failed), completion answers 402, and the buyer can pay again", async () => {
    await using f = await checkoutFixture();
    const { cartId, paymentId, path } = await challenged(f);
    const failed = await answer(f, path, "fail");
    expect(failed.status).toBe(303);
    expect(new URL(failed.headers.get("location")!).searchParams.get("redirect_status")).toBe("failed");
    const p = await paymentOf(f, paymentId);
    expect(p).toMatchObject({ status: "failed", failureReason: "authentication_failed" });
    expect(p.ref.startsWith("sbx_afail_")).toBe(true);
    const c = await f.complete(cartId);
    expect(c.status).toBe(402);
    expect(c.body.error).toMatchObject({ reason: "payment.declined", details: { paymentId, failureReason: "authentication_failed" } });
    expect((await paymentOf(f, paymentId)).events).toEqual(p.events);
    // A pass after the failure changes nothing.
    const late = await answer(f, path, "pass");
    expect(new URL(late.headers.get("location")!).searchParams.get("redirect_status")).toBe("failed");
    expect((await paymentOf(f, paymentId)).status).toBe("failed");
    expect((await f.pay(cartId, CARD_OK)).status).toBe(201);
    expect((await f.complete(cartId)).status).toBe(201);
  });

  test("return_url: required, http(s), and only to an origin the store allows (no open redirect)", async () => {
    await using f = await checkoutFixture();
    const { paymentId, path } = await challenged(f);
    for (const bad of [null, "", "javascript:alert(1)", "https://evil.example/phish", "//evil.example/x", "https://user:pw@localhost/checkout", "data:text/html,hi"]) {
      const r = await page(f, path, bad);
      expect(r.status).toBe(422);
      expect((await r.json()).error.reason).toMatch(/payment\.invalid_return_url|VALIDATION/);
    }
    // A POST with a refused return_url changes nothing.
    expect((await answer(f, path, "pass", {}, "https://evil.example/")).status).toBe(422);
    expect((await paymentOf(f, paymentId)).status).toBe("requires_action");
    // "*" opens the store API to any site, not this redirect.
    expect((await f.admin("/settings/allowed-origins", { method: "PUT", json: { allowedOrigins: ["*"] } })).status).toBe(200);
    expect((await page(f, path, "https://shop.example.com/checkout")).status).toBe(422);
    // The store's allowed origins and its storefrontUrl are.
    expect((await f.admin("/settings/allowed-origins", { method: "PUT", json: { allowedOrigins: ["https://shop.example.com"] } })).status).toBe(200);
    const allowed = await page(f, path, "https://shop.example.com/checkout");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("content-security-policy")).toContain("form-action 'self' https://shop.example.com;");
    expect((await f.admin("/settings", { method: "PATCH", json: { storefrontUrl: "https://front.example.org" } })).status).toBe(200);
    expect((await page(f, path, "https://front.example.org/pay/return")).status).toBe(200);
    expect((await page(f, path, "http://front.example.org/pay/return")).status).toBe(422);
  });

  test("another store's payment, an unknown store, a Stripe-less 4242 payment; a cross-site POST is refused", async () => {
    await using f = await checkoutFixture();
    const { paymentId, path } = await challenged(f);
    await using other = await checkoutFixture({ t: f.t });
    expect((await page(f, `/v1/sandbox/3ds/${other.s.id}/${paymentId}`)).status).toBe(404);
    expect((await page(f, `/v1/sandbox/3ds/store_01J00000000000000000000000/${paymentId}`)).status).toBe(404);
    expect((await page(f, `/v1/sandbox/3ds/nope/${paymentId}`)).status).toBe(404);
    expect((await page(f, `/v1/sandbox/3ds/${f.s.id}/pay_01J00000000000000000000000`)).status).toBe(404);
    expect((await answer(f, `/v1/sandbox/3ds/${other.s.id}/${paymentId}`, "pass")).status).toBe(404);

    // A payment that never needed the check: the plain page, no form.
    const v = await f.product(500, 5);
    const paid = await f.readyCart([{ variantId: v, quantity: 1 }], "bob@example.com");
    const ok = await f.pay(paid, CARD_OK);
    expect(ok.body.nextAction).toBeNull();
    const plain = await page(f, `/v1/sandbox/3ds/${f.s.id}/${ok.body.id}`);
    expect(plain.status).toBe(200);
    expect(await plain.text()).not.toContain("<form");

    // A form posted from another site (a browser says so) does not count; the payment still waits.
    const forged = await answer(f, path, "pass", { "sec-fetch-site": "cross-site", origin: "https://evil.example" });
    expect(forged.status).toBe(403);
    expect((await answer(f, path, "pass", { origin: "https://evil.example" })).status).toBe(403);
    expect((await paymentOf(f, paymentId)).status).toBe("requires_action");
    expect((await answer(f, path, "maybe")).status).toBe(422);
    // The real page's own form (same origin; no-referrer makes its Origin "null").
    expect((await answer(f, path, "pass", { "sec-fetch-site": "same-origin", origin: "null" })).status).toBe(303);
  });
});

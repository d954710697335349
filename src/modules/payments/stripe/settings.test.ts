// Stripe settings: keys validated, secrets sealed at rest, never returned, audited without secrets, per store.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { adminHeaders, createTestPlatform, storeHeaders, type TestPlatform, type TestStore } from "../../../testing/harness.ts";
import { ManualClock } from "../../../kernel/clock.ts";
import { isSealed } from "../../../kernel/seal.ts";
import { auditLog } from "../../audit/index.ts";
import { stripeSettings } from "./stripe.tables.ts";

const SK = "sk_test_51Trafi0000SettingsSecretKey9876";
const PK = "pk_test_51Trafi0000SettingsPublishable";
const WHSEC = "whsec_SettingsSigningSecret0000abcd";
const PATH = "/v1/admin/settings/payments/stripe";

let t: TestPlatform;
let A: TestStore;
let B: TestStore;

beforeAll(async () => {
  t = await createTestPlatform({ clock: new ManualClock(Date.UTC(2026, 4, 2, 9)) });
  A = await t.createStore("A");
  B = await t.createStore("B");
});
afterAll(() => t[Symbol.asyncDispose]());

const put = (s: TestStore, json: unknown, sk = s.sk) => t.request(PATH, { method: "PUT", headers: adminHeaders(sk), json });

describe("Stripe settings", () => {
  test("configure: secrets sealed at rest, GET shows only a hint, store API exposes the publishable key", async () => {
    const res = await put(A, { secretKey: SK, publishableKey: PK, webhookSecret: WHSEC });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(SK);
    expect(text).not.toContain(WHSEC);
    const view = JSON.parse(text);
    expect(view).toMatchObject({ configured: true, mode: "test", secretKeyHint: "sk_test_…9876", publishableKey: PK, webhookSecretSet: true, revision: 1 });
    expect(view.webhookUrl).toBe(`${t.config.publicUrl}/v1/hooks/stripe/${A.id}`);

    const got = await t.request(PATH, { headers: adminHeaders(A.sk) });
    const gotText = await got.text();
    expect(gotText).not.toContain(SK);
    expect(gotText).not.toContain(WHSEC);
    expect(JSON.parse(gotText)).toEqual(view);

    const db = (await t.platform.pool.get(A.id)).db;
    const row = (await db.select().from(stripeSettings))[0]!;
    expect(isSealed(row.secretKeySealed)).toBe(true);
    expect(isSealed(row.webhookSecretSealed!)).toBe(true);
    const rowText = JSON.stringify(row);
    expect(rowText).not.toContain(SK);
    expect(rowText).not.toContain(WHSEC);
    expect(rowText).not.toContain("SettingsSecretKey");

    const pub = await t.request("/v1/store/payment-providers/stripe", { headers: storeHeaders(A.pk) });
    expect(await pub.json()).toEqual({ publishableKey: PK });
  });

  test("the audit entry records the change but no secret", async () => {
    const db = (await t.platform.pool.get(A.id)).db;
    const entries = (await db.select().from(auditLog)).filter((e) => e.action === "payments.stripe_configured");
    expect(entries.length).toBeGreaterThanOrEqual(1);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(SK);
    expect(text).not.toContain(WHSEC);
    expect(entries[0]!.after).toMatchObject({ secretKeyHint: "sk_test_…9876", webhookSecretSet: true, secretKeyChanged: true });
  });

  test("an update may omit the secret key (kept) and remove the webhook secret with null", async () => {
    const res = await put(A, { publishableKey: PK, webhookSecret: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ secretKeyHint: "sk_test_…9876", webhookSecretSet: false, revision: 2 });
    const again = await put(A, { publishableKey: PK, webhookSecret: WHSEC });
    expect(await again.json()).toMatchObject({ webhookSecretSet: true, revision: 3 });
  });

  test("bad key formats → 422 listing every problem with its reason", async () => {
    const res = await put(B, { secretKey: "sk_nope", publishableKey: "sk_test_notpublishable123", webhookSecret: "secret" });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.reason).toBe("stripe.invalid_secret_key");
    expect(body.error.details.issues.map((i: { reason: string }) => i.reason)).toEqual([
      "stripe.invalid_secret_key",
      "stripe.invalid_publishable_key",
      "stripe.invalid_webhook_secret",
    ]);
    expect(JSON.stringify(body)).not.toContain("sk_test_notpublishable123");
  });

  test("restricted keys are accepted; test/live mix and a missing first secret are refused", async () => {
    const missing = await put(B, { publishableKey: PK });
    expect((await missing.json()).error.reason).toBe("stripe.secret_key_required");
    const mixed = await put(B, { secretKey: "rk_live_51Trafi0000Restricted1111", publishableKey: PK });
    expect(mixed.status).toBe(422);
    expect((await mixed.json()).error.reason).toBe("stripe.mode_mismatch");
    const ok = await put(B, { secretKey: "rk_test_51Trafi0000Restricted1111", publishableKey: PK });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ mode: "test", secretKeyHint: "rk_test_…1111", webhookSecretSet: false });
    const unknownField = await put(B, { publishableKey: PK, captureMethod: "manual" });
    expect(unknownField.status).toBe(422);
  });

  test("permissions: payments:read may read but not write; without it, 403", async () => {
    const reader = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["payments:read"] });
    const other = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["settings:read"] });
    expect((await t.request(PATH, { headers: adminHeaders(reader.token) })).status).toBe(200);
    expect((await put(A, { publishableKey: PK }, reader.token)).status).toBe(403);
    expect((await t.request(PATH, { headers: adminHeaders(other.token) })).status).toBe(403);
  });

  test("isolation: each store sees only its own configuration", async () => {
    const C = await t.createStore("C");
    const view = await (await t.request(PATH, { headers: adminHeaders(C.sk) })).json();
    expect(view).toMatchObject({ configured: false, secretKeyHint: null, publishableKey: null, webhookSecretSet: false, updatedAt: null });
    expect((await t.request("/v1/store/payment-providers/stripe", { headers: storeHeaders(C.pk) })).status).toBe(404);
  });
});

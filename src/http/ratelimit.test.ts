// Acceptance 6: store A flooded past its plan limit gets 429s with the headers; store B, in the same window, is
// never refused. Plus the bucket arithmetic, admin and auth limits, and bounded memory.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { adminHeaders, createTestPlatform, storeHeaders } from "../testing/harness.ts";
import { ManualClock } from "../kernel/clock.ts";
import { plans, stores } from "../tenancy/control.tables.ts";
import { TokenBuckets, clientIp } from "./ratelimit.ts";

const clock = new ManualClock();
const t = await createTestPlatform({ clock });
afterAll(() => t[Symbol.asyncDispose]());
await t.platform.control.db.insert(plans).values({
  id: "tiny",
  name: "Tiny",
  limits: { storeRequestsPerMinute: 20, storeClientRequestsPerMinute: 20, adminRequestsPerMinute: 6, adminCredentialRequestsPerMinute: 6 },
  createdAt: clock.now(),
});
const A = await t.createStore("Flooded");
const B = await t.createStore("Neighbour");
await t.platform.control.db.update(stores).set({ planId: "tiny" }).where(eq(stores.id, A.id));

describe("acceptance 6: one store's flood does not reach another store", () => {
  test("A gets 429s with RateLimit-* and Retry-After; every B request in the same window succeeds", async () => {
    const flood = Array.from({ length: 60 }, () => t.request("/v1/store/store", { headers: storeHeaders(A.pk) }));
    const neighbour = Array.from({ length: 60 }, () => t.request("/v1/store/store", { headers: storeHeaders(B.pk) }));
    const [a, b] = await Promise.all([Promise.all(flood), Promise.all(neighbour)]);
    const aOk = a.filter((r) => r.status === 200);
    const a429 = a.filter((r) => r.status === 429);
    expect(aOk.length).toBe(20);
    expect(a429.length).toBe(40);
    expect(b.every((r) => r.status === 200)).toBe(true);

    const ok = aOk[0]!;
    expect(ok.headers.get("ratelimit-limit")).toBe("20");
    expect(Number(ok.headers.get("ratelimit-remaining"))).toBeGreaterThanOrEqual(0);
    expect(ok.headers.get("ratelimit-reset")).not.toBeNull();
    const limited = a429[0]!;
    expect(limited.headers.get("ratelimit-limit")).toBe("20");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(1);
    const body = await limited.json();
    expect(body.error).toMatchObject({ code: "RATE_LIMITED", reason: "rate_limit.exceeded", details: { limit: "storeRequestsPerMinute", perMinute: 20, plan: "tiny" } });
    expect(body.error.message).toContain("larger plan");
    expect(b[0]!.headers.get("ratelimit-limit")).toBe("30000"); // self-hosted plan: the per-client half is the tightest

    clock.advance(3_000); // 20/min refills one token every 3 s
    expect((await t.request("/v1/store/store", { headers: storeHeaders(A.pk) })).status).toBe(200);
    expect((await t.request("/v1/store/store", { headers: storeHeaders(A.pk) })).status).toBe(429);
  });

  test("the admin API has its own, separate budget per store", async () => {
    clock.advance(60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await t.request("/v1/admin/settings", { headers: adminHeaders(A.sk) })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(B.sk) })).status).toBe(200);
    expect((await t.request("/v1/store/store", { headers: storeHeaders(A.pk) })).status).toBe(200);
  });

  test("auth routes are limited per client address", async () => {
    clock.advance(60_000);
    let last: Response | undefined;
    for (let i = 0; i < 31; i++) last = await t.request("/v1/auth/me");
    expect(last!.status).toBe(429);
    expect((await last!.json()).error.details.limit).toBe("authRequestsPerMinute");
    clock.advance(60_000);
  });
});

describe("token buckets", () => {
  test("burst up to the minute budget, refill continuously, never above the budget", () => {
    const c = new ManualClock();
    const b = new TokenBuckets(() => c.now());
    for (let i = 0; i < 60; i++) expect(b.take("k", 60).ok).toBe(true);
    const no = b.take("k", 60);
    expect(no).toMatchObject({ ok: false, remaining: 0, retryAfterSec: 1 });
    c.advance(1_000);
    expect(b.take("k", 60).ok).toBe(true);
    c.advance(3_600_000);
    expect(b.take("k", 60).remaining).toBe(59);
  });

  test("memory is bounded: the least recently used bucket goes first", () => {
    const c = new ManualClock();
    const b = new TokenBuckets(() => c.now(), 3);
    b.take("a", 1);
    b.take("b", 1);
    b.take("c", 1);
    b.take("a", 1); // a is now most recent (and empty)
    b.take("d", 1); // evicts b
    expect(b.size).toBe(3);
    expect(b.take("a", 1).ok).toBe(false);
    expect(b.take("b", 1).ok).toBe(true); // came back full
  });
});

describe("client address behind a proxy (TRAFI_TRUST_PROXY)", () => {
  const req = (xff?: string) => new Request("http://localhost/", { headers: xff ? { "x-forwarded-for": xff } : {} });
  const socket = { requestIP: () => ({ address: "10.0.0.2" }) };

  test("off: the socket's peer, whatever X-Forwarded-For claims", () => {
    expect(clientIp(req("203.0.113.7"), socket)).toBe("10.0.0.2");
  });

  test("on: the entry our proxy appended (the last one), never a forged earlier one; junk falls back to the socket", () => {
    expect(clientIp(req("1.1.1.1, 203.0.113.7"), socket, true)).toBe("203.0.113.7");
    expect(clientIp(req("2001:db8::1"), socket, true)).toBe("2001:db8::1");
    expect(clientIp(req("<script>"), socket, true)).toBe("10.0.0.2");
    expect(clientIp(req(), socket, true)).toBe("10.0.0.2");
  });

  test("on: two clients behind one proxy get separate auth buckets", async () => {
    await using p = await createTestPlatform({ clock, env: { TRAFI_TRUST_PROXY: "true" } });
    clock.advance(60_000);
    let a: Response | undefined;
    for (let i = 0; i < 31; i++) a = await p.request("/v1/auth/me", { headers: { "x-forwarded-for": "198.51.100.1" } });
    expect(a!.status).toBe(429);
    const b = await p.request("/v1/auth/me", { headers: { "x-forwarded-for": "198.51.100.2" } });
    expect(b.status).not.toBe(429);
  });
});

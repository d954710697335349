// Acceptance: the error envelope for 422, 400, 404 and 500; none contains a stack, a file path, SQL or the body.
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { createApp } from "./app.ts";
import { createTestPlatform, adminHeaders } from "../testing/harness.ts";
import { createLogger } from "../kernel/logger.ts";
import { storeDbPath } from "../tenancy/pool.ts";

const logged: string[] = [];
const t = await createTestPlatform({ log: createLogger({ sink: (l) => logged.push(l) }) });
afterAll(() => t[Symbol.asyncDispose]());
const s = await t.createStore();
const MARKER = "ECHO-ME-7f3a";

function expectClean(text: string) {
  expect(text).not.toContain(MARKER);
  expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+|\/work\/|node_modules|stack/i);
  expect(text).not.toMatch(/\bSELECT\b|\bINSERT\b|\bUPDATE\b|sqlite|SQLITE_/i);
  expect(text).not.toContain("cause");
}

async function envelopeOf(res: Response) {
  const text = await res.text();
  expectClean(text);
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.requestId).toBe(res.headers.get("x-request-id")!);
  expect(body.error.requestId).toMatch(/^req_/);
  expect(typeof body.error.reason).toBe("string");
  expect(typeof body.error.message).toBe("string");
  return body.error;
}

describe("error envelope", () => {
  test("422 for a body that breaks the schema, naming the field but not echoing the value", async () => {
    const res = await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(s.sk), json: { name: 42, timezone: { x: MARKER } } });
    expect(res.status).toBe(422);
    const e = await envelopeOf(res);
    expect(e.code).toBe("VALIDATION");
    expect(e.details.issues[0].path).toBe("/name");
  });

  test("422 for a business rule (unknown currency), with a stable reason", async () => {
    const res = await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(s.sk), json: { defaultCurrency: "XXZ" } });
    expect(res.status).toBe(422);
    expect((await envelopeOf(res)).reason).toBe("settings.unknown_currency");
  });

  test("422 for an unknown field (no silent drops): the field's name is given, its value is not", async () => {
    const res = await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(s.sk), json: { suportEmail: MARKER } });
    expect(res.status).toBe(422);
    const e = await envelopeOf(res);
    expect(e.details.issues).toEqual([{ path: "/suportEmail", message: "Unexpected property" }]);
    // A field name that is not a plausible identifier is not reflected either.
    const odd = await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(s.sk), json: { [`<img src=x>${MARKER}`]: 1 } });
    expect(odd.status).toBe(422);
    await envelopeOf(odd);
  });

  test("400 for malformed JSON", async () => {
    const res = await t.request("/v1/admin/settings", {
      method: "PATCH",
      headers: { ...adminHeaders(s.sk), "content-type": "application/json" },
      body: `{"name": "${MARKER}"`,
    });
    expect(res.status).toBe(400);
    const e = await envelopeOf(res);
    expect(e.code).toBe("VALIDATION");
    expect(e.reason).toBe("request.malformed_body");
  });

  test("404 for an unknown route", async () => {
    const res = await t.request(`/v1/nothing-here/${MARKER}`);
    expect(res.status).toBe(404);
    expect((await envelopeOf(res)).reason).toBe("route.not_found");
  });

  test("500 (not 422) when our own response breaks its schema", async () => {
    const { t: tb } = await import("elysia");
    const app = createApp(t.platform).get("/__test/bad-response", () => ({ ok: "yes", internal: MARKER }), { response: tb.Object({ ok: tb.String() }) });
    const res = await app.handle(new Request("http://localhost/__test/bad-response"));
    expect(res.status).toBe(500);
    await envelopeOf(res);
  });

  test("500 for an unexpected error: nothing leaks to the client, everything reaches the log", async () => {
    const app = createApp(t.platform).get("/__test/boom", () => {
      throw new Error(`SELECT * FROM secrets WHERE v = '${MARKER}' at /work/main/src/x.ts:12`);
    });
    const res = await app.handle(new Request("http://localhost/__test/boom"));
    expect(res.status).toBe(500);
    const e = await envelopeOf(res);
    expect(e.code).toBe("INTERNAL");
    const line = logged.find((l) => l.includes(e.requestId) && l.includes("unhandled error"));
    expect(line).toContain(MARKER);
  });

  test("500 when a store's database is damaged, without the driver's message", async () => {
    const broken = await t.createStore();
    await t.platform.pool.close(broken.id);
    const path = storeDbPath(t.dir, broken.id);
    for (const f of [`${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    writeFileSync(path, Buffer.alloc(8192, "this is not a database " + MARKER));
    const res = await t.request("/v1/admin/settings", { headers: adminHeaders(broken.sk) });
    expect(res.status).toBe(500);
    await envelopeOf(res);
  });

  test("a caller's sane x-request-id is kept, a hostile one replaced", async () => {
    const keep = await t.request("/health", { headers: { "x-request-id": "trace-1234-abcd" } });
    expect(keep.headers.get("x-request-id")).toBe("trace-1234-abcd");
    const replaced = await t.request("/health", { headers: { "x-request-id": "<script>alert(1)</script>" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });
});

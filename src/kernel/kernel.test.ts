import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { encodeTime, isId, newId } from "./ids.ts";
import { KeyedLock } from "./lock.ts";
import { createLogger } from "./logger.ts";
import { decodeCursor, encodeCursor, toPage } from "./pagination.ts";
import { grants, isValidScope } from "./permissions.ts";
import { ValidationFailed } from "./errors.ts";

describe("ids", () => {
  test("prefixed, 26-char ULID body, sorted by creation even within one millisecond", () => {
    const ids = Array.from({ length: 1000 }, () => newId("ord", 1_700_000_000_000));
    expect(ids.every((id) => isId("ord", id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(newId("ord", 1_700_000_000_001) > ids[999]!).toBe(true);
    expect(isId("ord", "prod_01JD0000000000000000000000")).toBe(false);
    expect(isId("ord", "ord_../../etc")).toBe(false);
  });

  test("the time part encodes the timestamp in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 2 ** 20 }), (a, d) => {
        return encodeTime(a) < encodeTime(a + d);
      }),
    );
  });
});

describe("KeyedLock", () => {
  test("runs holders of one key one at a time in arrival order, other keys in parallel, and survives throws", async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const job = (key: string, name: string, fail = false) =>
      lock.run(key, async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await Promise.resolve();
        order.push(name);
        running--;
        if (fail) throw new Error(name);
      });
    const results = await Promise.allSettled([job("a", "a1"), job("a", "a2", true), job("a", "a3"), job("b", "b1")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(order.filter((n) => n.startsWith("a"))).toEqual(["a1", "a2", "a3"]);
    expect(maxRunning).toBe(2); // a-holders never overlapped, b ran beside them
    expect(lock.isHeld("a")).toBe(false);
  });
});

describe("logger", () => {
  test("one JSON object per line, level filter, child fields, errors serialised", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "info", sink: (l) => lines.push(l) }).child({ storeId: "store_x" });
    log.debug("hidden");
    log.info("shown", { n: 1 });
    log.error("failed", { err: new Error("bad") });
    expect(lines.length).toBe(2);
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({ level: "info", msg: "shown", storeId: "store_x", n: 1 });
    expect(b.err.message).toBe("bad");
  });
});

describe("pagination", () => {
  test("cursor round-trips and junk cursors are a validation error", () => {
    const id = newId("prod");
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(() => decodeCursor("not-a-cursor")).toThrow(ValidationFailed);
    const rows = [{ id: "a_1" }, { id: "a_2" }, { id: "a_3" }];
    expect(toPage(rows, 2)).toEqual({ data: rows.slice(0, 2), nextCursor: encodeCursor("a_2") });
    expect(toPage(rows, 3).nextCursor).toBeNull();
  });
});

describe("permissions", () => {
  test("exact, resource wildcard and global wildcard", () => {
    expect(grants(["settings:read"], "settings:read")).toBe(true);
    expect(grants(["settings:read"], "settings:write")).toBe(false);
    expect(grants(["settings:*"], "settings:write")).toBe(true);
    expect(grants(["*"], "api_keys:write")).toBe(true);
    expect(grants([], "settings:read")).toBe(false);
    expect(isValidScope("settings:*")).toBe(true);
    expect(isValidScope("nope:*")).toBe(false);
    expect(isValidScope("settings:destroy")).toBe(false);
  });
});

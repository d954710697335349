import { describe, expect, test } from "bun:test";
import { SealError, isSealed, seal, unseal } from "./seal.ts";

const key = new Uint8Array(32).fill(7);
const other = new Uint8Array(32).fill(8);

describe("seal", () => {
  test("round-trips, with a fresh nonce every time", () => {
    const a = seal(key, "stripe", "sk_live_secret");
    const b = seal(key, "stripe", "sk_live_secret");
    expect(a).not.toBe(b);
    expect(a).not.toContain("sk_live_secret");
    expect(isSealed(a)).toBe(true);
    expect(unseal(key, "stripe", a)).toBe("sk_live_secret");
    expect(unseal(key, "smtp", seal(key, "smtp", ""))).toBe("");
    expect(unseal(key, "smtp", seal(key, "smtp", "ünïcødé 🔑"))).toBe("ünïcødé 🔑");
  });

  test("another purpose, another master key or a flipped byte cannot open it", () => {
    const s = seal(key, "stripe", "secret");
    expect(() => unseal(key, "smtp", s)).toThrow(SealError);
    expect(() => unseal(other, "stripe", s)).toThrow(SealError);
    const [v, iv, body] = s.split(".");
    const bytes = Buffer.from(body!, "base64url");
    bytes[0]! ^= 1;
    expect(() => unseal(key, "stripe", `${v}.${iv}.${bytes.toString("base64url")}`)).toThrow(SealError);
    expect(() => unseal(key, "stripe", "plain text")).toThrow(SealError);
    expect(() => unseal(key, "stripe", "v1.AAAA.BBBB")).toThrow(SealError);
    expect(() => seal(key, "Bad Purpose!", "x")).toThrow(SealError);
    expect(isSealed("sk_live_123")).toBe(false);
  });
});

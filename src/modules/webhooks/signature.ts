// trafi-signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (API.md). The timestamp is signed so a
// captured request cannot be replayed later; receivers compare in constant time and reject old timestamps.
import { createHmac, timingSafeEqual } from "node:crypto";

export function signPayload(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}

/** Receiver side (documentation, tests, SDK): true when the header matches and is at most `toleranceS` old. */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number, toleranceS = 300): boolean {
  const parts = new Map(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1");
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(nowSeconds - t) > toleranceS) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}

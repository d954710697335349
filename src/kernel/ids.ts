// Prefixed, time-ordered ids (API.md): `ord_01JD…`. The body is a ULID (48-bit ms timestamp + 80 random bits,
// Crockford base32) so ids sort by creation time and B-tree inserts stay append-mostly.
import { randomBytes } from "node:crypto";

export const ID_PREFIXES = [
  "store", "prod", "var", "cat", "col", "cart", "line", "ord", "pay", "ref", "ful", "cus", "key", "usr", "whk",
  "evt", "flag", "cs", "exp", "req", "mig", "aud",
  "ses", "inv", "pwr",
  "opt", "med",
  "txz", "loc", "stk", "adj", "rsv", "shz", "shr",
  "whd", "eml",
  "oev", "pev", "ret",
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];
export type Id<P extends IdPrefix> = `${P}_${string}`;

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

let lastTime = -1;
let lastRandom: Uint8Array = new Uint8Array(10);

/** The 10-character, lexicographically ordered time part of a ULID (48-bit milliseconds). */
export function encodeTime(ms: number): string {
  let out = "";
  let t = ms;
  for (let i = 9; i >= 0; i--) {
    out = ALPHABET[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/** A ULID body; monotonic within one millisecond of this process. */
export function ulid(now: number = Date.now()): string {
  let rnd: Uint8Array;
  if (now <= lastTime) {
    // Same (or earlier, clock went back) millisecond: increment the previous randomness to keep order.
    rnd = lastRandom.slice();
    for (let i = rnd.length - 1; i >= 0; i--) {
      const v = rnd[i]! + 1;
      rnd[i] = v & 0xff;
      if (v <= 0xff) break;
    }
    now = lastTime;
  } else {
    rnd = new Uint8Array(randomBytes(10));
    lastTime = now;
  }
  lastRandom = rnd;
  let out = encodeTime(now);
  // 80 bits → 16 base32 characters, 5 bits at a time.
  let acc = 0;
  let bits = 0;
  for (const byte of rnd) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31]!;
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

export function newId<P extends IdPrefix>(prefix: P, now?: number): Id<P> {
  return `${prefix}_${ulid(now)}`;
}

const ID_RE = /^[a-z]+_[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `value` looks like an id of the given prefix (used to reject junk before touching a database). */
export function isId<P extends IdPrefix>(prefix: P, value: string): value is Id<P> {
  return value.startsWith(`${prefix}_`) && ID_RE.test(value);
}

// Secrets at rest (Stripe keys, SMTP passwords, webhook secrets) are sealed with AES-256-GCM under a key derived
// from the master key per purpose (HKDF-SHA256), so a secret sealed for "smtp" cannot be opened as "stripe" and
// a copied database is useless without the master key. Format: `v1.<iv>.<ciphertext+tag>` (base64url), with the
// purpose bound as additional data.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";
const PURPOSE_RE = /^[a-z0-9_.:-]{1,64}$/;

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealError";
  }
}

function keyFor(masterKey: Uint8Array, purpose: string): Buffer {
  if (!PURPOSE_RE.test(purpose)) throw new SealError(`seal purpose must match ${PURPOSE_RE}, got "${purpose}"`);
  if (masterKey.length !== 32) throw new SealError("the master key must be 32 bytes");
  return Buffer.from(hkdfSync("sha256", masterKey, new Uint8Array(0), `trafi:seal:${purpose}`, 32));
}

export function seal(masterKey: Uint8Array, purpose: string, plaintext: string): string {
  const iv = randomBytes(12); // 96-bit random nonce: safe for far more than the number of secrets we will seal
  const cipher = createCipheriv("aes-256-gcm", keyFor(masterKey, purpose), iv);
  cipher.setAAD(Buffer.from(purpose, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

/** Opens a sealed value; throws SealError when it was tampered with, sealed for another purpose or key. */
export function unseal(masterKey: Uint8Array, purpose: string, sealed: string): string {
  const parts = sealed.split(".");
  if (parts.length !== 3 || parts[0] !== VERSION) throw new SealError("not a sealed value (expected v1.<iv>.<data>)");
  const iv = Buffer.from(parts[1]!, "base64url");
  const body = Buffer.from(parts[2]!, "base64url");
  if (iv.length !== 12 || body.length < 16) throw new SealError("sealed value is truncated");
  const decipher = createDecipheriv("aes-256-gcm", keyFor(masterKey, purpose), iv);
  decipher.setAAD(Buffer.from(purpose, "utf8"));
  decipher.setAuthTag(body.subarray(body.length - 16));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError("sealed value cannot be opened: wrong key or purpose, or it was altered");
  }
}

export const isSealed = (value: string): boolean => /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/.test(value);

// `keys revoke` and `keys rotate`: the CLI side of key management (keys create lives in keys.ts). Audited like
// the admin API, with the CLI as the system actor.
import type { Command } from "./args.ts";
import { UsageError, required, storeIdArg, str, withPlatform } from "./args.ts";
import { AppError } from "../kernel/errors.ts";
import { systemCtx } from "../kernel/system-ctx.ts";
import { withTx } from "../db/tx.ts";
import { recordAudit } from "../modules/audit/index.ts";
import { keyView } from "../modules/access/keys.routes.ts";
import type { Platform } from "../platform.ts";

function target(values: Record<string, unknown>) {
  const storeId = storeIdArg(values);
  const id = required(values, "id", "the key id (key_…)");
  if (!/^key_[0-9A-Z]{26}$/.test(id)) throw new UsageError(`--id must be a key id like key_01J…, got "${id}"`);
  return { storeId, id };
}

const asUsage = (e: unknown) => {
  if (e instanceof AppError && (e.code === "NOT_FOUND" || e.code === "CONFLICT" || e.code === "VALIDATION")) throw new UsageError(e.message);
  throw e;
};

async function audit(p: Platform, storeId: string, name: string, action: string, before: unknown, after: { id: string }) {
  const ctx = await systemCtx(p, storeId, name);
  await withTx(ctx, (tx) => recordAudit(tx, ctx, { action, targetType: "api_key", targetId: after.id, before, after }));
}

export const keysRevoke: Command = {
  name: "keys revoke",
  summary: "Revoke an API key at once.",
  usage: "keys revoke --store <storeId> --id <keyId> [--json]",
  options: { store: { type: "string", description: "store id (store_…)" }, id: { type: "string", description: "key id (key_…)" } },
  async run({ values }, io) {
    const { storeId, id } = target(values);
    const key = await withPlatform(io, async (p) => {
      const before = await p.keys.get(storeId, id);
      const after = await p.keys.revoke(storeId, id);
      if (before.revokedAt === null) await audit(p, storeId, "cli:keys revoke", "api_key.revoked", keyView(before), keyView(after));
      return after;
    }).catch(asUsage);
    if (values.json) io.out(JSON.stringify(keyView(key)) + "\n");
    else io.out(`Key ${key.id} revoked.\n`);
    return 0;
  },
};

export const keysRotate: Command = {
  name: "keys rotate",
  summary: "Rotate an API key: prints the new token once; the old one keeps working for the overlap.",
  usage: "keys rotate --store <storeId> --id <keyId> [--overlap <seconds, 86400>] [--json]",
  options: {
    store: { type: "string", description: "store id (store_…)" },
    id: { type: "string", description: "key id (key_…)" },
    overlap: { type: "string", description: "seconds the old token keeps working (0–604800, default 86400)" },
  },
  async run({ values }, io) {
    const { storeId, id } = target(values);
    const raw = str(values, "overlap") ?? "86400";
    const overlap = Number(raw);
    if (!/^\d+$/.test(raw) || overlap > 604_800) throw new UsageError(`--overlap must be a whole number of seconds from 0 to 604800, got "${raw}"`);
    const r = await withPlatform(io, async (p) => {
      const out = await p.keys.rotate(storeId, id, overlap * 1000);
      await audit(p, storeId, "cli:keys rotate", "api_key.rotated", keyView(out.previous), keyView(out.key));
      return out;
    }).catch(asUsage);
    if (values.json) io.out(JSON.stringify({ key: keyView(r.key), token: r.token, previous: keyView(r.previous) }) + "\n");
    else io.out(`${r.token}\n\nKey ${r.key.id} replaces ${r.previous.id}, which stops working at ${keyView(r.previous).expiresAt}. Store the token now: it is not shown again.\n`);
    return 0;
  },
};

import type { Command } from "./args.ts";
import { UsageError, assertStoreExists, required, storeIdArg, str, withPlatform } from "./args.ts";
import { AppError } from "../kernel/errors.ts";

export const keysCreate: Command = {
  name: "keys create",
  summary: "Create an API key for a store. The token is printed once; only its hash is stored.",
  usage: "keys create --store <storeId> --type publishable|secret [--scopes settings:read,api_keys:*] [--name <label>] [--json]",
  options: {
    store: { type: "string", description: "store id (store_…)" },
    type: { type: "string", description: "publishable (store API) or secret (admin API)" },
    scopes: { type: "string", description: "secret keys: comma-separated permissions (*)" },
    name: { type: "string", description: "a label to recognise the key" },
  },
  async run({ values }, io) {
    const storeId = storeIdArg(values);
    const type = required(values, "type", "publishable or secret");
    if (type !== "publishable" && type !== "secret") throw new UsageError(`--type must be publishable or secret, got "${type}"`);
    const scopesRaw = str(values, "scopes");
    if (scopesRaw !== undefined && type === "publishable") throw new UsageError("--scopes applies to secret keys only");
    const scopes = scopesRaw?.split(",").map((s) => s.trim()).filter(Boolean);
    const result = await withPlatform(io, async (p) => {
      await assertStoreExists(p, storeId);
      return p.keys.create({ storeId, type, scopes, name: str(values, "name") });
    }).catch((e) => {
      if (e instanceof AppError && e.code === "VALIDATION") throw new UsageError(e.message);
      throw e;
    });
    if (values.json) io.out(JSON.stringify({ id: result.key.id, type, storeId, scopes: result.key.scopes, token: result.token }) + "\n");
    else io.out(`${result.token}\n\nKey ${result.key.id} (${type}, scopes: ${result.key.scopes.join(",")}). Store it now: it is not shown again.\n`);
    return 0;
  },
};

import type { Command } from "./args.ts";
import { UsageError, str, withPlatform } from "./args.ts";
import { listStores } from "../tenancy/stores.ts";
import { decodeCursor } from "../kernel/pagination.ts";

export const storesCreate: Command = {
  name: "stores create",
  summary: "Create a store: its own database file, migrated, with its settings.",
  usage: "stores create <name> [--currency EUR] [--timezone Europe/Paris] [--json]",
  options: {
    currency: { type: "string", description: "default currency, ISO 4217 (EUR)" },
    timezone: { type: "string", description: "IANA time zone (UTC)" },
  },
  async run({ values, positionals }, io) {
    const name = positionals.join(" ").trim();
    if (!name) throw new UsageError("a store name is required, e.g. trafi stores create \"My shop\"");
    if (name.length > 120) throw new UsageError("the store name must be at most 120 characters");
    const store = await withPlatform(io, (p) =>
      p.provisionStore({ name, defaultCurrency: str(values, "currency")?.toUpperCase(), timezone: str(values, "timezone") }),
    );
    if (values.json) io.out(JSON.stringify({ id: store.id, name: store.name, schemaVersion: store.schemaVersion }) + "\n");
    else io.out(`Created store ${store.id} "${store.name}"\nNext: trafi keys create --store ${store.id} --type publishable\n`);
    return 0;
  },
};

export const storesList: Command = {
  name: "stores list",
  summary: "List stores, newest first.",
  usage: "stores list [--limit 100] [--cursor <c>] [--json]",
  options: {
    limit: { type: "string", description: "page size, 1–1000 (100)" },
    cursor: { type: "string", description: "nextCursor of the previous page" },
  },
  async run({ values }, io) {
    const limitRaw = str(values, "limit") ?? "100";
    const limit = Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000, got "${limitRaw}"`);
    let before: string | undefined;
    try {
      before = decodeCursor(str(values, "cursor"));
    } catch {
      throw new UsageError("--cursor is not valid; use the nextCursor printed by the previous page");
    }
    const page = await withPlatform(io, (p) => listStores(p.control, { limit, before }));
    if (values.json) {
      io.out(JSON.stringify({ data: page.data, nextCursor: page.nextCursor }) + "\n");
      return 0;
    }
    if (page.data.length === 0) {
      io.out("No stores yet. Create one: trafi stores create \"My shop\"\n");
      return 0;
    }
    io.out(`${"ID".padEnd(33)} ${"SCHEMA".padEnd(6)} ${"CREATED".padEnd(24)} NAME\n`);
    for (const s of page.data) {
      const flag = s.migrationError ? "  (last migration failed)" : s.isDemo ? "  (demo)" : "";
      io.out(`${s.id.padEnd(33)} ${String(s.schemaVersion).padEnd(6)} ${new Date(s.createdAt).toISOString().padEnd(24)} ${s.name}${flag}\n`);
    }
    if (page.nextCursor) io.out(`More: trafi stores list --cursor ${page.nextCursor}\n`);
    return 0;
  },
};

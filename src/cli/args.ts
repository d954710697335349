// Shared CLI plumbing: argument parsing with clear errors (exit 2), --help and --json on every command.
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, type Config } from "../config.ts";
import { createLogger } from "../kernel/logger.ts";
import { openPlatform, type Platform } from "../platform.ts";
import { STORE_ID_RE } from "../tenancy/pool.ts";
import { getStore } from "../tenancy/stores.ts";
import { AppError } from "../kernel/errors.ts";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface CommandIO {
  out: (s: string) => void;
  err: (s: string) => void;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

export const processIO: CommandIO = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
};

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Returns the exit code. */
  run(args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }, io: CommandIO): Promise<number>;
}

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  description: string;
}

export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: "boolean", short: "h", description: "show this help" },
  json: { type: "boolean", description: "print machine-readable JSON" },
};

export function parse(cmd: Command, argv: string[]) {
  try {
    const options = Object.fromEntries(
      Object.entries({ ...COMMON_OPTIONS, ...cmd.options }).map(([k, o]) => [k, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
    );
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | string[] | undefined>, positionals: r.positionals };
  } catch (e) {
    // node:util's messages name the bad option; keep them, drop its error code prefix.
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
}

export function helpText(cmd: Command): string {
  const lines = [`${cmd.summary}`, "", `Usage: trafi ${cmd.usage}`, "", "Options:"];
  for (const [name, o] of Object.entries({ ...cmd.options, ...COMMON_OPTIONS })) {
    lines.push(`  --${name}${o.type === "string" ? " <value>" : ""}`.padEnd(28) + o.description);
  }
  return lines.join("\n") + "\n";
}

export function str(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

export function required(values: Record<string, unknown>, name: string, what: string): string {
  const v = str(values, name);
  if (v === undefined || v.trim() === "") throw new UsageError(`--${name} is required: ${what}`);
  return v;
}

/** Opens the platform for a CLI command with logs at warn (commands print their own output). */
export async function withPlatform<T>(io: CommandIO, fn: (p: Platform, config: Config) => Promise<T>, opts: { generateMasterKey?: boolean } = {}): Promise<T> {
  const config = loadConfig(io.env, { generateMasterKey: opts.generateMasterKey ?? true });
  const platform = await openPlatform(config, { log: createLogger({ level: "warn", sink: (l) => io.err(l + "\n") }) });
  try {
    return await fn(platform, config);
  } finally {
    await platform.close();
  }
}

/** `--store <id>`: required and shaped like a store id (exit 2 otherwise). */
export function storeIdArg(values: Record<string, unknown>): string {
  const storeId = required(values, "store", "the id of the store, see trafi stores list");
  if (!STORE_ID_RE.test(storeId)) throw new UsageError(`--store must be a store id like store_01J…, got "${storeId}"`);
  return storeId;
}

/** An unknown store is a usage error (exit 2) rather than a failure. */
export async function assertStoreExists(p: Platform, storeId: string): Promise<void> {
  await getStore(p.control, storeId).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") throw new UsageError(`no store ${storeId}; see trafi stores list`);
    throw e;
  });
}

export { ConfigError };

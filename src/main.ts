#!/usr/bin/env bun
// Entry point: `bun src/main.ts <command>` and the compiled `trafi` binary. Exit codes: 0 ok, 1 failure,
// 2 bad usage or configuration.
import { ConfigError, UsageError, helpText, parse, processIO, type Command, type CommandIO } from "./cli/args.ts";
import { serveCommand } from "./cli/serve.ts";
import { migrateCommand } from "./cli/migrate.ts";
import { storesCreate, storesList } from "./cli/stores.ts";
import { keysCreate } from "./cli/keys.ts";
import { seedCommand } from "./cli/seed.ts";
import { healthcheckCommand } from "./cli/healthcheck.ts";
import { usersCreate } from "./cli/users.ts";
import { auditVerify } from "./cli/audit.ts";
import { keysRevoke, keysRotate } from "./cli/keys-admin.ts";
import { jobsRetry, jobsStatus } from "./cli/jobs.ts";
import { emailsList } from "./cli/emails.ts";
import { VERSION } from "./http/app.ts";

export const COMMANDS: Command[] = [serveCommand, migrateCommand, storesCreate, storesList, keysCreate, seedCommand, healthcheckCommand, usersCreate, auditVerify, keysRevoke, keysRotate, jobsStatus, jobsRetry, emailsList];

function usage(): string {
  const lines = [`Trafi ${VERSION} — commerce platform with a built-in profit engine`, "", "Usage: trafi <command> [options]", "", "Commands:"];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(16)}${c.summary}`);
  lines.push("", "Every command takes --help and --json. Configuration comes from the environment:", "  PORT, HOST, TRAFI_DATA_DIR, TRAFI_MASTER_KEY, TRAFI_POOL_SIZE, TRAFI_POOL_IDLE_MS, TRAFI_LOG_LEVEL, TRAFI_PUBLIC_URL, TRAFI_DEMO, TRAFI_TRUST_PROXY, TRAFI_WEBHOOKS_ALLOW_PRIVATE, TRAFI_STRIPE_API_BASE, TRAFI_STOREFRONT_KEY");
  return lines.join("\n") + "\n";
}

export async function runCli(argv: string[], io: CommandIO = processIO): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.out(usage());
    return 0;
  }
  if (argv[0] === "--version" || argv[0] === "-v") {
    io.out(`${VERSION}\n`);
    return 0;
  }
  // Two-word commands first ("stores create"), then one-word ones.
  const two = `${argv[0]} ${argv[1] ?? ""}`;
  const cmd = COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === argv[0]);
  if (!cmd) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
    io.err(
      group.length > 0
        ? `trafi ${argv[0]}: choose one of: ${group.map((c) => c.name).join(", ")}\n`
        : `trafi: unknown command "${argv[0]}". Run trafi --help for the list.\n`,
    );
    return 2;
  }
  const rest = argv.slice(cmd.name.split(" ").length);
  try {
    const args = parse(cmd, rest);
    if (args.values.help) {
      io.out(helpText(cmd));
      return 0;
    }
    return await cmd.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`trafi ${cmd.name}: ${e.message}\nRun trafi ${cmd.name} --help for usage.\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.err(`trafi: configuration error: ${e.message}\n`);
      return 2;
    }
    io.err(`trafi ${cmd.name}: ${(e as Error).message}\n`);
    return 1;
  }
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2));
  process.exit(code);
}

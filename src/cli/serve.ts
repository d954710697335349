// `trafi serve`: the server, the demo store on first start, graceful shutdown on SIGTERM/SIGINT.
import type { Command } from "./args.ts";
import { loadConfig } from "../config.ts";
import { createLogger } from "../kernel/logger.ts";
import { openPlatform } from "../platform.ts";
import { startServer } from "../http/server.ts";
import { ensureDemoStore, type DemoState } from "../demo.ts";
import { VERSION } from "../http/app.ts";
import { checkpointer } from "../db/checkpointer.ts";

export function banner(url: string, demo: DemoState, masterKeyNote: string | null, storefrontKeySet: boolean): string {
  const lines = [
    "",
    `  Trafi ${VERSION} is running`,
    "",
    `  API         ${url}/v1`,
    `  API docs    ${url}/docs`,
    `  OpenAPI     ${url}/v1/openapi.json`,
    `  Health      ${url}/health`,
  ];
  const demoCredentials = demo.kind === "created" || demo.kind === "reused";
  // The reference storefront sells from TRAFI_STOREFRONT_KEY's store, else from the demo store (storefront.ts).
  if (storefrontKeySet) lines.push(`  Storefront  ${url}/`);
  else if (!demoCredentials) lines.push(`  Storefront  ${url}/  (no store yet: set TRAFI_STOREFRONT_KEY=pk_… to open one)`);
  if (demoCredentials) {
    const c = demo.credentials;
    const web = [
      ...(storefrontKeySet ? [] : [`  Storefront  ${url}/`]),
      ...(c.dashboardEmail && c.dashboardPassword ? [`  Dashboard   ${url}/admin`, `  Log in as   ${c.dashboardEmail} / ${c.dashboardPassword}`] : []),
    ];
    lines.push(
      "",
      `  Demo store  ${c.storeName} (${c.storeId})${demo.kind === "reused" ? "" : " — just created"}`,
      `  Publishable key (storefront):  ${c.publishableKey}`,
      `  Secret key (admin API):        ${c.secretKey}`,
      ...(web.length > 0 ? ["", ...web] : []),
      "",
      `  Try:  curl -H 'x-publishable-key: ${c.publishableKey}' ${url}/v1/store/store`,
      `        curl -H 'authorization: Bearer ${c.secretKey}' ${url}/v1/admin/settings`,
    );
  } else if (demo.kind === "reused-without-credentials") {
    lines.push("", `  Demo store  ${demo.storeId} (credentials file removed; make a key: trafi keys create --store ${demo.storeId} --type secret)`);
  }
  if (masterKeyNote) lines.push("", `  ${masterKeyNote}`);
  lines.push("", "  Stop with Ctrl+C.", "");
  return lines.join("\n") + "\n";
}

export const serveCommand: Command = {
  name: "serve",
  summary: "Start the Trafi server (API, docs, workers). On an empty data dir it provisions a demo store.",
  usage: "serve [--port 3000] [--host 127.0.0.1]",
  options: {
    port: { type: "string", description: "port (env PORT, default 3000; 0 picks a free one)" },
    host: { type: "string", description: "interface (env HOST, default 127.0.0.1)" },
  },
  async run({ values }, io) {
    const env = { ...io.env };
    if (typeof values.port === "string") env.PORT = values.port;
    if (typeof values.host === "string") env.HOST = values.host;
    const config = loadConfig(env, { generateMasterKey: true });
    const log = createLogger({ level: config.logLevel });
    const platform = await openPlatform(config, { log });
    let demo: DemoState;
    try {
      demo = await ensureDemoStore(platform, (m) => io.err(`  … ${m}\n`));
      await platform.jobs.start(); // workers + outbox start-up scan; stopped by platform.close() on shutdown
    } catch (e) {
      await platform.close();
      throw e;
    }
    const running = startServer(platform, { port: config.port, host: config.host });
    // Store files checkpoint on this thread; without it (a broken binary build) they fall back to SQLite's
    // checkpoint inside COMMIT: correct, slower under load. Said once, at start.
    checkpointer.ping().catch((err) => log.warn("checkpoint thread unavailable: store files checkpoint in COMMIT", { err }));
    const url = config.publicUrl.endsWith(`:${config.port}`) && config.port === 0 ? running.url : config.publicUrl;
    const masterKeyNote =
      config.masterKeySource === "generated"
        ? `A master key was generated in ${config.dataDir}/master.key (0600). Back it up: store files cannot be read without it.`
        : null;
    if (values.json) io.out(JSON.stringify({ url, demo }) + "\n");
    else io.out(banner(url, demo, masterKeyNote, config.storefrontKey !== null));
    log.info("server started", { url, version: VERSION, dataDir: config.dataDir });

    return await new Promise<number>((resolve) => {
      const shutdown = (signal: string) => {
        log.info("shutting down", { signal });
        running.stop().then(
          () => {
            log.info("stopped", { signal });
            resolve(0);
          },
          (e) => {
            log.error("shutdown failed", { err: e });
            resolve(1);
          },
        );
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
  },
};

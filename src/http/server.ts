// The HTTP server: Bun.serve around the app, one JSON access-log line per request, graceful shutdown.
import type { Server } from "bun";
import type { Platform } from "../platform.ts";
import { createApp } from "./app.ts";
import { pathOf, requestMeta } from "./request.ts";

export interface RunningServer {
  readonly server: Server<undefined>;
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then closes the platform. */
  stop(graceMs?: number): Promise<void>;
}

export function startServer(platform: Platform, opts: { port: number; host: string }): RunningServer {
  const app = createApp(platform);
  const log = platform.log;
  const handle = app.handle.bind(app);
  const accessLog = log.enabled("info");
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const server = Bun.serve({
    port: opts.port,
    hostname: opts.host,
    maxRequestBodySize: 16 * 1024 * 1024,
    async fetch(request) {
      inFlight++;
      const meta = requestMeta(request);
      let status = 500;
      try {
        const res = await handle(request);
        status = res.status;
        return res;
      } finally {
        inFlight--;
        // The access log is one line per request at info level; at warn and above nothing is built at all.
        if (accessLog) log.info("request", {
          method: request.method,
          path: pathOf(request.url),
          status: meta.status ?? status,
          durationMs: Math.round((performance.now() - meta.start) * 100) / 100,
          storeId: meta.storeId ?? null,
          requestId: meta.requestId,
        });
        if (inFlight === 0) idle?.();
      }
    },
    error(err) {
      log.error("server error", { err });
      return new Response(JSON.stringify({ error: { code: "INTERNAL", reason: "internal", message: "Something went wrong on our side", requestId: "" } }), {
        status: 500,
        headers: { "content-type": "application/json" },
      });
    },
  });
  platform.pool.startSweeper();

  let stopping: Promise<void> | undefined;
  return {
    server,
    url: `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${server.port}`,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        void server.stop(false); // stop accepting; open requests go on
        if (inFlight > 0) {
          await Promise.race([
            new Promise<void>((r) => (idle = r)),
            new Promise<void>((r) => setTimeout(r, graceMs).unref()),
          ]);
        }
        await server.stop(true);
        await platform.close();
      })();
      return stopping;
    },
  };
}


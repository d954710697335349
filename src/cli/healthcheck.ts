// `trafi healthcheck`: asks the local server's /health (the container HEALTHCHECK; no curl needed in the image).
import type { Command } from "./args.ts";
import { UsageError, str } from "./args.ts";

export const healthcheckCommand: Command = {
  name: "healthcheck",
  summary: "Exit 0 when the local server answers /health, 1 otherwise (for container health checks).",
  usage: "healthcheck [--url http://127.0.0.1:3000] [--json]",
  options: { url: { type: "string", description: "base URL (default http://127.0.0.1:$PORT)" } },
  async run({ values }, io) {
    const port = io.env.PORT && /^\d+$/.test(io.env.PORT) ? io.env.PORT : "3000";
    const base = str(values, "url") ?? `http://127.0.0.1:${port}`;
    let url: URL;
    try {
      url = new URL("/health", base);
    } catch {
      throw new UsageError(`--url must be an absolute URL, got "${base}"`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      const ok = res.status === 200;
      if (values.json) io.out(JSON.stringify({ ok, status: res.status }) + "\n");
      else io.out(ok ? "healthy\n" : `unhealthy: HTTP ${res.status}\n`);
      return ok ? 0 : 1;
    } catch (e) {
      if (values.json) io.out(JSON.stringify({ ok: false, error: (e as Error).message }) + "\n");
      else io.err(`unhealthy: ${(e as Error).message}\n`);
      return 1;
    }
  },
};

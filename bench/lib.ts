// Helpers for bench/run.ts: wrk output parsing, child processes that are always cleaned up, ports, stats, tables.
import type { Subprocess } from "bun";

// ---------------------------------------------------------------------------------------------------------------
// wrk

export interface WrkResult {
  requests: number;
  reqPerSec: number;
  /** Latency percentiles from `--latency`, in milliseconds. */
  p50Ms: number;
  p75Ms: number;
  p90Ms: number;
  p99Ms: number;
  avgMs: number;
  maxMs: number;
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "476.00us" → 0.476; "1.02ms" → 1.02; "1.50s" → 1500; "1.00m" → 60000 (wrk's own units). */
export function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`not a wrk duration: "${text}"`);
  const unit = TIME_UNITS_MS[m[2]!];
  if (unit === undefined) throw new Error(`unknown wrk time unit in "${text}"`);
  return Number(m[1]) * unit;
}

/** Parses `wrk --latency` output. Throws when a number the table needs is missing. */
export function parseWrk(out: string): WrkResult {
  const num = (re: RegExp, what: string): number => {
    const m = re.exec(out);
    if (!m?.[1]) throw new Error(`wrk output has no ${what}:\n${out}`);
    return Number(m[1]);
  };
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)\\s*$`, "m").exec(out);
    if (!m?.[1]) throw new Error(`wrk output has no ${p}% latency (was --latency passed?):\n${out}`);
    return toMs(m[1]);
  };
  const lat = /^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests: num(/(\d+) requests in/, "request count"),
    reqPerSec: num(/Requests\/sec:\s+([\d.]+)/, "Requests/sec"),
    p50Ms: pct("50"),
    p75Ms: pct("75"),
    p90Ms: pct("90"),
    p99Ms: pct("99"),
    avgMs: lat?.[1] ? toMs(lat[1]) : NaN,
    maxMs: lat?.[3] ? toMs(lat[3]) : NaN,
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: {
      connect: Number(sock?.[1] ?? 0),
      read: Number(sock?.[2] ?? 0),
      write: Number(sock?.[3] ?? 0),
      timeout: Number(sock?.[4] ?? 0),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes: every one is registered and killed by killAll(), which run.ts calls in a finally.

const children = new Set<Subprocess>();
let shuttingDown = false;

export function track<T extends Subprocess>(proc: T): T {
  // Spawned after killAll() (the run was interrupted mid-step): it would outlive the bench, so it goes at once.
  if (shuttingDown) proc.kill("SIGKILL");
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}

/** SIGTERM, then SIGKILL after graceMs if the process is still there. */
export async function stopProcess(proc: Subprocess, graceMs = 3_000): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    await proc.exited;
    clearTimeout(timer);
  }
  children.delete(proc);
}

export async function killAll(): Promise<void> {
  shuttingDown = true;
  await Promise.all([...children].map((p) => stopProcess(p)));
}

/** Runs a command to completion (tracked, so an interrupted run still kills it) and returns its output. */
export async function run(
  cmd: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = track(Bun.spawn(cmd, { env: opts.env, cwd: opts.cwd, stdout: "pipe", stderr: "pipe" }));
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** A port that was free a moment ago (bind to 0, read it, release it). */
export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port;
  void s.stop(true);
  if (port === undefined) throw new Error("could not get a free port");
  return port;
}

/** Polls url until it answers 2xx, the process exits, or timeoutMs passes. */
export async function waitForHttp(url: string, proc: Subprocess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`process exited (code ${proc.exitCode}, signal ${proc.signalCode}) before ${url} answered`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await Bun.sleep(50);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (last: ${last})`);
}

// ---------------------------------------------------------------------------------------------------------------
// Stats and formatting

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

export function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return "—";
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A Markdown-style plain-text table; `align` right-aligns numeric columns ("r"). */
export function table(headers: string[], rows: string[][], align: ("l" | "r")[] = []): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const cell = (s: string, i: number) => ((align[i] ?? "l") === "r" ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const line = (cells: string[]) => "| " + cells.map(cell).join(" | ") + " |";
  const sep = "|" + widths.map((w, i) => ((align[i] ?? "l") === "r" ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
  return [line(headers), sep, ...rows.map(line)].join("\n");
}

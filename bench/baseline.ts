// The same-run baseline: a bare Bun.serve answering "hello". Every Trafi row is reported as a ratio to this.
// Usage: bun bench/baseline.ts <port>
const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const server = Bun.serve({
  port,
  hostname: "127.0.0.1",
  fetch: () => new Response("hello"),
});
process.stdout.write(`baseline listening on http://127.0.0.1:${server.port}\n`);
const shutdown = () => {
  void server.stop(true);
  process.exit(0);
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
export {}; // a module, not a global script

// `bun run build` → dist/trafi: one executable with the server, the CLI, the migrations (embedded by
// migrations.gen.ts) and the docs assets. libSQL loads its native addon with a computed require
// (`@libsql/${target}`), which the bundler cannot follow; the plugin below rewrites it to the concrete package
// of the build target so the addon is embedded (STACK-NOTES).
import type { BunPlugin } from "bun";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

function nativeTarget(): string {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  if (process.platform === "darwin") return `darwin-${arch}`;
  if (process.platform === "win32") return `win32-${arch}-msvc`;
    // glibcVersionRuntime is present only on glibc systems (musl, e.g. Alpine, has none).
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return `linux-${arch}-${header?.glibcVersionRuntime ? "gnu" : "musl"}`;
}

export const libsqlNative = (target: string): BunPlugin => ({
  name: "libsql-native",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, async (args) => {
      const src = await Bun.file(args.path).text();
      const patched = src.replace("return require(`@libsql/${target}`);", `return require("@libsql/${target}");`);
      if (patched === src) throw new Error("libsql-native: the addon require was not found; check the libsql version");
      return { contents: patched, loader: "js" };
    });
  },
});

if (import.meta.main) {
  const target = nativeTarget();
  const outfile = join(root, "dist", "trafi");
  const started = performance.now();
  console.log(`building ${outfile} (libSQL addon: @libsql/${target})…`);
  const result = await Bun.build({
    entrypoints: [join(root, "src", "main.ts")],
    compile: { outfile },
    minify: true,
    sourcemap: "linked",
    plugins: [libsqlNative(target)],
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    process.exit(1);
  }
  const size = Bun.file(outfile).size;
  console.log(`built dist/trafi: ${(size / 1024 / 1024).toFixed(1)} MiB in ${Math.round(performance.now() - started)} ms`);
}

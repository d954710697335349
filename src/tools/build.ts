// `bun run build` → dist/trafi: one executable with the server, the CLI, the migrations (embedded by
// migrations.gen.ts), the docs assets, the dashboard and the reference storefront (both built first by build-web.ts,
// embedded as files).
// libSQL loads its native addon with a computed require (`@libsql/${target}`), which the bundler cannot follow; the plugin below rewrites it to the concrete package
// of the build target so the addon is embedded (STACK-NOTES).
import type { BunPlugin } from "bun";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildStorefront, buildWeb, describeBuild, type WebBuild } from "./build-web.ts";

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

/**
 * The compile entry: every dashboard and storefront file imported `with { type: "file" }` (so it is embedded in the
 * binary), registered with its routes, then the CLI. Generated into .tmp/ (git-ignored) at each build.
 */
function compileEntry(web: WebBuild, storefront: WebBuild): string {
  const dir = join(root, ".tmp");
  mkdirSync(dir, { recursive: true });
  const lines = [
    'import { setDashboardSource } from "../src/http/dashboard.ts";',
    'import { setStorefrontSource } from "../src/http/storefront.ts";',
    'import { runCli } from "../src/main.ts";',
  ];
  const embed = (build: WebBuild, distDir: string, prefix: string) => {
    build.files.forEach((f, i) => lines.push(`import ${prefix}${i} from ${JSON.stringify(`../dist/${distDir}/${f}`)} with { type: "file" };`));
    return `{ kind: "embedded", files: { ${build.files.map((f, i) => `${JSON.stringify(f)}: ${prefix}${i}`).join(", ")} } }`;
  };
  const dashboardFiles = embed(web, "web", "d");
  const storefrontFiles = embed(storefront, "storefront", "s");
  lines.push(`setDashboardSource(${dashboardFiles});`, `setStorefrontSource(${storefrontFiles});`);
  lines.push("process.exit(await runCli(process.argv.slice(2)));");
  const file = join(dir, "compile-entry.ts");
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

/**
 * The checkpoint thread's script (src/db/checkpointer.ts) is an entry point of its own, next to the compile entry:
 * `new Worker(new URL("./checkpoint-worker.ts", import.meta.url))` then finds it in the binary. Bun 1.4 loads a
 * worker entry only from the top of the binary's file tree (oven-sh/bun#29124), hence this one-line file in .tmp/.
 */
function workerEntry(): string {
  const file = join(root, ".tmp", "checkpoint-worker.ts");
  writeFileSync(file, 'import "../src/db/checkpoint-worker.ts";\n');
  return file;
}

if (import.meta.main) {
  const web = await buildWeb({ outDir: join(root, "dist", "web") });
  console.log(describeBuild(web));
  const storefront = await buildStorefront({ outDir: join(root, "dist", "storefront") });
  console.log(describeBuild(storefront));
  const target = nativeTarget();
  const outfile = join(root, "dist", "trafi");
  const started = performance.now();
  console.log(`building ${outfile} (libSQL addon: @libsql/${target})…`);
  const result = await Bun.build({
    entrypoints: [compileEntry(web, storefront), workerEntry()],
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

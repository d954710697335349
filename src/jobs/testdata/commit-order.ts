// Child process of the crash test: runs like a server (workers started, start-up scan done), completes a prepared
// cart with the real checkout — the order, its stock, its outbox rows in one transaction — but without kicking the
// relay, says so on stdout and hangs, waiting for SIGKILL.
// Usage: bun src/jobs/testdata/commit-order.ts <storeId> <cartId>   (data dir and master key from the environment)
import { loadConfig } from "../../config.ts";
import { silentLogger } from "../../kernel/logger.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { openPlatform } from "../../platform.ts";
import { completeCart } from "../../modules/checkout/index.ts";

const [storeId, cartId] = process.argv.slice(2);
if (!storeId || !cartId) throw new Error("usage: commit-order.ts <storeId> <cartId>");
const platform = await openPlatform(loadConfig(), { log: silentLogger });
await platform.jobs.start({ rescanEveryMs: null });
await platform.outbox.startupScan;
const ctx = await systemCtx(platform, storeId, "crash-test");
// No `outbox` dependency: completeCart then does not kick the relay, which is the window this test is about.
const { order } = await completeCart(ctx, cartId, { masterKey: platform.config.masterKey });
process.stdout.write(`committed ${order.id}\n`);
setInterval(() => {}, 1_000);

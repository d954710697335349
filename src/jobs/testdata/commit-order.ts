// Child process of the crash test: runs like a server (workers started), commits an order with its outbox rows,
// says so on stdout and then hangs without relaying, waiting for SIGKILL.
// Usage: bun src/jobs/testdata/commit-order.ts <storeId> <email>   (data dir and master key from the environment)
import { loadConfig } from "../../config.ts";
import { silentLogger } from "../../kernel/logger.ts";
import { openPlatform } from "../../platform.ts";
import { commitOrder } from "./order-fixture.ts";

const [storeId, email] = process.argv.slice(2);
if (!storeId || !email) throw new Error("usage: commit-order.ts <storeId> <email>");
const platform = await openPlatform(loadConfig(), { log: silentLogger });
await platform.jobs.start({ rescanEveryMs: null });
await platform.outbox.startupScan;
const orderId = await commitOrder(platform, storeId, email); // committed; no kick: the relay never runs here
process.stdout.write(`committed ${orderId}\n`);
setInterval(() => {}, 1_000);

// Acceptance 3: a process commits an order (outbox rows in the same transaction) and is killed with SIGKILL
// before its relay runs. After a restart the e-mail and the webhook are each delivered exactly once, and a second
// restart delivers nothing more. The order is a real one: a cart prepared through the store API, completed by the
// child with the real checkout.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { isNull } from "drizzle-orm";
import { loadConfig } from "../config.ts";
import { silentLogger } from "../kernel/logger.ts";
import { systemCtx } from "../kernel/system-ctx.ts";
import { openPlatform, type Platform } from "../platform.ts";
import { TEST_MASTER_KEY, tempDataDir } from "../testing/harness.ts";
import { createEndpoint } from "../modules/webhooks/endpoints.ts";
import { setProviderSettings } from "../modules/notifications/emails.ts";
import { startReceiver } from "../modules/webhooks/receiver.testkit.ts";
import { startSmtpSink } from "../modules/notifications/smtp.testkit.ts";
import { drainJobs, startTestJobs } from "./testing.ts";
import { outbox } from "./outbox.tables.ts";
import { prepareCart } from "./testdata/real-checkout.ts";

const dir = tempDataDir("trafi-crash-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY, TRAFI_WEBHOOKS_ALLOW_PRIVATE: "true" };
const open = () => openPlatform(loadConfig(env), { log: silentLogger });

async function runToCompletion(p: Platform): Promise<void> {
  await startTestJobs(p); // awaits the start-up scan of every store
  await drainJobs(p);
  await p.close();
}

test("SIGKILL after the commit, before the relay: after restart the e-mail and the webhook go out exactly once", async () => {
  await using smtp = await startSmtpSink();
  await using rx = startReceiver();

  const setup = await open();
  const store = await setup.provisionStore({ name: "Crash test store" });
  const ctx = await systemCtx(setup, store.id, "test");
  const { secret } = await createEndpoint(ctx, { masterKey: setup.config.masterKey, allowPrivate: true }, { url: rx.url, events: ["order.placed"] });
  rx.secret = secret;
  await setProviderSettings(ctx, setup.config.masterKey, { provider: "smtp", smtp: { host: "127.0.0.1", port: smtp.port, secure: false } });
  const cartId = await prepareCart(setup, store.id, "crash@example.com");
  await setup.close();

  const child = Bun.spawn(["bun", "src/jobs/testdata/commit-order.ts", store.id, cartId], {
    cwd: `${import.meta.dir}/../..`,
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = child.stdout.getReader();
  let said = "";
  while (!said.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the child exited before committing: ${await new Response(child.stderr).text()}`);
    said += new TextDecoder().decode(value);
  }
  expect(said).toStartWith("committed ord_");
  const orderId = said.trim().slice("committed ".length);
  child.kill("SIGKILL");
  expect(await child.exited).not.toBe(0);
  expect(child.signalCode).toBe("SIGKILL");

  // The rows are committed and unrelayed; nothing was sent.
  const restarted = await open();
  const pending = await (await restarted.pool.get(store.id)).db.select().from(outbox).where(isNull(outbox.relayedAt));
  const keys = pending.map((r) => r.key);
  // The order's own rows (automatic capture adds its order.paid event after them).
  expect(keys).toContain(`receipt:${orderId}`);
  expect(keys).toContain(`order.placed:${orderId}`);
  expect(smtp.mails).toHaveLength(0);
  expect(rx.received).toHaveLength(0);

  await runToCompletion(restarted);
  expect(smtp.mails).toHaveLength(1);
  expect(smtp.mails[0]!.to).toEqual(["crash@example.com"]);
  expect(rx.received).toHaveLength(1);
  expect(rx.received[0]!.signatureValid).toBe(true);
  expect(JSON.parse(rx.received[0]!.body)).toMatchObject({ type: "order.placed", data: { orderId, number: 1001, email: "crash@example.com" } });
  expect(smtp.mails[0]!.raw).toContain("Linen shirt");

  // Another restart finds nothing left to do.
  await runToCompletion(await open());
  expect(smtp.mails).toHaveLength(1);
  expect(rx.received).toHaveLength(1);
}, 30_000);

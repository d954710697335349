// The demo store: provisioned on the first start of an empty data dir, so `bun start` gives a working store at
// once. Its generated keys are kept in <dataDir>/demo-credentials.json (0600) so a restart prints the same ones;
// nothing is a fixed default.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Platform } from "./platform.ts";
import { findDemoStore, listStores } from "./tenancy/stores.ts";
import { runSeeders } from "./seed.ts";
import { normalizeStorefrontUrl, updateSettings } from "./modules/settings/settings.ts";
import { systemCtx } from "./kernel/system-ctx.ts";
import { randomBytes } from "node:crypto";
import { addMembership, createUser } from "./modules/access/users.ts";

export const DEMO_CREDENTIALS_FILE = "demo-credentials.json";

export interface DemoCredentials {
  storeId: string;
  storeName: string;
  publishableKey: string;
  secretKey: string;
  /** The demo store's Owner, to log in to the dashboard (/admin); the password is generated per data dir. */
  dashboardEmail?: string;
  dashboardPassword?: string;
  createdAt: string;
}

export type DemoState =
  | { kind: "created"; credentials: DemoCredentials }
  | { kind: "reused"; credentials: DemoCredentials }
  | { kind: "reused-without-credentials"; storeId: string }
  | { kind: "none" };

export async function ensureDemoStore(p: Platform, onStep: (msg: string) => void = () => {}): Promise<DemoState> {
  const file = join(p.config.dataDir, DEMO_CREDENTIALS_FILE);
  const existing = await findDemoStore(p.control);
  if (existing) {
    if (existsSync(file)) return { kind: "reused", credentials: JSON.parse(readFileSync(file, "utf8")) as DemoCredentials };
    return { kind: "reused-without-credentials", storeId: existing.id };
  }
  // Only an empty data dir gets a demo store; an operator's own stores are never joined by one.
  if (!p.config.demo || (await listStores(p.control, { limit: 1 })).data.length > 0) return { kind: "none" };

  onStep("provisioning the demo store");
  const store = await p.provisionStore({ name: "Trafi Demo Store", defaultCurrency: "EUR", timezone: "Europe/Paris", isDemo: true });
  const ctx = await systemCtx(p, store.id, "demo");
  await runSeeders(ctx, (name, summary) => onStep(`seeded ${name}: ${summary}`));
  // The reference storefront at / sells from the demo store: its order e-mails link to the order page there.
  // A public URL that is no storefront address (a query in it) must not stop the demo store half made: no link then.
  let storefrontUrl: string | null = null;
  try {
    storefrontUrl = normalizeStorefrontUrl(p.config.publicUrl);
  } catch {
    storefrontUrl = null;
  }
  if (storefrontUrl) await updateSettings(ctx, { storefrontUrl });
  const pk = await p.keys.create({ storeId: store.id, type: "publishable", name: "Demo storefront" });
  const sk = await p.keys.create({ storeId: store.id, type: "secret", name: "Demo admin" });
  const dashboardEmail = "demo@example.com";
  const dashboardPassword = randomBytes(12).toString("base64url");
  const owner = await createUser(p.control, p.clock.now(), { email: dashboardEmail, password: dashboardPassword, name: "Demo Owner" });
  await addMembership(p.control, p.clock.now(), { userId: owner.id, storeId: store.id, role: "owner" });
  const credentials: DemoCredentials = {
    storeId: store.id,
    storeName: store.name,
    publishableKey: pk.token,
    secretKey: sk.token,
    dashboardEmail,
    dashboardPassword,
    createdAt: new Date(p.clock.now()).toISOString(),
  };
  writeFileSync(file, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  return { kind: "created", credentials };
}

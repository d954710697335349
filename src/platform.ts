// The platform: everything a running Trafi holds open (config, control DB, tenant pool, key index), wired once.
// The server and the CLI commands both start from here, so they behave identically.
import type { Config } from "./config.ts";
import { systemClock, type Clock } from "./kernel/clock.ts";
import type { Logger } from "./kernel/logger.ts";
import { openControl, type Control } from "./tenancy/control.ts";
import { TenantPool } from "./tenancy/pool.ts";
import { KeyService } from "./tenancy/keys.ts";
import { createStore, recordSchemaVersion, type StoreRecord } from "./tenancy/stores.ts";
import { initSettings } from "./modules/settings/settings.ts";

export interface Platform {
  readonly config: Config;
  readonly control: Control;
  readonly pool: TenantPool;
  readonly keys: KeyService;
  readonly clock: Clock;
  readonly log: Logger;
  provisionStore(input: { name: string; defaultCurrency?: string; timezone?: string; isDemo?: boolean }): Promise<StoreRecord>;
  close(): Promise<void>;
}

export async function openPlatform(config: Config, opts: { log: Logger; clock?: Clock }): Promise<Platform> {
  const clock = opts.clock ?? systemClock;
  const now = () => clock.now();
  const control = await openControl(config.dataDir, config.masterKey, now);
  const pool = new TenantPool({
    dataDir: config.dataDir,
    masterKey: config.masterKey,
    maxOpen: config.poolSize,
    idleMs: config.poolIdleMs,
    log: opts.log,
    now,
    onMigrated: (storeId, r) => recordSchemaVersion(control, storeId, r.to, null, now()),
  });
  const keys = new KeyService(control, now);
  return {
    config,
    control,
    pool,
    keys,
    clock,
    log: opts.log,
    provisionStore: (input) =>
      createStore(
        { control, pool, dataDir: config.dataDir, now },
        {
          name: input.name,
          isDemo: input.isDemo ?? false,
          initialize: (tx) =>
            initSettings(
              tx,
              { name: input.name, defaultCurrency: input.defaultCurrency ?? "EUR", timezone: input.timezone ?? "UTC" },
              now(),
            ),
        },
      ),
    async close() {
      await pool.closeAll();
      control.close();
    },
  };
}

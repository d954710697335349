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
import { createJobs, type JobRuntime, type OutboxRelay } from "./jobs/index.ts";

export interface Platform {
  readonly config: Config;
  readonly control: Control;
  readonly pool: TenantPool;
  readonly keys: KeyService;
  readonly clock: Clock;
  readonly log: Logger;
  /** The queue and its workers; `serve` starts them (`jobs.start()`), CLI commands leave them off. */
  readonly jobs: JobRuntime;
  /** Call `outbox.kick(storeId)` after a withTx that wrote outbox rows has committed. */
  readonly outbox: OutboxRelay;
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
  // The job runtime needs the platform itself (handlers receive it): created right below, reached through getters.
  let jobs!: ReturnType<typeof createJobs>;
  const platform: Platform = {
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
      await platform.jobs.stop(); // running jobs finish before their stores close
      await pool.closeAll();
      control.close();
    },
    get jobs() {
      return jobs.runtime;
    },
    get outbox() {
      return jobs.relay;
    },
  };
  jobs = createJobs(platform);
  return platform;
}

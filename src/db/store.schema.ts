// Every table of a store database, gathered for drizzle-kit and typed queries. Each module owns its tables file.
export * from "../modules/settings/settings.tables.ts";
export * from "../modules/audit/audit.tables.ts";
export * from "../jobs/outbox.tables.ts";

export * from "../tenancy/control.tables.ts";
export * from "../jobs/control-outbox.tables.ts";

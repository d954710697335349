export * from "../tenancy/control.tables.ts";

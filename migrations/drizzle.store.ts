import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/store.schema.ts",
  out: "./migrations/store",
});

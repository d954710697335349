// Every module's routes, registered in one list. A module adds its store and admin route plugins here.
import type { Platform } from "../platform.ts";
import { settingsAdminRoutes, settingsStoreRoutes } from "../modules/settings/routes.ts";
import { keysAdminRoutes } from "../modules/access/keys.routes.ts";

export const moduleRoutes = (platform: Platform) => [
  settingsStoreRoutes(platform),
  settingsAdminRoutes(platform),
  keysAdminRoutes(platform),
] as const;

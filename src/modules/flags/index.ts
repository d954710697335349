// The flags module's public api: the only file other modules import.
export { defineFlag, evaluateFlag, isExposure, matchesTargeting, inHoldout, HOLDOUT_NAMESPACE } from "./evaluate.ts";
export type { Evaluation, EvaluationReason, FlagDefinition, FlagInput, FlagStatus, TargetingCondition, Visitor } from "./evaluate.ts";
export { getFlagsForVisitor, recordExposures, exposureSummary } from "./exposures.ts";
export { createFlag, getFlag, listFlags, updateFlag, transitionFlag, setFlagEnabled } from "./flags.ts";
export type { FlagView, CreateFlagInput, UpdateFlagInput } from "./flags.ts";
export { liveFlagDefinitions, invalidateFlags } from "./cache.ts";
export { flagsAdminRoutes } from "./admin.routes.ts";
export { flagsStoreRoutes } from "./store.routes.ts";
export { flagsSeeder } from "./seed.ts";

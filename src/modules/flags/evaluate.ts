// Pure flag evaluation: given a flag definition and a visitor, which value does the visitor get and why.
// No I/O: the same inputs give the same answer in any process, on any machine, and in any GrowthBook SDK given
// the same seed, visitor id and weights (assignment is bucketing.ts, GrowthBook's v2 hash and bucket ranges).
//
// Reasons (OpenFeature vocabulary), checked in this order:
//   DISABLED         the kill switch is off, or the flag is not running (paused, draft, archived) → default
//   DEFAULT          the visitor fails the targeting conditions, is in the holdout, or falls outside coverage
//                    → default (variation 0)
//   TARGETING_MATCH  the flag has targeting conditions, the visitor matches them and was assigned a variation
//   SPLIT            the flag has no targeting conditions and the visitor was assigned a variation
// Only SPLIT and TARGETING_MATCH are exposures: the visitor took part in the experiment in that variation.
//
// Holdout: GrowthBook builds holdouts from namespaces, a v1 hash of the user id on a seed of its own
// ("__" + namespace name), independent of every experiment's seed. A flag with holdout h holds out the visitors
// whose namespace hash falls in [0, h) of the namespace HOLDOUT_NAMESPACE, which is the same for every flag of the
// store: the same 5% of visitors are kept out of every experiment with a 5% holdout (a larger holdout holds out a
// superset), so they stay a clean long-term control group.
import { chooseVariation, getBucketRanges, hash, hashV2FromSeedState, seedState, type BucketRange } from "./bucketing.ts";

export const HOLDOUT_NAMESPACE = "trafi-holdout";

export type EvaluationReason = "SPLIT" | "TARGETING_MATCH" | "DEFAULT" | "DISABLED";
export type FlagStatus = "draft" | "running" | "paused" | "archived";

export type TargetingCondition =
  | { attribute: string; op: "eq"; value: string }
  | { attribute: string; op: "in"; values: string[] };

export interface FlagInput {
  readonly id: string;
  readonly key: string;
  readonly status: FlagStatus;
  readonly enabled: boolean;
  readonly variations: readonly unknown[];
  readonly weights: readonly number[];
  readonly coverage: number;
  readonly seed: string;
  readonly hashVersion: number;
  readonly holdout: number;
  readonly targeting: readonly TargetingCondition[];
  readonly version: number;
}

/**
 * A flag ready to evaluate. Everything that does not depend on the visitor is computed once here: the bucket ranges,
 * the hash state of the seed, and the few answers an evaluation can give (shared, frozen), so evaluating allocates
 * nothing.
 */
export interface FlagDefinition extends FlagInput {
  readonly ranges: readonly BucketRange[];
  /** FNV-1a state after the seed (v2 hashing), null for other hash versions. */
  readonly seedState: number | null;
  readonly outcomes: { readonly assigned: readonly Evaluation[]; readonly byDefault: Evaluation; readonly disabled: Evaluation };
}

export interface Visitor {
  /** The hash attribute: the same id always gets the same variation of the same flag version. */
  readonly id: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface Evaluation {
  readonly value: unknown;
  readonly variationIndex: number;
  readonly reason: EvaluationReason;
  readonly version: number;
}

export function defineFlag(input: FlagInput): FlagDefinition {
  const outcome = (variationIndex: number, reason: EvaluationReason): Evaluation =>
    Object.freeze({ value: input.variations[variationIndex], variationIndex, reason, version: input.version });
  const assignedReason = input.targeting.length > 0 ? "TARGETING_MATCH" : "SPLIT";
  return {
    ...input,
    ranges: getBucketRanges(input.variations.length, input.coverage, input.weights),
    seedState: input.hashVersion === 2 ? seedState(input.seed) : null,
    outcomes: {
      assigned: input.variations.map((_, i) => outcome(i, assignedReason)),
      byDefault: outcome(0, "DEFAULT"),
      disabled: outcome(0, "DISABLED"),
    },
  };
}

export function matchesTargeting(conditions: readonly TargetingCondition[], attributes: Readonly<Record<string, string>> | undefined): boolean {
  for (const c of conditions) {
    const actual = attributes?.[c.attribute];
    if (actual === undefined) return false;
    if (c.op === "eq" ? actual !== c.value : !c.values.includes(actual)) return false;
  }
  return true;
}

const HOLDOUT_SEED = `__${HOLDOUT_NAMESPACE}`;

/**
 * True when the visitor is in the store-wide holdout slice [0, holdout): exactly
 * `inNamespace(visitorId, [HOLDOUT_NAMESPACE, 0, holdout])`, with the namespace seed built once instead of per call.
 */
export function inHoldout(visitorId: string, holdout: number): boolean {
  if (holdout <= 0) return false;
  const n = hash(HOLDOUT_SEED, visitorId, 1);
  return n !== null && n < holdout;
}

export function evaluateFlag(def: FlagDefinition, visitor: Visitor): Evaluation {
  const { outcomes } = def;
  if (!def.enabled || def.status !== "running") return outcomes.disabled;
  if (def.targeting.length > 0 && !matchesTargeting(def.targeting, visitor.attributes)) return outcomes.byDefault;
  if (inHoldout(visitor.id, def.holdout)) return outcomes.byDefault;
  const n = def.seedState !== null ? hashV2FromSeedState(def.seedState, visitor.id) : hash(def.seed, visitor.id, def.hashVersion);
  const index = n === null ? -1 : chooseVariation(n, def.ranges);
  return index < 0 ? outcomes.byDefault : (outcomes.assigned[index] ?? outcomes.byDefault);
}

/** Whether an evaluation means the visitor took part in the experiment (and so counts as an exposure). */
export const isExposure = (e: Evaluation): boolean => e.reason === "SPLIT" || e.reason === "TARGETING_MATCH";

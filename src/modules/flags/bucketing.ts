/**
 * Deterministic traffic assignment, identical to GrowthBook's SDKs (`hash`, `getBucketRanges`,
 * `chooseVariation`, `inNamespace`, `getEqualWeights` in the JS SDK's util.ts, MIT), so a user lands in the same
 * variation here as in any GrowthBook SDK given the same seed, attribute value and weights.
 *
 * Hash: 32-bit FNV-1a over the UTF-16 code units of the JS string (not UTF-8 bytes: that is what the JS SDK
 * hashes, and the other SDKs replicate it).
 * - v1: fnv1a(value + seed) mod 1000 / 1000
 * - v2: fnv1a(String(fnv1a(seed + value))) mod 10000 / 10000   (less correlated across experiments)
 * The concatenations are hashed piecewise and the inner v2 hash's decimal digits are fed in directly, so a hash
 * evaluation allocates nothing.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a step over the UTF-16 code units of `s`, continuing from state `h`. */
function fnv1aUpdate(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  }
  return h;
}

/** Scratch buffer for the ≤ 10 decimal digits of a uint32 (module-level: hashing allocates nothing). */
const DIGITS = new Uint8Array(10);

/** FNV-1a over the decimal representation of a uint32 (what `String(n)` would produce), without a string. */
function fnv1aDecimal(h: number, n: number): number {
  let length = 0;
  do {
    const quotient = (n / 10) >>> 0; // n < 2³², so >>> 0 is floor
    DIGITS[length++] = n - quotient * 10;
    n = quotient;
  } while (n > 0);
  while (length > 0) h = Math.imul(h ^ (48 + (DIGITS[--length] ?? 0)), FNV_PRIME);
  return h;
}

/** 32-bit FNV-1a of a string, as an unsigned integer. */
export function fnv1a32(s: string): number {
  return fnv1aUpdate(FNV_OFFSET_BASIS, s) >>> 0;
}

export type HashVersion = 1 | 2;

/** GrowthBook's hash of (seed, value) to [0, 1); null for an unknown hash version. */
export function hash(seed: string, value: string, version: number): number | null {
  if (version === 2) {
    const inner = fnv1aUpdate(fnv1aUpdate(FNV_OFFSET_BASIS, seed), value) >>> 0;
    return (fnv1aDecimal(FNV_OFFSET_BASIS, inner) >>> 0) % 10000 / 10000;
  }
  if (version === 1) {
    return (fnv1aUpdate(fnv1aUpdate(FNV_OFFSET_BASIS, value), seed) >>> 0) % 1000 / 1000;
  }
  return null;
}

/**
 * The v2 hash split in two for hot loops: `seedState(seed)` once per experiment, then `hashV2FromSeedState(state,
 * value)` per user equals `hash(seed, value, 2)` (FNV-1a is a left fold, so the seed's prefix state can be reused).
 */
export function seedState(seed: string): number {
  return fnv1aUpdate(FNV_OFFSET_BASIS, seed);
}

export function hashV2FromSeedState(state: number, value: string): number {
  const inner = fnv1aUpdate(state, value) >>> 0;
  return (fnv1aDecimal(FNV_OFFSET_BASIS, inner) >>> 0) % 10000 / 10000;
}

/** n equal weights summing to 1 (empty for n ≤ 0). */
export function getEqualWeights(n: number): number[] {
  if (n <= 0) return [];
  return new Array<number>(n).fill(1 / n);
}

export type BucketRange = readonly [start: number, end: number];

/**
 * Ranges of [0, 1) per variation: variation i gets [Σ_{j<i} w_j, Σ_{j<i} w_j + coverage·w_i). Coverage is clamped
 * to [0, 1]; weights fall back to equal weights when missing, of the wrong length, or summing outside [0.99, 1.01].
 * Reducing coverage shrinks each range from its end, so users already included keep their variation.
 */
export function getBucketRanges(
  numVariations: number,
  coverage: number = 1,
  weights?: readonly number[] | null,
): BucketRange[] {
  const clampedCoverage = coverage < 0 ? 0 : coverage > 1 ? 1 : coverage;
  const equal = getEqualWeights(numVariations);
  let w: readonly number[] = weights ?? equal;
  if (w.length !== numVariations) w = equal;
  const total = w.reduce((sum, x) => sum + x, 0);
  if (total < 0.99 || total > 1.01) w = equal;
  let cumulative = 0;
  return w.map((weight) => {
    const start = cumulative;
    cumulative += weight;
    return [start, start + clampedCoverage * weight] as const;
  });
}

/** start ≤ n < end. */
export function inRange(n: number, range: BucketRange): boolean {
  return n >= range[0] && n < range[1];
}

/** Index of the range containing n, or −1 when n falls in no range (outside coverage). */
export function chooseVariation(n: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i];
    if (range && inRange(n, range)) return i;
  }
  return -1;
}

export type Namespace = readonly [name: string, start: number, end: number];

/** Whether a user (hash attribute value) falls into the namespace's slice [start, end) (v1 hash of "__" + name). */
export function inNamespace(hashValue: string, namespace: Namespace): boolean {
  const n = hash(`__${namespace[0]}`, hashValue, 1);
  if (n === null) return false;
  return n >= namespace[1] && n < namespace[2];
}

export interface AssignmentInput {
  /** Experiment seed (GrowthBook defaults it to the experiment key). */
  readonly seed: string;
  /** Value of the hash attribute (user id, device id, …) as a string. */
  readonly hashAttributeValue: string;
  readonly variations: number;
  /** Share of traffic included, default 1. */
  readonly coverage?: number;
  readonly weights?: readonly number[] | null;
  /** Default 1, as in GrowthBook's SDKs (`experiment.hashVersion || 1`); new experiments should set 2. */
  readonly hashVersion?: HashVersion;
}

/** Variation index for a user, or −1 when not included (outside coverage or unknown hash version). */
export function evaluateAssignment(input: AssignmentInput): number {
  const n = hash(input.seed, input.hashAttributeValue, input.hashVersion ?? 1);
  if (n === null) return -1;
  return chooseVariation(n, getBucketRanges(input.variations, input.coverage ?? 1, input.weights));
}

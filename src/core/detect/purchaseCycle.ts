/**
 * A customer's own purchase cycle (SPEC "Detect": the median interval between purchase days),
 * and the peer cycle used when a customer has too few purchases to have a rhythm of their own.
 *
 * Decision (documented in ARCHITECTURE terms, kept here next to the code):
 * - 2 or more intervals (3+ purchase days): the median of the customer's own intervals.
 * - exactly 1 interval: one observation is weak evidence, so it is blended half-and-half with
 *   the peer cycle.
 * - no interval (0 or 1 purchase day): the peer cycle.
 * The peer cycle is the median own cycle of similar customers: same main category, else same
 * industry, else everyone. It is never a constant; with no peers at all there is no cycle.
 */

/** How many intervals a customer needs before their own median is trusted alone. */
export const MIN_OWN_INTERVALS = 2;
/** A peer group needs this many members before its median is used. */
export const MIN_PEER_GROUP_SIZE = 5;

export type CycleSource = 'own' | 'blended' | 'peer_category' | 'peer_industry' | 'peer_all' | 'none';

export interface PurchaseCycle {
  /** Days; null only when neither the customer nor any peer has an interval. */
  days: number | null;
  source: CycleSource;
}

/** Median of a list of numbers (null when empty). `median([3, 1, 2])` → 2. */
export function median(values: readonly number[]): number | null {
  const n = values.length;
  if (n === 0) return null;
  // Called for every customer's handful of intervals, several times per analysis: a short list
  // is sorted by insertion in a reused buffer (a new typed array per call cost more than the
  // sort); a long one as a typed array, numerically without a comparator call per comparison.
  let sorted: Float64Array;
  if (n <= SHORT_LIST) {
    sorted = shortList;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      let j = i - 1;
      while (j >= 0 && (sorted[j] as number) > v) {
        sorted[j + 1] = sorted[j] as number;
        j--;
      }
      sorted[j + 1] = v;
    }
  } else sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
const SHORT_LIST = 48;
const shortList = new Float64Array(SHORT_LIST);

/** Mean and standard deviation of the intervals (population spread). */
export function intervalStats(intervals: readonly number[]): { mean: number | null; spread: number | null } {
  if (intervals.length === 0) return { mean: null, spread: null };
  const mean = intervals.reduce((s, v) => s + v, 0) / intervals.length;
  const variance = intervals.reduce((s, v) => s + (v - mean) ** 2, 0) / intervals.length;
  return { mean, spread: Math.sqrt(variance) };
}

/** Median cycles of peer groups, built once per analysis from every customer's own cycle. */
export interface PeerCycles {
  byCategory: ReadonlyMap<string, number>;
  byIndustry: ReadonlyMap<string, number>;
  all: number | null;
}

export interface PeerSample {
  category: string | null;
  industry: string | null;
  /** The customer's own median interval (customers with MIN_OWN_INTERVALS or more). */
  ownCycleDays: number;
}

/**
 * Builds the peer medians. Only groups with at least MIN_PEER_GROUP_SIZE members count, so a
 * category with two odd customers does not set everybody's rhythm.
 *
 * @example buildPeerCycles([{ category: 'toner', industry: null, ownCycleDays: 30 }, …]).byCategory.get('toner')
 */
export function buildPeerCycles(samples: Iterable<PeerSample>): PeerCycles {
  const byCategory = new Map<string, number[]>();
  const byIndustry = new Map<string, number[]>();
  const all: number[] = [];
  const push = (map: Map<string, number[]>, key: string | null, value: number) => {
    if (key === null || key === '') return;
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const s of samples) {
    all.push(s.ownCycleDays);
    push(byCategory, s.category, s.ownCycleDays);
    push(byIndustry, s.industry, s.ownCycleDays);
  }
  const medians = (map: Map<string, number[]>) => {
    const out = new Map<string, number>();
    for (const [key, list] of map) {
      if (list.length >= MIN_PEER_GROUP_SIZE) out.set(key, median(list) as number);
    }
    return out;
  };
  return { byCategory: medians(byCategory), byIndustry: medians(byIndustry), all: median(all) };
}

/** The peer cycle for a customer: same category, else same industry, else everyone. */
export function peerCycle(
  peers: PeerCycles,
  category: string | null,
  industry: string | null,
): PurchaseCycle {
  const byCategory = category === null ? undefined : peers.byCategory.get(category);
  if (byCategory !== undefined) return { days: byCategory, source: 'peer_category' };
  const byIndustry = industry === null ? undefined : peers.byIndustry.get(industry);
  if (byIndustry !== undefined) return { days: byIndustry, source: 'peer_industry' };
  if (peers.all !== null) return { days: peers.all, source: 'peer_all' };
  return { days: null, source: 'none' };
}

/**
 * The customer's purchase cycle in days, saying where it came from.
 *
 * @example purchaseCycle([30, 28, 35], peers, 'toner', null) → { days: 30, source: 'own' }
 */
export function purchaseCycle(
  intervals: readonly number[],
  peers: PeerCycles,
  category: string | null,
  industry: string | null,
): PurchaseCycle {
  if (intervals.length >= MIN_OWN_INTERVALS) return { days: median(intervals), source: 'own' };
  const peer = peerCycle(peers, category, industry);
  if (intervals.length === 1) {
    const own = intervals[0] as number;
    return peer.days === null
      ? { days: own, source: 'own' }
      : { days: (own + peer.days) / 2, source: 'blended' };
  }
  return peer;
}

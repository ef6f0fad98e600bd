/**
 * Which role each demo customer plays: a healthy account, one slowing down, one that went
 * quiet for a planted reason, one that came back, a lead that never bought… Roles are dealt
 * by a scattering bijection of the customer index, so they are spread through the files and
 * every planted reason is present even in a small demo.
 */
import { coprimeStride, scatter } from './identity.js';
import { PLANTED_REASONS, type PlantedReason } from './texts.js';

export type Archetype =
  | 'active'
  | 'at_risk'
  | 'dormant'
  | 'reactivated'
  | 'lost'
  | 'never_purchased'
  | 'one_purchase'
  | 'duplicate';

export interface Role {
  archetype: Archetype;
  reason: PlantedReason | null;
  /** For a near-duplicate record: index of the customer it duplicates. */
  duplicateOf: number | null;
}

interface CastEntry {
  archetype: Archetype;
  reason: PlantedReason | null;
  share: number;
  min: number;
}

const DORMANT_SHARE: Record<PlantedReason, number> = {
  product: 0.035,
  price: 0.035,
  environment: 0.03,
  forgotten: 0.045,
  competitor: 0.025,
  need_gone: 0.025,
  staff: 0.02,
  over_contact: 0.02,
  other: 0.015,
};

const CAST: readonly CastEntry[] = [
  ...PLANTED_REASONS.map((reason) => ({
    archetype: 'dormant' as const,
    reason,
    share: DORMANT_SHARE[reason],
    min: 3,
  })),
  { archetype: 'reactivated', reason: 'forgotten', share: 0.015, min: 2 },
  { archetype: 'reactivated', reason: 'product', share: 0.012, min: 2 },
  { archetype: 'reactivated', reason: 'price', share: 0.006, min: 1 },
  { archetype: 'reactivated', reason: 'environment', share: 0.006, min: 1 },
  { archetype: 'lost', reason: 'competitor', share: 0.02, min: 2 },
  { archetype: 'at_risk', reason: null, share: 0.07, min: 3 },
  { archetype: 'never_purchased', reason: null, share: 0.05, min: 3 },
  { archetype: 'one_purchase', reason: null, share: 0.05, min: 3 },
  { archetype: 'duplicate', reason: null, share: 0.004, min: 3 },
];

const STRIDE_START = 7919;

export class Casting {
  private readonly bounds: { end: number; entry: CastEntry }[] = [];
  private readonly stride: number;
  private readonly offset: number;
  private readonly inverseStride: number;
  private readonly duplicateStart: number;

  constructor(readonly customerCount: number) {
    const n = customerCount;
    this.stride = coprimeStride(n, STRIDE_START);
    this.offset = n > 0 ? 104_729 % n : 0;
    this.inverseStride = modInverse(this.stride, n);
    // Small demos cannot afford every minimum: keep at least half of them healthy.
    const budget = Math.floor(n / 2);
    let end = 0;
    this.duplicateStart = -1;
    for (const entry of CAST) {
      const wanted = Math.max(entry.min, Math.round(entry.share * n));
      const count = Math.min(wanted, budget - end);
      if (count <= 0) continue;
      if (entry.archetype === 'duplicate') this.duplicateStart = end;
      end += count;
      this.bounds.push({ end, entry });
    }
  }

  roleOf(index: number): Role {
    const n = this.customerCount;
    const slot = scatter(index, n, this.stride, this.offset);
    for (const { end, entry } of this.bounds) {
      if (slot >= end) continue;
      if (entry.archetype !== 'duplicate')
        return { archetype: entry.archetype, reason: entry.reason, duplicateOf: null };
      // The original is dealt from the other end of the slots, where only healthy accounts are.
      const sourceSlot = n - 1 - (slot - this.duplicateStart);
      return { archetype: 'duplicate', reason: null, duplicateOf: this.indexOfSlot(sourceSlot) };
    }
    return { archetype: 'active', reason: null, duplicateOf: null };
  }

  private indexOfSlot(slot: number): number {
    const n = this.customerCount;
    const shifted = (((slot - this.offset) % n) + n) % n;
    return Number((BigInt(shifted) * BigInt(this.inverseStride)) % BigInt(n));
  }
}

function modInverse(a: number, n: number): number {
  if (n <= 1) return 0;
  let [oldR, r] = [a % n, n];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % n) + n) % n;
}

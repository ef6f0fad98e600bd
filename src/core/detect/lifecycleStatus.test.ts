import { describe, expect, it } from 'vitest';
import {
  findReturnInHistory,
  isCompetitorReason,
  type LifecycleInput,
  type LifecycleStatus,
  lifecycleStatus,
  lostEvidence,
  type PreviousState,
} from './lifecycleStatus.js';

const AS_OF = '2025-04-01';

function input(overrides: Partial<LifecycleInput>): LifecycleInput {
  return {
    asOf: AS_OF,
    purchaseDays: ['2024-01-10', '2024-06-01', '2025-03-01'],
    dormancy: null,
    previous: null,
    lost: null,
    historyReturnDay: null,
    ...overrides,
  };
}

function previous(status: LifecycleStatus, overrides: Partial<PreviousState> = {}): PreviousState {
  return { status, statusSince: '2024-12-01', lastPurchaseDay: '2024-06-01', returnDay: null, ...overrides };
}

const cases: {
  description: string;
  input: Partial<LifecycleInput>;
  status: LifecycleStatus;
  returnDay?: string | null;
}[] = [
  {
    description: 'no purchase at all is never_purchased',
    input: { purchaseDays: [] },
    status: 'never_purchased',
  },
  {
    description: 'refunds only (no purchase day) is never_purchased even with lost evidence',
    input: { purchaseDays: [], lost: { reason: 'marked_lost', day: '2025-01-01' } },
    status: 'never_purchased',
  },
  { description: 'a customer buying on rhythm is active', input: {}, status: 'active' },
  {
    description: 'one purchase and no dormancy is active',
    input: { purchaseDays: ['2025-03-20'] },
    status: 'active',
  },
  { description: 'the at-risk level makes at_risk', input: { dormancy: 'at_risk' }, status: 'at_risk' },
  { description: 'early dormancy', input: { dormancy: 'early_dormant' }, status: 'early_dormant' },
  { description: 'mid dormancy', input: { dormancy: 'mid_dormant' }, status: 'mid_dormant' },
  { description: 'long dormancy', input: { dormancy: 'long_dormant' }, status: 'long_dormant' },
  {
    description: 'evidence after the last purchase makes lost, even when merely dormant',
    input: { dormancy: 'long_dormant', lost: { reason: 'competitor_cancellation', day: '2025-03-15' } },
    status: 'lost',
  },
  {
    description: 'evidence before the last purchase is ignored (the customer came back)',
    input: { lost: { reason: 'unreachable', day: '2025-02-01' } },
    status: 'active',
  },
  {
    description: 'a purchase after a dormant previous run is reactivating',
    input: { previous: previous('long_dormant') },
    status: 'reactivating',
    returnDay: '2025-03-01',
  },
  {
    description: 'a purchase after being lost is reactivating',
    input: { previous: previous('lost') },
    status: 'reactivating',
    returnDay: '2025-03-01',
  },
  {
    description: 'two purchase days after coming back is reactivated',
    input: {
      purchaseDays: ['2024-01-10', '2024-06-01', '2025-02-01', '2025-03-01'],
      previous: previous('mid_dormant'),
    },
    status: 'reactivated',
    returnDay: '2025-02-01',
  },
  {
    description: 'two orders on the same comeback day are one purchase day: still reactivating',
    input: { purchaseDays: ['2024-01-10', '2024-06-01', '2025-03-01'], previous: previous('early_dormant') },
    status: 'reactivating',
  },
  {
    description: 'a reactivating customer who buys again becomes reactivated',
    input: {
      purchaseDays: ['2024-01-10', '2024-06-01', '2025-01-01', '2025-03-01'],
      previous: previous('reactivating', { lastPurchaseDay: '2025-01-01', returnDay: '2025-01-01' }),
    },
    status: 'reactivated',
    returnDay: '2025-01-01',
  },
  {
    description: 'a reactivating customer who falls dormant again is dormant',
    input: {
      dormancy: 'early_dormant',
      previous: previous('reactivating', { lastPurchaseDay: '2025-03-01', returnDay: '2025-03-01' }),
    },
    status: 'early_dormant',
    returnDay: null,
  },
  {
    description: 'a comeback found in the history alone is reactivating',
    input: { historyReturnDay: '2025-03-01' },
    status: 'reactivating',
  },
  {
    description: 'the comeback episode ends a year after the return day',
    input: {
      asOf: '2026-05-01',
      purchaseDays: ['2024-01-10', '2025-03-01', '2025-06-01', '2026-04-01'],
      previous: previous('reactivated', { lastPurchaseDay: '2025-06-01', returnDay: '2025-03-01' }),
    },
    status: 'active',
  },
  {
    description: 'a dormant customer without a new purchase stays dormant',
    input: { dormancy: 'mid_dormant', previous: previous('mid_dormant', { lastPurchaseDay: '2025-03-01' }) },
    status: 'mid_dormant',
  },
  {
    description: 'an active previous state with a new purchase is not a comeback',
    input: { previous: previous('active') },
    status: 'active',
  },
];

describe('lifecycleStatus', () => {
  it.each(cases)('$description', ({ input: overrides, status, returnDay }) => {
    const result = lifecycleStatus(input(overrides));
    expect(result.status).toBe(status);
    if (returnDay !== undefined) expect(result.returnDay).toBe(returnDay);
  });

  it('keeps status_since while the status does not change and resets it on a change', () => {
    const same = lifecycleStatus(
      input({
        dormancy: 'mid_dormant',
        previous: previous('mid_dormant', { lastPurchaseDay: '2025-03-01' }),
      }),
    );
    expect(same.statusSince).toBe('2024-12-01');
    const changed = lifecycleStatus(
      input({
        dormancy: 'long_dormant',
        previous: previous('mid_dormant', { lastPurchaseDay: '2025-03-01' }),
      }),
    );
    expect(changed.statusSince).toBe(AS_OF);
  });

  it('names the lost reason', () => {
    const result = lifecycleStatus(input({ lost: { reason: 'marked_lost', day: AS_OF } }));
    expect(result).toMatchObject({ status: 'lost', lostReason: 'marked_lost' });
  });
});

describe('findReturnInHistory', () => {
  it('finds the latest purchase after a gap the rules call dormant', () => {
    const days = ['2023-01-01', '2023-02-01', '2024-12-01', '2025-01-01'];
    expect(findReturnInHistory(days, AS_OF, (i) => i === 2)).toBe('2024-12-01');
  });
  it('ignores comebacks older than the episode window', () => {
    expect(findReturnInHistory(['2022-01-01', '2023-06-01'], AS_OF, () => true)).toBeNull();
  });
  it('finds nothing for a single purchase', () => {
    expect(findReturnInHistory(['2025-03-01'], AS_OF, () => true)).toBeNull();
  });
});

describe('lostEvidence', () => {
  const none = {
    competitorCancellationDay: null,
    allContactsLeft: false,
    contactsLeftDay: null,
    emailBouncingSince: null,
    markedLostDay: null,
  };
  it('has none without evidence', () => expect(lostEvidence(none)).toBeNull());
  it('needs both every contact gone and bouncing email to call a customer unreachable', () => {
    expect(lostEvidence({ ...none, allContactsLeft: true })).toBeNull();
    expect(lostEvidence({ ...none, emailBouncingSince: '2025-01-01' })).toBeNull();
    expect(
      lostEvidence({
        ...none,
        allContactsLeft: true,
        emailBouncingSince: '2025-01-01',
        contactsLeftDay: '2025-02-01',
      }),
    ).toEqual({
      reason: 'unreachable',
      day: '2025-02-01',
    });
  });
  it('takes the latest evidence', () => {
    expect(
      lostEvidence({ ...none, competitorCancellationDay: '2025-01-01', markedLostDay: '2024-01-01' })?.reason,
    ).toBe('competitor_cancellation');
  });
  it('recognises competitor reasons in Japanese, full-width and English', () => {
    expect(isCompetitorReason('競合に乗り換え')).toBe(true);
    expect(isCompetitorReason('他社サービスへ移行')).toBe(true);
    expect(isCompetitorReason('Switched to a ＣＯＭＰＥＴＩＴＯＲ')).toBe(true);
    expect(isCompetitorReason('予算削減')).toBe(false);
    expect(isCompetitorReason(null)).toBe(false);
  });
});

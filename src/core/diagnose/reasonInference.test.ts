import { describe, expect, it } from 'vitest';
import {
  inferReasons,
  MAX_INFERRED_CONFIDENCE,
  type ReasonInput,
  RULE_CONFIDENCE,
} from './reasonInference.js';

const AS_OF = '2025-12-01';

function aCustomer(overrides: Partial<ReasonInput> = {}): ReasonInput {
  return {
    lastPurchaseDay: '2025-04-20',
    purchasedProducts: ['TN-200'],
    purchasedCategories: ['toner'],
    ...overrides,
  };
}

const lines = (input: ReasonInput) => inferReasons(input, AS_OF).primary.evidence.map((e) => e.line);

describe('inferReasons', () => {
  it('reads a usability complaint in a support ticket as a product reason with the ticket as evidence', () => {
    const result = inferReasons(
      aCustomer({ texts: [{ type: 'support_ticket', day: '2025-03-02', text: '画面が使いにくい' }] }),
      AS_OF,
    );
    expect(result.primary.category).toBe('product');
    expect(result.primary.evidence[0]?.line).toBe('support ticket 2025-03-02: 『画面が使いにくい』');
    expect(result.primary.evidence[0]?.theme).toBe('usability');
    expect(result.primary.confidence).toBeCloseTo(
      RULE_CONFIDENCE.complaintTextBase + RULE_CONFIDENCE.complaintTextSlope * 0.8,
      2,
    );
  });

  it('finds a price increase on a category the customer bought shortly before the last order', () => {
    const input = aCustomer({
      priceChanges: [{ kind: 'price_increase', category: 'toner', day: '2025-04-01' }],
    });
    const result = inferReasons(input, AS_OF);
    expect(result.primary.category).toBe('price');
    expect(result.primary.confidence).toBe(RULE_CONFIDENCE.priceIncreaseOnBought);
    expect(lines(input)).toEqual(['price increase of category toner on 2025-04-01, last order 2025-04-20']);
  });

  it('keeps "forgot" beside a price increase for a silent customer; the timing of the increase decides', () => {
    // Paid the new price (19 days before the last order), then stopped: price first, forgotten second.
    const peak = inferReasons(
      aCustomer({ priceChanges: [{ kind: 'price_increase', category: 'toner', day: '2025-04-01' }] }),
      AS_OF,
    );
    expect(peak.ranked.map((c) => [c.category, c.confidence])).toEqual([
      ['price', RULE_CONFIDENCE.priceIncreaseOnBought],
      ['forgotten', RULE_CONFIDENCE.noInteractionRecorded],
    ]);
    // Kept buying at the new price for 80 days, or stopped before ever paying it: as likely forgotten.
    for (const day of ['2025-01-30', '2025-05-20']) {
      const offPeak = inferReasons(
        aCustomer({ priceChanges: [{ kind: 'price_increase', category: 'toner', day }] }),
        AS_OF,
      );
      expect(offPeak.primary.category).toBe('forgotten');
      const price = offPeak.ranked.find((c) => c.category === 'price');
      expect(price?.confidence).toBeCloseTo(
        RULE_CONFIDENCE.priceIncreaseOnBought * RULE_CONFIDENCE.priceIncreaseOffPeakFactor,
        2,
      );
      expect(price?.evidence[0]?.line).toMatch(/\((after the last order|80 days before the last order)\)$/);
    }
  });

  it('lets a customer who wrote about the increase stay a price reason whatever its timing', () => {
    const result = inferReasons(
      aCustomer({
        priceChanges: [{ kind: 'price_increase', category: 'toner', day: '2025-05-20' }],
        texts: [{ type: 'inquiry', day: '2025-05-25', text: '値上げ後の単価では発注できなくなりました。' }],
      }),
      AS_OF,
    );
    expect(result.primary.category).toBe('price');
    expect(result.ranked.map((c) => c.category)).not.toContain('forgotten');
  });

  it('ignores a price increase on a category the customer never bought', () => {
    const result = inferReasons(
      aCustomer({ priceChanges: [{ kind: 'price_increase', category: 'paper', day: '2025-04-01' }] }),
      AS_OF,
    );
    expect(result.primary.category).not.toBe('price');
  });

  it('ignores a price increase long before the last order and any price decrease', () => {
    const result = inferReasons(
      aCustomer({
        priceChanges: [
          { kind: 'price_increase', category: 'toner', day: '2024-06-01' },
          { kind: 'price_decrease', category: 'toner', day: '2025-04-01' },
        ],
      }),
      AS_OF,
    );
    expect(result.ranked.map((c) => c.category)).not.toContain('price');
  });

  it('reads a primary contact marked left as a change in the customer environment', () => {
    const input = aCustomer({
      contacts: [
        { status: 'left', day: '2025-06-12', role: '購買担当', name: '山田' },
        { status: 'active', day: '2024-01-01', role: '経理', name: '佐藤' },
      ],
    });
    const result = inferReasons(input, AS_OF);
    expect(result.primary).toMatchObject({
      category: 'environment',
      confidence: RULE_CONFIDENCE.primaryContactLeft,
    });
    expect(lines(input)).toEqual(['primary contact 山田 (購買担当) marked left 2025-06-12']);
  });

  it('combines a departed contact and bouncing email into a stronger environment reason', () => {
    const result = inferReasons(
      aCustomer({
        contacts: [{ status: 'left', day: '2025-06-12', role: 'primary' }],
        emailBounceDays: ['2025-07-01', '2025-08-01'],
      }),
      AS_OF,
    );
    const expected = 1 - (1 - RULE_CONFIDENCE.allContactsLeft) * (1 - RULE_CONFIDENCE.emailBounced);
    expect(result.primary.category).toBe('environment');
    expect(result.primary.confidence).toBeCloseTo(expected, 2);
    expect(result.primary.evidence.map((e) => e.line)).toContain('2 emails bounced since 2025-07-01');
  });

  it('reads no opens and no tickets as forgetting, with modest confidence', () => {
    const input = aCustomer({
      engagement: { emailsSent: 6, emailsOpened: 0, interactionsSinceLastPurchase: 0 },
    });
    const result = inferReasons(input, AS_OF);
    expect(result.primary).toMatchObject({
      category: 'forgotten',
      confidence: RULE_CONFIDENCE.noOpensNoInteraction,
    });
    expect(lines(input)[0]).toMatch(/^no opens in the last 6 emails and no tickets/);
  });

  it('reads a customer with no signal and no interaction at all as forgotten with low confidence', () => {
    const result = inferReasons(aCustomer(), AS_OF);
    expect(result.primary).toMatchObject({
      category: 'forgotten',
      confidence: RULE_CONFIDENCE.noInteractionRecorded,
    });
  });

  it('answers unknown when nothing is known', () => {
    const result = inferReasons({ lastPurchaseDay: null }, AS_OF);
    expect(result.primary).toMatchObject({ category: 'unknown', confidence: 0 });
    expect(result.ranked).toHaveLength(1);
  });

  it('answers unknown for a customer who never purchased, whatever the texts say', () => {
    const result = inferReasons(
      {
        lastPurchaseDay: null,
        status: 'never_purchased',
        texts: [{ type: 'inquiry', day: '2025-03-01', text: '値段が高すぎる' }],
      },
      AS_OF,
    );
    expect(result.primary).toMatchObject({ category: 'unknown', confidence: 0 });
  });

  it('answers unknown for a customer who still opens emails but gives no reason', () => {
    const result = inferReasons(aCustomer({ engagement: { emailsSent: 6, emailsOpened: 4 } }), AS_OF);
    expect(result.primary.category).toBe('unknown');
  });

  it('ranks several reasons, strongest first', () => {
    const result = inferReasons(
      aCustomer({
        texts: [{ type: 'survey_response', day: '2025-09-01', text: '他社に乗り換えました。価格も高かった' }],
        contacts: [
          { status: 'left', day: '2025-06-12', role: null },
          { status: 'active', day: null },
        ],
      }),
      AS_OF,
    );
    expect(result.ranked.map((c) => c.category)).toEqual(['competitor', 'price', 'environment']);
    expect(result.primary.category).toBe('competitor');
    for (let i = 1; i < result.ranked.length; i++) {
      expect(result.ranked[i - 1]?.confidence ?? 0).toBeGreaterThanOrEqual(result.ranked[i]?.confidence ?? 0);
    }
  });

  it('lets a survey answer that denies a reason weaken it', () => {
    const withDenial = inferReasons(
      aCustomer({
        priceChanges: [{ kind: 'price_increase', category: 'toner', day: '2025-04-01' }],
        texts: [
          {
            type: 'survey_response',
            day: '2025-09-01',
            text: '価格に不満はありません。担当者が退職しました',
          },
        ],
      }),
      AS_OF,
    );
    const price = withDenial.ranked.find((c) => c.category === 'price');
    expect(
      Math.abs(
        (price?.confidence ?? 0) -
          RULE_CONFIDENCE.priceIncreaseOnBought * RULE_CONFIDENCE.negatedStatedFactor,
      ),
    ).toBeLessThanOrEqual(0.006);
    expect(withDenial.primary.category).toBe('environment');
    expect(price?.evidence.map((e) => e.kind)).toContain('negated_text');
  });

  it('takes a survey choice label as a stated reason', () => {
    const result = inferReasons(
      aCustomer({ texts: [{ type: 'survey_response', day: '2025-09-01', text: 'ニーズ消失' }] }),
      AS_OF,
    );
    expect(result.primary).toMatchObject({ category: 'need_gone', confidence: RULE_CONFIDENCE.statedLabel });
  });

  it('reads a stated reason in unknown words as other', () => {
    const result = inferReasons(
      aCustomer({ subscriptionCancel: { day: '2025-05-01', reason: '社内の事情により' } }),
      AS_OF,
    );
    expect(result.primary).toMatchObject({
      category: 'other',
      confidence: RULE_CONFIDENCE.statedUnclassified,
    });
  });

  it('reads a competitor cancellation reason and a competitor mention', () => {
    const result = inferReasons(
      aCustomer({
        subscriptionCancel: { day: '2025-05-01', reason: 'Switched to a competitor with a cheaper plan' },
        competitorMentions: [{ day: '2025-05-10', competitor: 'ACME' }],
      }),
      AS_OF,
    );
    expect(result.primary.category).toBe('competitor');
    expect(result.primary.evidence.map((e) => e.line)).toContain('competitor mentioned 2025-05-10: 『ACME』');
  });

  it('reads an unsubscribe after many marketing messages as too much contact', () => {
    const result = inferReasons(
      aCustomer({
        unsubscribeDays: ['2025-05-03'],
        engagement: { emailsSent: 10, emailsOpened: 0, marketingMessagesPerMonth: 12 },
      }),
      AS_OF,
    );
    expect(result.primary).toMatchObject({
      category: 'over_contact',
      confidence: RULE_CONFIDENCE.unsubscribedAfterHighFrequency,
    });
  });

  it('reads collapsing usage as a need that went away', () => {
    const result = inferReasons(
      aCustomer({ usageRatio: 0.1, engagement: { emailsSent: 3, emailsOpened: 2 } }),
      AS_OF,
    );
    expect(result.primary).toMatchObject({
      category: 'need_gone',
      confidence: RULE_CONFIDENCE.usageCollapsed,
    });
  });

  it('always lets a recorded reason win, naming who recorded it and when', () => {
    const result = inferReasons(
      aCustomer({
        texts: [{ type: 'support_ticket', day: '2025-03-02', text: '画面が使いにくい' }],
        override: {
          category: 'staff',
          note: '前任営業とのトラブル',
          by: 'suzuki@example.jp',
          at: '2025-10-01T09:00:00Z',
        },
      }),
      AS_OF,
    );
    expect(result.primary.category).toBe('staff');
    expect(result.primary.confidence).toBe(1);
    expect(result.primary.evidence[0]?.line).toBe(
      'recorded by suzuki@example.jp on 2025-10-01: 『前任営業とのトラブル』',
    );
    expect(result.ranked[1]?.category).toBe('product');
  });

  it('ignores everything dated after the as-of day, the override included', () => {
    const result = inferReasons(
      aCustomer({
        texts: [{ type: 'support_ticket', day: '2026-01-05', text: '画面が使いにくい' }],
        override: { category: 'price', by: 'x', at: '2026-02-01' },
        contacts: [{ status: 'left', day: '2026-01-01', role: 'primary' }],
      }),
      AS_OF,
    );
    expect(result.ranked.map((c) => c.category)).toEqual(['forgotten']);
  });

  it('counts an old complaint the customer bought on after at half weight', () => {
    const recent = inferReasons(
      aCustomer({ texts: [{ type: 'inquiry', day: '2025-03-02', text: '値段が高すぎる' }] }),
      AS_OF,
    );
    const old = inferReasons(
      aCustomer({ texts: [{ type: 'inquiry', day: '2023-03-02', text: '値段が高すぎる' }] }),
      AS_OF,
    );
    expect(
      Math.abs(old.primary.confidence - recent.primary.confidence * RULE_CONFIDENCE.oldComplaintFactor),
    ).toBeLessThanOrEqual(0.006);
  });

  it('never reaches full confidence from inferred evidence alone', () => {
    const texts = Array.from({ length: 10 }, (_, i) => ({
      type: 'survey_response',
      day: `2025-0${(i % 9) + 1}-01`,
      text: '他社に乗り換えました',
    }));
    const result = inferReasons(aCustomer({ texts }), AS_OF);
    expect(result.primary.confidence).toBe(MAX_INFERRED_CONFIDENCE);
  });
});

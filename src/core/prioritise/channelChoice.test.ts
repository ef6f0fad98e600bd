import { describe, expect, it } from 'vitest';
import { approachOptions, channelBlock, type Reachability, recommendChannels } from './channelChoice.js';

const REACHABLE: Reachability = {
  email: 'tanaka@example.co.jp',
  phone: '03-1234-5678',
  postalCode: '100-0001',
  address: '東京都千代田区千代田1-1',
  emailOptIn: true,
  smsOptIn: true,
  dmOk: true,
  phoneOk: true,
  doNotContact: false,
};

const order = (r: ReturnType<typeof recommendChannels>) => r.channels.map((c) => c.channel);

describe('recommendChannels', () => {
  it.each([
    ['price', 'C', ['email', 'dm', 'phone']],
    ['environment', 'A', ['visit', 'phone', 'email']],
    ['product', 'B', ['phone', 'email', 'visit']],
    ['forgotten', 'C', ['email', 'dm']],
  ] as const)("follows the seed's sequence for a %s reason (rank %s)", (category, rank, expected) => {
    const r = recommendChannels({ rank, reason: { category, confidence: 0.6 }, reach: REACHABLE });
    expect(r.basis).toBe('reason');
    expect(order(r)).toEqual(expected);
    expect(r.channels[0]?.reasons[0]).toMatch(new RegExp(`^${category} reason: `));
  });

  it('drops a channel the rank matrix marks unsuitable (no visits for rank D)', () => {
    const r = recommendChannels({
      rank: 'D',
      reason: { category: 'environment', confidence: 0.7 },
      reach: REACHABLE,
    });
    expect(order(r)).toEqual(['phone', 'email']);
    expect(r.excluded).toContainEqual({
      channel: 'visit',
      why: 'rank D: × unsuitable in the rank × channel matrix',
    });
  });

  it('orders by the rank matrix when the reason is unknown or weak', () => {
    const a = recommendChannels({
      rank: 'A',
      reason: { category: 'unknown', confidence: 0 },
      reach: REACHABLE,
    });
    expect(a.basis).toBe('rank');
    expect(order(a)).toEqual(['visit', 'email', 'dm']);
    const d = recommendChannels({
      rank: 'D',
      reason: { category: 'price', confidence: 0.1 },
      reach: REACHABLE,
    });
    expect(order(d)).toEqual(['email', 'dm']);
  });

  it('respects consent and contact data', () => {
    const r = recommendChannels({
      rank: 'C',
      reason: { category: 'price', confidence: 0.6 },
      reach: { ...REACHABLE, emailOptIn: null, dmOk: false },
    });
    expect(order(r)).toEqual(['phone']);
    expect(r.excluded).toEqual(
      expect.arrayContaining([
        { channel: 'email', why: 'no email opt-in (email_opt_in)' },
        { channel: 'dm', why: 'dm_ok is 0' },
      ]),
    );
  });

  it('recommends nothing for a do-not-contact customer', () => {
    const r = recommendChannels({ rank: 'A', reason: null, reach: { ...REACHABLE, doNotContact: true } });
    expect(r).toMatchObject({ channels: [], basis: 'none', costYen: 0 });
    expect(r.excluded).toHaveLength(5);
  });

  it('falls back to the rank matrix when the reason sequence is not reachable', () => {
    const r = recommendChannels({
      rank: 'B',
      reason: { category: 'forgotten', confidence: 0.5 },
      reach: { phone: '090-0000-0000', phoneOk: true },
    });
    expect(r.basis).toBe('rank');
    expect(order(r)).toEqual(['phone']);
  });

  it('adds up the seed channel costs', () => {
    const r = recommendChannels({
      rank: 'C',
      reason: { category: 'price', confidence: 0.6 },
      reach: REACHABLE,
    });
    expect(r.costYen).toBe(1_000 + 5_000 + 10_000);
    expect(r.repHours).toBe(0.5);
  });
});

describe('channelBlock', () => {
  it('does not email a bouncing or unsubscribed address', () => {
    expect(channelBlock('email', { ...REACHABLE, isEmailBouncing: true })).toBe('email address bounces');
    expect(channelBlock('email', { ...REACHABLE, isUnsubscribed: true })).toBe('unsubscribed');
    expect(channelBlock('sms', { ...REACHABLE, smsOptIn: false })).toBe('no SMS opt-in (sms_opt_in)');
    expect(channelBlock('visit', { ...REACHABLE, address: '  ' })).toBe('no street address to visit');
  });
});

describe('approachOptions', () => {
  const recommendation = recommendChannels({
    rank: 'C',
    reason: { category: 'price', confidence: 0.6 },
    reach: REACHABLE,
  });

  it('offers each prefix of the sequence with its cost and a probability that grows with it', () => {
    const options = approachOptions(recommendation, 0.2, 500_000);
    expect(options.map((o) => o.id)).toEqual(['email', 'email+dm', 'email+dm+phone']);
    expect(options.map((o) => o.costYen)).toEqual([1_000, 6_000, 16_000]);
    expect(options[2]?.probability).toBeCloseTo(0.2, 10);
    expect(options[0]?.probability).toBeLessThan(options[1]?.probability ?? 0);
    expect(options[2]?.expectedValueYen).toBeCloseTo(0.2 * 500_000 - 16_000, 6);
  });

  it('leaves out approaches that cost more than they are expected to earn', () => {
    const options = approachOptions(recommendation, 0.2, 50_000);
    expect(options.map((o) => o.id)).toEqual(['email']);
    expect(approachOptions(recommendation, 0.01, 10_000)).toEqual([]);
  });
});

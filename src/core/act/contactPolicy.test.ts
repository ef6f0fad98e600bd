import { describe, expect, it } from 'vitest';
import { type ConsentPolicy, DEFAULT_CONSENT_POLICY } from '../prioritise/channelConfig.js';
import {
  type ContactCustomer,
  type ContactRequest,
  DEFAULT_CONTACT_RULES,
  decideContact,
  quietHoursEnd,
  validateContactRules,
} from './contactPolicy.js';

const aCustomer = (over: Partial<ContactCustomer> = {}): ContactCustomer => ({
  kind: 'company',
  email_opt_in: 1,
  sms_opt_in: 1,
  dm_ok: null,
  do_not_contact: 0,
  has_address: true,
  unsubscribed: 0,
  bounced: 0,
  ...over,
});

/** 12:00 JST on a Thursday. */
const NOON_JST = '2026-03-05T03:00:00.000Z';

const decide = (
  over: Omit<Partial<ContactRequest>, 'customer'> & { customer?: Partial<ContactCustomer> } = {},
) =>
  decideContact({
    channel: 'email',
    consent: DEFAULT_CONSENT_POLICY,
    rules: DEFAULT_CONTACT_RULES,
    recentSends: [],
    now: new Date(NOON_JST),
    ...over,
    customer: aCustomer(over.customer),
  });

const daysBefore = (iso: string, days: number) => new Date(Date.parse(iso) - days * 86_400_000).toISOString();

describe('DEFAULT_CONTACT_RULES', () => {
  it('are ours: email 2 per 7 days, SMS 1 per 14, DM 1 per 30, quiet 20:00–09:00, a day between messages', () => {
    expect(DEFAULT_CONTACT_RULES).toEqual({
      caps: { email: { max: 2, per_days: 7 }, sms: { max: 1, per_days: 14 }, dm: { max: 1, per_days: 30 } },
      quiet_hours: { start: '20:00', end: '09:00' },
      min_gap_days_any_channel: 1,
    });
    expect(validateContactRules(DEFAULT_CONTACT_RULES)).toEqual({ ok: true, rules: DEFAULT_CONTACT_RULES });
  });
});

describe('validateContactRules', () => {
  it('names the path of every violation', () => {
    const result = validateContactRules({
      caps: { email: { max: 0, per_days: 7 }, sms: { max: 1, per_days: 1.5 }, dm: { max: 1 } },
      quiet_hours: { start: '8pm', end: '24:00' },
      min_gap_days_any_channel: -1,
    });
    expect(result).toEqual({
      ok: false,
      violations: [
        { path: 'caps.email.max', message: 'at least 1 (to stop a channel, set its consent rule to never)' },
        { path: 'caps.sms.per_days', message: 'expected whole days' },
        { path: 'caps.dm.per_days', message: 'expected a number of days' },
        { path: 'quiet_hours.start', message: "expected a time like '20:00'" },
        { path: 'quiet_hours.end', message: "expected a time like '20:00'" },
        { path: 'min_gap_days_any_channel', message: 'a gap cannot be negative' },
      ],
    });
  });

  it('refuses unknown keys and channels that cannot be capped', () => {
    const result = validateContactRules({
      ...DEFAULT_CONTACT_RULES,
      caps: { ...DEFAULT_CONTACT_RULES.caps, phone: { max: 1, per_days: 7 } },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violations[0]?.path).toBe('caps');
  });

  it('accepts a fractional gap and quiet hours within one day', () => {
    const rules = {
      ...DEFAULT_CONTACT_RULES,
      quiet_hours: { start: '12:00', end: '13:00' },
      min_gap_days_any_channel: 0.5,
    };
    expect(validateContactRules(rules)).toEqual({ ok: true, rules });
  });
});

describe('decideContact: who may be contacted at all', () => {
  it('sends when nothing stands in the way', () => {
    expect(decide()).toEqual({ decision: 'send' });
  });

  it('never contacts a do-not-contact customer, whatever else holds', () => {
    for (const channel of ['email', 'sms', 'dm'] as const) {
      expect(decide({ channel, customer: { do_not_contact: 1 } })).toEqual({
        decision: 'suppress',
        reason: 'do_not_contact',
      });
    }
    expect(decide({ customer: { do_not_contact: true, email_opt_in: 0, has_address: false } })).toEqual({
      decision: 'suppress',
      reason: 'do_not_contact',
    });
  });

  it('needs an explicit opt-in for email and SMS by default (特定電子メール法)', () => {
    expect(decide({ customer: { email_opt_in: null } })).toEqual({
      decision: 'suppress',
      reason: 'no_consent',
    });
    expect(decide({ customer: { email_opt_in: 0 } })).toEqual({ decision: 'suppress', reason: 'no_consent' });
    expect(decide({ customer: { email_opt_in: true } })).toEqual({ decision: 'send' });
    expect(decide({ channel: 'sms', customer: { sms_opt_in: null } })).toEqual({
      decision: 'suppress',
      reason: 'no_consent',
    });
  });

  it('sends a DM unless the customer said no (opt-out by default)', () => {
    expect(decide({ channel: 'dm', customer: { dm_ok: null } })).toEqual({ decision: 'send' });
    expect(decide({ channel: 'dm', customer: { dm_ok: 0 } })).toEqual({
      decision: 'suppress',
      reason: 'no_consent',
    });
  });

  it('follows the policy for the customer kind, and the stricter rule when the kind is unknown', () => {
    const policy: ConsentPolicy = {
      ...DEFAULT_CONSENT_POLICY,
      email: { company: 'opt_out', person: 'opt_in' },
      dm: { company: 'opt_out', person: 'never' },
    };
    const email = (kind: string | null) =>
      decide({ consent: policy, customer: { kind, email_opt_in: null } }).decision;
    expect(email('company')).toBe('send');
    expect(email('person')).toBe('suppress');
    expect(email(null)).toBe('suppress');
    expect(decide({ channel: 'dm', consent: policy, customer: { kind: 'person', dm_ok: 1 } })).toEqual({
      decision: 'suppress',
      reason: 'no_consent',
    });
  });

  it('sends no email or SMS to an unsubscribed customer, but may still post a DM', () => {
    expect(decide({ customer: { unsubscribed: 1 } })).toEqual({
      decision: 'suppress',
      reason: 'unsubscribed',
    });
    expect(decide({ channel: 'sms', customer: { unsubscribed: 1 } })).toEqual({
      decision: 'suppress',
      reason: 'unsubscribed',
    });
    expect(decide({ channel: 'dm', customer: { unsubscribed: 1 } })).toEqual({ decision: 'send' });
  });

  it('sends no email to a bouncing address; other channels are unaffected', () => {
    expect(decide({ customer: { bounced: 1 } })).toEqual({ decision: 'suppress', reason: 'bounced' });
    expect(decide({ channel: 'sms', customer: { bounced: 1 } })).toEqual({ decision: 'send' });
  });

  it('suppresses a message with nowhere to go', () => {
    for (const channel of ['email', 'sms', 'dm'] as const) {
      expect(decide({ channel, customer: { has_address: false } })).toEqual({
        decision: 'suppress',
        reason: 'no_address',
      });
    }
  });

  it('reports the first reason in order: do_not_contact, consent, unsubscribed, bounced, address', () => {
    expect(
      decide({ customer: { email_opt_in: 0, unsubscribed: 1, bounced: 1, has_address: false } }).decision,
    ).toBe('suppress');
    expect(decide({ customer: { email_opt_in: 0, unsubscribed: 1 } })).toMatchObject({
      reason: 'no_consent',
    });
    expect(decide({ customer: { unsubscribed: 1, bounced: 1 } })).toMatchObject({ reason: 'unsubscribed' });
    expect(decide({ customer: { bounced: 1, has_address: false } })).toMatchObject({ reason: 'bounced' });
  });

  it('suppresses rather than defers: a customer who may not be contacted is never queued for later', () => {
    const recentSends = [{ channel: 'email' as const, at: daysBefore(NOON_JST, 0.1) }];
    expect(decide({ recentSends, customer: { unsubscribed: 1 } })).toEqual({
      decision: 'suppress',
      reason: 'unsubscribed',
    });
  });
});

describe('decideContact: frequency caps in a sliding window', () => {
  it('lets the second email of the week go and defers the third until the oldest leaves the window', () => {
    const first = daysBefore(NOON_JST, 5);
    const second = daysBefore(NOON_JST, 2);
    expect(decide({ recentSends: [{ channel: 'email', at: first }] })).toEqual({ decision: 'send' });
    expect(
      decide({
        recentSends: [
          { channel: 'email', at: second },
          { channel: 'email', at: first },
        ],
      }),
    ).toEqual({
      decision: 'defer',
      until: '2026-03-07T03:00:00.000Z',
      reason: 'frequency_cap',
      reasons: ['frequency_cap'],
    });
  });

  it('counts only sends inside the window: one exactly 7 days old has left it', () => {
    const recentSends = [
      { channel: 'email' as const, at: daysBefore(NOON_JST, 7) },
      { channel: 'email' as const, at: daysBefore(NOON_JST, 3) },
    ];
    expect(decide({ recentSends })).toEqual({ decision: 'send' });
  });

  it('counts per channel: emails do not use up the SMS cap', () => {
    const recentSends = [
      { channel: 'email' as const, at: daysBefore(NOON_JST, 3) },
      { channel: 'email' as const, at: daysBefore(NOON_JST, 2) },
    ];
    expect(decide({ channel: 'sms', recentSends })).toEqual({ decision: 'send' });
    expect(
      decide({ channel: 'sms', recentSends: [{ channel: 'sms', at: daysBefore(NOON_JST, 13) }] }),
    ).toMatchObject({
      decision: 'defer',
      until: '2026-03-06T03:00:00.000Z',
      reason: 'frequency_cap',
    });
  });

  it('holds a DM for 30 days after the last one, and ignores quiet hours when it becomes due', () => {
    // The previous DM went out at 23:00 JST; a DM may go at 23:00 JST 30 days later (paper has no quiet hours).
    const at = '2026-02-10T14:00:00.000Z';
    expect(decide({ channel: 'dm', customer: { dm_ok: 1 }, recentSends: [{ channel: 'dm', at }] })).toEqual({
      decision: 'defer',
      until: '2026-03-12T14:00:00.000Z',
      reason: 'frequency_cap',
      reasons: ['frequency_cap'],
    });
  });

  it('with a larger cap, waits for the send that brings the count below the cap, not the oldest', () => {
    const rules = {
      ...DEFAULT_CONTACT_RULES,
      caps: { ...DEFAULT_CONTACT_RULES.caps, email: { max: 3, per_days: 10 } },
    };
    const recentSends = [9, 8, 6, 4, 2].map((d) => ({
      channel: 'email' as const,
      at: daysBefore(NOON_JST, d),
    }));
    // Five sends in the window, cap 3: three must leave, the third oldest (6 days ago) leaves in 4 days.
    expect(decide({ rules, recentSends })).toMatchObject({
      decision: 'defer',
      until: '2026-03-09T03:00:00.000Z',
    });
  });

  it('ignores sends with an unreadable instant', () => {
    expect(decide({ recentSends: [{ channel: 'email', at: 'yesterday' }] })).toEqual({ decision: 'send' });
  });
});

describe('decideContact: minimum gap between any two messages', () => {
  it('defers a message until a full day after the last message on any channel', () => {
    const at = '2026-03-04T05:00:00.000Z'; // 14:00 JST yesterday, by DM
    expect(decide({ recentSends: [{ channel: 'dm', at }] })).toEqual({
      decision: 'defer',
      until: '2026-03-05T05:00:00.000Z',
      reason: 'min_gap',
      reasons: ['min_gap'],
    });
  });

  it('waits for the morning when the gap ends during quiet hours', () => {
    const at = '2026-03-04T21:00:00.000Z'; // 06:00 JST today: the gap ends at 06:00 JST tomorrow
    expect(decide({ recentSends: [{ channel: 'email', at }] })).toEqual({
      decision: 'defer',
      until: '2026-03-06T00:00:00.000Z',
      reason: 'min_gap',
      reasons: ['min_gap', 'quiet_hours'],
    });
  });

  it('sends once the gap has passed, and not at all when the gap is 0', () => {
    expect(decide({ recentSends: [{ channel: 'sms', at: daysBefore(NOON_JST, 1) }] })).toEqual({
      decision: 'send',
    });
    const rules = { ...DEFAULT_CONTACT_RULES, min_gap_days_any_channel: 0 };
    expect(decide({ rules, recentSends: [{ channel: 'sms', at: daysBefore(NOON_JST, 0.01) }] })).toEqual({
      decision: 'send',
    });
  });

  it('takes the later of the cap and the gap', () => {
    const recentSends = [
      { channel: 'email' as const, at: daysBefore(NOON_JST, 6.5) },
      { channel: 'email' as const, at: daysBefore(NOON_JST, 0.5) },
    ];
    // The cap and the gap both free up at 00:00 JST, inside quiet hours, which end at 09:00 JST.
    expect(decide({ recentSends })).toEqual({
      decision: 'defer',
      until: '2026-03-06T00:00:00.000Z',
      reason: 'frequency_cap',
      reasons: ['frequency_cap', 'min_gap', 'quiet_hours'],
    });
  });
});

describe('decideContact: quiet hours (Asia/Tokyo)', () => {
  const at = (iso: string) => decide({ now: new Date(iso) });

  it.each([
    ['19:59 JST', '2026-03-05T10:59:00.000Z', null],
    ['20:00 JST', '2026-03-05T11:00:00.000Z', '2026-03-06T00:00:00.000Z'],
    ['23:30 JST', '2026-03-05T14:30:00.000Z', '2026-03-06T00:00:00.000Z'],
    ['00:00 JST (after midnight)', '2026-03-05T15:00:00.000Z', '2026-03-06T00:00:00.000Z'],
    ['08:59 JST', '2026-03-05T23:59:00.000Z', '2026-03-06T00:00:00.000Z'],
    ['09:00 JST', '2026-03-06T00:00:00.000Z', null],
  ])('at %s defers to %s (null: sends)', (_label, now, until) => {
    if (until === null) expect(at(now)).toEqual({ decision: 'send' });
    else
      expect(at(now)).toEqual({ decision: 'defer', until, reason: 'quiet_hours', reasons: ['quiet_hours'] });
  });

  it('applies to SMS as to email, but not to a posted DM', () => {
    const now = new Date('2026-03-05T13:00:00.000Z'); // 22:00 JST
    expect(decide({ channel: 'sms', now })).toMatchObject({ decision: 'defer', reason: 'quiet_hours' });
    expect(decide({ channel: 'dm', now })).toEqual({ decision: 'send' });
  });

  it('crosses the end of a month and a year in JST, not UTC', () => {
    // 2026-12-31 21:00 JST = 12:00 UTC; quiet hours end 2027-01-01 09:00 JST.
    expect(at('2026-12-31T12:00:00.000Z')).toMatchObject({ until: '2027-01-01T00:00:00.000Z' });
  });

  it('pushes a send freed by a cap into the night to the next morning', () => {
    const recentSends = [
      { channel: 'email' as const, at: '2026-02-27T13:00:00.000Z' }, // 22:00 JST, 5.6 days ago: the cap frees up at 22:00 JST
      { channel: 'email' as const, at: '2026-03-03T03:00:00.000Z' },
    ];
    expect(decide({ recentSends })).toEqual({
      decision: 'defer',
      until: '2026-03-07T00:00:00.000Z',
      reason: 'frequency_cap',
      reasons: ['frequency_cap', 'quiet_hours'],
    });
  });

  it('handles quiet hours within one day and none at all', () => {
    const lunch = { ...DEFAULT_CONTACT_RULES, quiet_hours: { start: '12:00', end: '13:00' } };
    expect(decide({ rules: lunch })).toEqual({
      decision: 'defer',
      until: '2026-03-05T04:00:00.000Z',
      reason: 'quiet_hours',
      reasons: ['quiet_hours'],
    });
    const none = { ...DEFAULT_CONTACT_RULES, quiet_hours: { start: '00:00', end: '00:00' } };
    expect(decide({ rules: none, now: new Date('2026-03-05T15:00:00.000Z') })).toEqual({ decision: 'send' });
  });

  it('quietHoursEnd is null outside quiet hours', () => {
    expect(quietHoursEnd(new Date(NOON_JST), DEFAULT_CONTACT_RULES.quiet_hours)).toBeNull();
  });
});

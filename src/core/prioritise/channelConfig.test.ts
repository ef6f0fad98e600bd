import { describe, expect, it } from 'vitest';
import {
  type ChannelConfig,
  channelCostsAndConsent,
  consentRuleFor,
  DEFAULT_CHANNEL_CONFIG,
  DEFAULT_CONSENT_POLICY,
  parseChannelConfig,
} from './channelConfig.js';
import {
  channelBlock,
  DEFAULT_CHANNEL_SETTINGS,
  type Reachability,
  recommendChannels,
} from './channelChoice.js';

const REACHABLE: Reachability = {
  email: 'tanaka@example.co.jp',
  phone: '03-1234-5678',
  postalCode: '100-0001',
  address: '東京都千代田区千代田1-1',
  emailOptIn: true,
  smsOptIn: true,
  dmOk: null,
  phoneOk: null,
  doNotContact: false,
};

function withChannel(
  channel: keyof ChannelConfig['channels'],
  patch: Partial<ChannelConfig['channels']['visit']>,
): unknown {
  return {
    channels: {
      ...DEFAULT_CHANNEL_CONFIG.channels,
      [channel]: { ...DEFAULT_CHANNEL_CONFIG.channels[channel], ...patch },
    },
  };
}

describe('parseChannelConfig', () => {
  it('accepts the defaults and turns rep-minutes into rep-hours', () => {
    const parsed = parseChannelConfig(DEFAULT_CHANNEL_CONFIG);
    expect(parsed.ok).toBe(true);
    const { costs } = channelCostsAndConsent(DEFAULT_CHANNEL_CONFIG);
    expect(costs.visit).toEqual({ costYen: 20_000, repHours: 3, reactivationRate: 0.4 });
    expect(costs.phone).toMatchObject({ costYen: 10_000, repHours: 0.5 });
    expect(DEFAULT_CHANNEL_SETTINGS.costs.email.costYen).toBe(1_000);
  });

  it('names every invalid field with its path', () => {
    const bad = withChannel('visit', { cost_yen: -5, rep_minutes: 2000 }) as {
      channels: Record<string, unknown>;
    };
    (bad.channels as Record<string, unknown>).sms = {
      ...DEFAULT_CHANNEL_CONFIG.channels.sms,
      consent: { company: 'maybe', person: 'opt_in' },
    };
    const parsed = parseChannelConfig(bad);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const paths = parsed.violations.map((v) => v.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'channels.visit.cost_yen',
        'channels.visit.rep_minutes',
        'channels.sms.consent.company',
      ]),
    );
    expect(parsed.violations.find((v) => v.path === 'channels.visit.cost_yen')?.message).toBe(
      'a cost cannot be negative',
    );
  });

  it('rejects an opt-in rule for visits (there is no visit consent column) and unknown channels', () => {
    const parsed = parseChannelConfig(
      withChannel('visit', { consent: { company: 'opt_in', person: 'opt_out' } }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.violations[0]?.path).toBe('channels.visit.consent.company');
    const extra = parseChannelConfig({ channels: { ...DEFAULT_CHANNEL_CONFIG.channels, fax: {} } });
    expect(extra.ok).toBe(false);
  });
});

describe('consent policy', () => {
  it('takes the stricter rule when the customer kind is unknown', () => {
    const policy = { ...DEFAULT_CONSENT_POLICY, phone: { company: 'opt_out', person: 'opt_in' } } as const;
    expect(consentRuleFor(policy, 'phone', 'company')).toBe('opt_out');
    expect(consentRuleFor(policy, 'phone', 'person')).toBe('opt_in');
    expect(consentRuleFor(policy, 'phone', null)).toBe('opt_in');
  });

  it('allows a B2B call without explicit consent but not a B2C call when the policy says so', () => {
    const policy = { ...DEFAULT_CONSENT_POLICY, phone: { company: 'opt_out', person: 'opt_in' } } as const;
    expect(channelBlock('phone', { ...REACHABLE, kind: 'company' }, policy)).toBeNull();
    expect(channelBlock('phone', { ...REACHABLE, kind: 'person' }, policy)).toBe(
      'no phone opt-in (phone_ok)',
    );
    expect(channelBlock('phone', { ...REACHABLE, kind: 'person', phoneOk: true }, policy)).toBeNull();
    expect(channelBlock('phone', { ...REACHABLE, kind: 'company', phoneOk: false }, policy)).toBe(
      'phone_ok is 0',
    );
  });

  it('removes a channel set to never from the recommendations, and DM can require an opt-in', () => {
    const base = recommendChannels({
      rank: 'C',
      reason: { category: 'price', confidence: 0.6 },
      reach: { ...REACHABLE, kind: 'company' },
    });
    expect(base.channels.map((c) => c.channel)).toEqual(['email', 'dm', 'phone']);
    const settings = {
      ...DEFAULT_CHANNEL_SETTINGS,
      consent: {
        ...DEFAULT_CONSENT_POLICY,
        phone: { company: 'never', person: 'never' },
        dm: { company: 'opt_in', person: 'opt_in' },
      },
    } as const;
    const r = recommendChannels(
      { rank: 'C', reason: { category: 'price', confidence: 0.6 }, reach: { ...REACHABLE, kind: 'company' } },
      settings,
    );
    expect(r.channels.map((c) => c.channel)).toEqual(['email']);
    expect(r.excluded).toContainEqual({
      channel: 'phone',
      why: 'consent policy: no phone for company customers',
    });
    expect(r.excluded).toContainEqual({ channel: 'dm', why: 'no DM opt-in (dm_ok)' });
  });

  it('still blocks everything for do_not_contact whatever the policy', () => {
    expect(channelBlock('visit', { ...REACHABLE, doNotContact: true })).toBe('do_not_contact is set');
  });
});

/**
 * Channel costs and the consent policy as settings (the "Channels & consent" screen, stored as
 * versioned settings): per channel the cost of one approach in yen, the rep-minutes it takes, the
 * seed's reactivation rate, and per customer kind (company = B2B, person = B2C) the consent rule.
 * Validated with zod; every violation names its path. `channelSettingsFrom` turns a config into
 * the `ChannelSettings` that channel choice, expected value and the budget plan read.
 *
 * Consent rules, each against the customer's own flag for the channel (email_opt_in, sms_opt_in,
 * dm_ok, phone_ok; visits have no flag):
 * - `opt_in`: only with an explicit yes (flag = 1);
 * - `opt_out`: unless the customer said no (flag = 0); allowed when unknown;
 * - `never`: the channel is not used for that kind of customer.
 * do_not_contact always blocks every channel; an unsubscribed or bouncing address is never emailed.
 */
import { z } from 'zod';
import { CHANNELS, type Channel, type ChannelCost, SEED_CHANNEL_COSTS } from './defaults.js';
import type { ConfigViolation } from './scoringModel.js';

export const CONSENT_RULES = ['opt_in', 'opt_out', 'never'] as const;
export type ConsentRule = (typeof CONSENT_RULES)[number];
export const CUSTOMER_KINDS = ['company', 'person'] as const;
export type CustomerKind = (typeof CUSTOMER_KINDS)[number];

/** The consent rule of each channel for companies (B2B) and persons (B2C). */
export type ConsentPolicy = Record<Channel, Record<CustomerKind, ConsentRule>>;

/** The customer's flag each channel's rule reads (visits have none). */
export const CONSENT_FLAG: Record<Channel, string | null> = {
  email: 'email_opt_in',
  sms: 'sms_opt_in',
  dm: 'dm_ok',
  phone: 'phone_ok',
  visit: null,
};

/**
 * Defaults: email and SMS need an explicit opt-in for everyone (Japan's 特定電子メール法 makes
 * commercial email and SMS opt-in, B2B included); postal DM, phone and visits are allowed unless the
 * customer said no (dm_ok/phone_ok = 0) — a company can tighten any of them, e.g. phone calls to
 * persons only with phone_ok = 1.
 */
export const DEFAULT_CONSENT_POLICY: ConsentPolicy = {
  email: { company: 'opt_in', person: 'opt_in' },
  sms: { company: 'opt_in', person: 'opt_in' },
  dm: { company: 'opt_out', person: 'opt_out' },
  phone: { company: 'opt_out', person: 'opt_out' },
  visit: { company: 'opt_out', person: 'opt_out' },
};

const STRICTNESS: Record<ConsentRule, number> = { opt_out: 0, opt_in: 1, never: 2 };

/** The rule for one customer: by kind, or the stricter of the two when the kind is unknown. */
export function consentRuleFor(
  policy: ConsentPolicy,
  channel: Channel,
  kind: string | null | undefined,
): ConsentRule {
  const rules = policy[channel];
  if (kind === 'company' || kind === 'person') return rules[kind];
  return STRICTNESS[rules.company] >= STRICTNESS[rules.person] ? rules.company : rules.person;
}

const ConsentRuleSchema = z.enum(CONSENT_RULES, {
  error: () => `expected one of ${CONSENT_RULES.join(', ')}`,
});

const ChannelEntry = z
  .object({
    cost_yen: z
      .number({ error: 'expected a number of yen' })
      .int('expected whole yen')
      .min(0, 'a cost cannot be negative')
      .max(10_000_000, 'more than ¥10,000,000 per approach is surely a typo'),
    rep_minutes: z
      .number({ error: 'expected a number of minutes' })
      .min(0, 'rep time cannot be negative')
      .max(24 * 60, 'at most one day (1,440 minutes) per approach'),
    reactivation_rate: z
      .number({ error: 'expected a rate between 0 and 1' })
      .min(0, 'a rate is between 0 and 1')
      .max(1, 'a rate is between 0 and 1'),
    consent: z.object({ company: ConsentRuleSchema, person: ConsentRuleSchema }).strict(),
  })
  .strict();
export type ChannelEntry = z.infer<typeof ChannelEntry>;

export const ChannelConfig = z
  .object({
    channels: z
      .object({
        visit: ChannelEntry,
        phone: ChannelEntry,
        dm: ChannelEntry,
        email: ChannelEntry,
        sms: ChannelEntry,
      })
      .strict(),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const kind of CUSTOMER_KINDS) {
      if (config.channels.visit.consent[kind] === 'opt_in') {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', 'visit', 'consent', kind],
          message: 'visits have no consent column (there is no visit_ok): use opt_out or never',
        });
      }
    }
  });
export type ChannelConfig = z.infer<typeof ChannelConfig>;

/**
 * Default costs: seed 000's 「チャネル別分析例」 for phone ¥10,000, DM ¥5,000 and email ¥1,000; SMS
 * ¥300 is ours. A visit is ¥20,000 (ours, from the seed's own figures): the seed's ¥50,000 is a rep's
 * whole day (日当 ¥40,000 + 交通費・諸経費 ¥10,000), which its drop-in example spreads over 20 visits;
 * a planned 3-hour visit to a dormant account is 3/8 of the day rate (¥15,000) plus about half the
 * day's travel (¥5,000). See docs/diagnosis-and-scoring.md.
 */
export const DEFAULT_VISIT_COST_YEN = 20_000;

function entry(channel: Channel, costYen: number, repMinutes: number): ChannelEntry {
  return {
    cost_yen: costYen,
    rep_minutes: repMinutes,
    reactivation_rate: SEED_CHANNEL_COSTS[channel].reactivationRate,
    consent: { ...DEFAULT_CONSENT_POLICY[channel] },
  };
}

export const DEFAULT_CHANNEL_CONFIG: ChannelConfig = {
  channels: {
    visit: entry('visit', DEFAULT_VISIT_COST_YEN, 180),
    phone: entry('phone', SEED_CHANNEL_COSTS.phone.costYen, 30),
    dm: entry('dm', SEED_CHANNEL_COSTS.dm.costYen, 0),
    email: entry('email', SEED_CHANNEL_COSTS.email.costYen, 0),
    sms: entry('sms', SEED_CHANNEL_COSTS.sms.costYen, 0),
  },
};

/**
 * Validates channel settings (from the UI, the API or a stored version).
 *
 * @example parseChannelConfig({ channels: { ...DEFAULT_CHANNEL_CONFIG.channels,
 *   visit: { ...DEFAULT_CHANNEL_CONFIG.channels.visit, cost_yen: -1 } } })
 * // → { ok: false, violations: [{ path: 'channels.visit.cost_yen', message: 'a cost cannot be negative' }] }
 */
export function parseChannelConfig(
  value: unknown,
): { ok: true; config: ChannelConfig } | { ok: false; violations: ConfigViolation[] } {
  const parsed = ChannelConfig.safeParse(value);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    violations: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}

/** The costs (yen, rep-hours, rate) and consent policy of a channel config. */
export function channelCostsAndConsent(config: ChannelConfig): {
  costs: Record<Channel, ChannelCost>;
  consent: ConsentPolicy;
} {
  const costs = {} as Record<Channel, ChannelCost>;
  const consent = {} as ConsentPolicy;
  for (const channel of CHANNELS) {
    const c = config.channels[channel];
    costs[channel] = {
      costYen: c.cost_yen,
      repHours: Math.round((c.rep_minutes / 60) * 10_000) / 10_000,
      reactivationRate: c.reactivation_rate,
    };
    consent[channel] = { ...c.consent };
  }
  return { costs, consent };
}

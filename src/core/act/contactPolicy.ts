/**
 * Whether one message may go to one customer now (the dispatcher asks just before sending):
 * suppressed for good, deferred to the earliest instant it fits, or sent.
 *
 * In order:
 * 1. do_not_contact → suppress;
 * 2. the consent policy for the customer's kind (channelConfig.ts: opt_in needs the flag = 1,
 *    opt_out only refuses flag = 0, never refuses all) → suppress 'no_consent';
 * 3. an unsubscribed customer gets no email or SMS (both are 特定電子メール, and the unsubscribe link
 *    sits in both); a bouncing address gets no email → suppress;
 * 4. no address or number for the channel → suppress 'no_address';
 * 5. frequency caps per channel, counted in a sliding window of `per_days` days ending now, and a
 *    minimum gap between any two messages → defer until the earliest instant both hold;
 * 6. quiet hours (Asia/Tokyo; JST is UTC+9 all year, Japan has no daylight saving time) → defer to
 *    their end. A postal DM is paper, posted by a person or a print service: no quiet hours.
 *
 * Defaults (ours, not from the seed, which only warns against "too many emails in a short time"):
 * email at most 2 per 7 days, SMS 1 per 14, DM 1 per 30, nothing between 20:00 and 09:00 JST,
 * at least one day between any two messages whatever the channel.
 */
import { z } from 'zod';
import { CONSENT_FLAG, type ConsentPolicy, consentRuleFor } from '../prioritise/channelConfig.js';
import type { ConfigViolation } from '../prioritise/scoringModel.js';
import type { MessageChannel } from './journeyTypes.js';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

const Cap = z
  .object({
    max: z
      .number({ error: 'expected a number of messages' })
      .int('expected a whole number of messages')
      .min(1, 'at least 1 (to stop a channel, set its consent rule to never)')
      .max(100, 'at most 100 messages per window'),
    per_days: z
      .number({ error: 'expected a number of days' })
      .int('expected whole days')
      .min(1, 'a window of at least 1 day')
      .max(365, 'a window of at most 365 days'),
  })
  .strict();

const ClockTime = z
  .string({ error: "expected a time like '20:00'" })
  .regex(HHMM, "expected a time like '20:00'");

/** Contact limits, as settings. Quiet hours with start = end mean none. */
export const ContactRules = z
  .object({
    caps: z.object({ email: Cap, sms: Cap, dm: Cap }).strict(),
    quiet_hours: z.object({ start: ClockTime, end: ClockTime }).strict(),
    min_gap_days_any_channel: z
      .number({ error: 'expected a number of days' })
      .min(0, 'a gap cannot be negative')
      .max(90, 'at most 90 days'),
  })
  .strict();
export type ContactRules = z.infer<typeof ContactRules>;

export const DEFAULT_CONTACT_RULES: ContactRules = {
  caps: {
    email: { max: 2, per_days: 7 },
    sms: { max: 1, per_days: 14 },
    dm: { max: 1, per_days: 30 },
  },
  quiet_hours: { start: '20:00', end: '09:00' },
  min_gap_days_any_channel: 1,
};

/**
 * Validates contact rules (from the UI, the API or a stored version); every violation names its path.
 *
 * @example validateContactRules({ ...DEFAULT_CONTACT_RULES, quiet_hours: { start: '8pm', end: '09:00' } })
 * // → { ok: false, violations: [{ path: 'quiet_hours.start', message: "expected a time like '20:00'" }] }
 */
export function validateContactRules(
  value: unknown,
): { ok: true; rules: ContactRules } | { ok: false; violations: ConfigViolation[] } {
  const parsed = ContactRules.safeParse(value);
  if (parsed.success) return { ok: true, rules: parsed.data };
  return {
    ok: false,
    violations: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}

/** A stored yes/no: 1/true yes, 0/false no, null/undefined not recorded. */
type Flag = boolean | number | null | undefined;

export interface ContactCustomer {
  kind: string | null;
  email_opt_in: Flag;
  sms_opt_in: Flag;
  dm_ok: Flag;
  do_not_contact: Flag;
  /** The message has somewhere to go (an email address, a mobile number, a postal address). */
  has_address: boolean;
  unsubscribed: Flag;
  /** The email address bounces. */
  bounced: Flag;
}

export interface ContactRequest {
  channel: MessageChannel;
  customer: ContactCustomer;
  consent: ConsentPolicy;
  rules: ContactRules;
  /** Messages already sent to this customer (any channel), ISO instants. */
  recentSends: { channel: MessageChannel; at: string }[];
  now: Date;
}

export type SuppressReason = 'do_not_contact' | 'no_consent' | 'unsubscribed' | 'bounced' | 'no_address';
export type DeferReason = 'frequency_cap' | 'min_gap' | 'quiet_hours';

export type ContactDecision =
  | { decision: 'send' }
  /** `reason` is the first limit that held the message back; `reasons` every one that applied. */
  | { decision: 'defer'; until: string; reason: DeferReason; reasons: DeferReason[] }
  | { decision: 'suppress'; reason: SuppressReason };

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Japan Standard Time is UTC+9 with no daylight saving time. */
const JST_OFFSET_MS = 9 * 60 * MINUTE_MS;

const yes = (flag: Flag) => flag === true || flag === 1;
const no = (flag: Flag) => flag === false || flag === 0;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** The end of the quiet hours `at` falls in, or null when it is outside them. */
export function quietHoursEnd(at: Date, quiet: ContactRules['quiet_hours']): Date | null {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = at.getTime() + JST_OFFSET_MS;
  const minute = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
  const isQuiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!isQuiet) return null;
  const localMidnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  let endLocal = localMidnight + end * MINUTE_MS;
  if (endLocal <= local) endLocal += DAY_MS;
  return new Date(endLocal - JST_OFFSET_MS);
}

function consentBlocks(channel: MessageChannel, customer: ContactCustomer, consent: ConsentPolicy): boolean {
  const rule = consentRuleFor(consent, channel, customer.kind);
  if (rule === 'never') return true;
  const column = CONSENT_FLAG[channel] as 'email_opt_in' | 'sms_opt_in' | 'dm_ok';
  const flag = customer[column];
  return rule === 'opt_in' ? !yes(flag) : no(flag);
}

/**
 * Send now, later, or never.
 *
 * @example decideContact({ channel: 'email', customer: { kind: 'company', email_opt_in: 1, sms_opt_in: null,
 *   dm_ok: null, do_not_contact: 0, has_address: true, unsubscribed: 0, bounced: 0 },
 *   consent: DEFAULT_CONSENT_POLICY, rules: DEFAULT_CONTACT_RULES, recentSends: [],
 *   now: new Date('2026-03-05T12:30:00Z') })  // 21:30 JST
 * // → { decision: 'defer', until: '2026-03-06T00:00:00.000Z', reason: 'quiet_hours', reasons: ['quiet_hours'] }
 */
export function decideContact(request: ContactRequest): ContactDecision {
  const { channel, customer, consent, rules, recentSends, now } = request;
  if (yes(customer.do_not_contact)) return { decision: 'suppress', reason: 'do_not_contact' };
  if (consentBlocks(channel, customer, consent)) return { decision: 'suppress', reason: 'no_consent' };
  if ((channel === 'email' || channel === 'sms') && yes(customer.unsubscribed)) {
    return { decision: 'suppress', reason: 'unsubscribed' };
  }
  if (channel === 'email' && yes(customer.bounced)) return { decision: 'suppress', reason: 'bounced' };
  if (!customer.has_address) return { decision: 'suppress', reason: 'no_address' };

  const nowMs = now.getTime();
  const sends = recentSends
    .map((s) => ({ channel: s.channel, atMs: Date.parse(s.at) }))
    .filter((s) => Number.isFinite(s.atMs));
  const reasons: DeferReason[] = [];
  let earliest = nowMs;

  // Sliding window (T − per_days, T]: the send may go at T once fewer than `max` sends of the
  // channel lie in it, i.e. once the (k − max + 1)-th oldest of the k sends in today's window left it.
  const cap = rules.caps[channel];
  const windowMs = cap.per_days * DAY_MS;
  const inWindow = sends
    .filter((s) => s.channel === channel && s.atMs > nowMs - windowMs)
    .map((s) => s.atMs)
    .sort((a, b) => a - b);
  if (inWindow.length >= cap.max) {
    const leaving = inWindow[inWindow.length - cap.max] as number;
    earliest = Math.max(earliest, leaving + windowMs);
    reasons.push('frequency_cap');
  }

  if (rules.min_gap_days_any_channel > 0 && sends.length > 0) {
    const lastMs = sends.reduce((latest, s) => Math.max(latest, s.atMs), Number.NEGATIVE_INFINITY);
    const gapEnd = lastMs + rules.min_gap_days_any_channel * DAY_MS;
    if (gapEnd > nowMs) {
      earliest = Math.max(earliest, gapEnd);
      reasons.push('min_gap');
    }
  }

  if (channel !== 'dm') {
    const quietEnd = quietHoursEnd(new Date(earliest), rules.quiet_hours);
    if (quietEnd) {
      earliest = quietEnd.getTime();
      reasons.push('quiet_hours');
    }
  }

  if (earliest <= nowMs) return { decision: 'send' };
  return {
    decision: 'defer',
    until: new Date(earliest).toISOString(),
    reason: reasons[0] as DeferReason,
    reasons,
  };
}

/**
 * Which channels to approach a dormant customer through, in which order (SPEC "Act": channel
 * choice follows the rank × channel and reason × channel matrices by default).
 *
 * 1. Reachability and consent decide what is allowed at all: do_not_contact blocks every channel;
 *    each channel needs an address or number and passes the consent policy (channelConfig.ts) for
 *    the customer's kind — by default email and SMS need an explicit opt-in (Japanese law on
 *    commercial email and SMS is opt-in), postal DM, phone and visits are allowed unless
 *    dm_ok/phone_ok say no; a bounced or unsubscribed email address is not used.
 * 2. With a reason known well enough (confidence ≥ minReasonConfidence), the reason's sequence sets
 *    the order (seed: price → email, DM, phone; environment → visit, phone, email…), minus the
 *    channels the rank matrix marks unsuitable (×) for the customer's rank.
 * 3. Otherwise, or when nothing of the sequence is allowed, the rank matrix orders the channels
 *    (◎ before ○, cheaper first on a tie), keeping ◎ and ○ (△ only when nothing better is allowed).
 */
import type { ReasonCategory } from '../diagnose/index.js';
import {
  CHANNELS,
  type Channel,
  type ChannelCost,
  RANK_CHANNEL_MATRIX,
  type Rank,
  REASON_CHANNEL_SEQUENCES,
  SUITABILITY_SCORE,
  type Suitability,
} from './defaults.js';
import {
  type ConsentPolicy,
  channelCostsAndConsent,
  consentRuleFor,
  DEFAULT_CHANNEL_CONFIG,
} from './channelConfig.js';
import { expectedValue } from './expectedValue.js';

export interface ChannelSettings {
  costs: Record<Channel, ChannelCost>;
  rankMatrix: Record<Rank, Record<Channel, Suitability>>;
  reasonSequences: Record<ReasonCategory, readonly Channel[]>;
  minReasonConfidence: number;
  maxChannels: number;
  /** Which channels need which consent, for companies and persons. */
  consent: ConsentPolicy;
}

export const DEFAULT_CHANNEL_SETTINGS: ChannelSettings = {
  ...channelCostsAndConsent(DEFAULT_CHANNEL_CONFIG),
  rankMatrix: RANK_CHANNEL_MATRIX,
  reasonSequences: REASON_CHANNEL_SEQUENCES,
  minReasonConfidence: 0.3,
  maxChannels: 3,
};

export interface Reachability {
  email?: string | null;
  phone?: string | null;
  postalCode?: string | null;
  address?: string | null;
  emailOptIn?: boolean | null;
  smsOptIn?: boolean | null;
  dmOk?: boolean | null;
  phoneOk?: boolean | null;
  doNotContact?: boolean | null;
  isEmailBouncing?: boolean;
  isUnsubscribed?: boolean;
  /** 'company' (B2B) or 'person' (B2C): the consent policy can differ; unknown takes the stricter rule. */
  kind?: string | null;
}

export interface RecommendedChannel {
  channel: Channel;
  costYen: number;
  repHours: number;
  suitability: Suitability | null;
  reasons: string[];
}

export interface ChannelRecommendation {
  channels: RecommendedChannel[];
  excluded: { channel: Channel; why: string }[];
  basis: 'reason' | 'rank' | 'none';
  costYen: number;
  repHours: number;
}

const SYMBOL: Record<Suitability, string> = { best: '◎', suitable: '○', conditional: '△', unsuitable: '×' };

const present = (v: string | null | undefined) => typeof v === 'string' && v.trim() !== '';

const CHANNEL_LABEL: Record<Channel, string> = {
  email: 'email',
  sms: 'SMS',
  dm: 'DM',
  phone: 'phone',
  visit: 'visit',
};

/** The customer's consent flag for a channel (null: not recorded; visits have none). */
function consentFlag(channel: Channel, reach: Reachability): { flag: boolean | null; column: string | null } {
  switch (channel) {
    case 'email':
      return { flag: reach.emailOptIn ?? null, column: 'email_opt_in' };
    case 'sms':
      return { flag: reach.smsOptIn ?? null, column: 'sms_opt_in' };
    case 'dm':
      return { flag: reach.dmOk ?? null, column: 'dm_ok' };
    case 'phone':
      return { flag: reach.phoneOk ?? null, column: 'phone_ok' };
    case 'visit':
      return { flag: null, column: null };
  }
}

function consentBlock(channel: Channel, reach: Reachability, policy: ConsentPolicy): string | null {
  const rule = consentRuleFor(policy, channel, reach.kind);
  const who = reach.kind === 'company' || reach.kind === 'person' ? `${reach.kind} customers` : 'customers';
  if (rule === 'never') return `consent policy: no ${channel} for ${who}`;
  const { flag, column } = consentFlag(channel, reach);
  if (column === null) return null;
  if (rule === 'opt_in' && flag !== true) return `no ${CHANNEL_LABEL[channel]} opt-in (${column})`;
  if (rule === 'opt_out' && flag === false) return `${column} is 0`;
  return null;
}

/** Why a channel cannot be used for this customer, or null when it can. */
export function channelBlock(
  channel: Channel,
  reach: Reachability,
  policy: ConsentPolicy = DEFAULT_CHANNEL_SETTINGS.consent,
): string | null {
  if (reach.doNotContact) return 'do_not_contact is set';
  switch (channel) {
    case 'email':
      if (!present(reach.email)) return 'no email address';
      if (reach.isUnsubscribed) return 'unsubscribed';
      if (reach.isEmailBouncing) return 'email address bounces';
      break;
    case 'sms':
    case 'phone':
      if (!present(reach.phone)) return 'no phone number';
      break;
    case 'dm':
      if (!present(reach.address) && !present(reach.postalCode)) return 'no postal address';
      break;
    case 'visit':
      if (!present(reach.address)) return 'no street address to visit';
      break;
  }
  return consentBlock(channel, reach, policy);
}

/**
 * The ordered channels for one customer, each with its cost and why it was chosen, and the
 * channels left out with the reason.
 *
 * @example
 * recommendChannels({ rank: 'C', reason: { category: 'price', confidence: 0.6 },
 *   reach: { email: 'a@b.jp', emailOptIn: true, address: '東京都…', phone: '03-…' } }).channels.map((c) => c.channel)
 * // ['email', 'dm', 'phone']
 */
export function recommendChannels(
  input: {
    rank: Rank | null;
    reason: { category: ReasonCategory; confidence: number } | null;
    reach: Reachability;
  },
  settings: ChannelSettings = DEFAULT_CHANNEL_SETTINGS,
): ChannelRecommendation {
  const excluded: ChannelRecommendation['excluded'] = [];
  const allowed = new Set<Channel>();
  for (const channel of CHANNELS) {
    const why = channelBlock(channel, input.reach, settings.consent);
    if (why === null) allowed.add(channel);
    else excluded.push({ channel, why });
  }
  const suitability = (c: Channel): Suitability | null =>
    input.rank === null ? null : settings.rankMatrix[input.rank][c];
  const score = (c: Channel) => {
    const s = suitability(c);
    return s === null ? SUITABILITY_SCORE.suitable : SUITABILITY_SCORE[s];
  };
  const rankNote = (c: Channel) => {
    const s = suitability(c);
    return s === null ? 'no rank yet' : `rank ${input.rank}: ${SYMBOL[s]} ${s}`;
  };

  let basis: ChannelRecommendation['basis'] = 'none';
  let chosen: { channel: Channel; note: string }[] = [];
  const reason = input.reason;
  if (reason !== null && reason.confidence >= settings.minReasonConfidence) {
    const sequence = settings.reasonSequences[reason.category];
    const path = sequence.join(' → ');
    for (const channel of sequence) {
      if (!allowed.has(channel)) continue;
      if (score(channel) === 0) {
        excluded.push({ channel, why: `${rankNote(channel)} in the rank × channel matrix` });
        continue;
      }
      chosen.push({ channel, note: `${reason.category} reason: ${path}` });
    }
    if (chosen.length > 0) basis = 'reason';
  }
  if (chosen.length === 0) {
    const ranked = [...allowed]
      .filter((c) => score(c) > 0)
      .sort((a, b) => score(b) - score(a) || settings.costs[a].costYen - settings.costs[b].costYen);
    const good = ranked.filter((c) => score(c) >= SUITABILITY_SCORE.suitable);
    chosen = (good.length > 0 ? good : ranked).map((channel) => ({
      channel,
      note: 'ordered by the rank × channel matrix',
    }));
    if (chosen.length > 0) basis = 'rank';
  }
  const channels = chosen.slice(0, settings.maxChannels).map(({ channel, note }) => ({
    channel,
    costYen: settings.costs[channel].costYen,
    repHours: settings.costs[channel].repHours,
    suitability: suitability(channel),
    reasons: [note, rankNote(channel)],
  }));
  return {
    channels,
    excluded,
    basis,
    costYen: channels.reduce((s, c) => s + c.costYen, 0),
    repHours: channels.reduce((s, c) => s + c.repHours, 0),
  };
}

export interface ApproachOption {
  /** The channels joined by '+', e.g. 'phone+email'. */
  id: string;
  channels: Channel[];
  costYen: number;
  repHours: number;
  probability: number;
  expectedValueYen: number;
}

/**
 * The approaches the budget planner can choose from for one customer: the first one, two, …
 * channels of the recommendation. `probability` is the customer's reactivation probability for the
 * full sequence; a shorter prefix keeps the share its channels would reach on their own, using the
 * seed's per-channel reactivation rates combined as independent tries (1 − Π(1 − rate)).
 * Options whose expected value is not positive are left out (approaching nobody is always an option).
 *
 * @example approachOptions(recommendation, 0.25, 400_000).map((o) => o.id) // ['email', 'email+dm', 'email+dm+phone']
 */
export function approachOptions(
  recommendation: ChannelRecommendation,
  probability: number,
  yearlyGrossProfitYen: number,
  settings: ChannelSettings = DEFAULT_CHANNEL_SETTINGS,
): ApproachOption[] {
  const reach = (channels: readonly Channel[]) =>
    1 - channels.reduce((miss, c) => miss * (1 - settings.costs[c].reactivationRate), 1);
  const all = recommendation.channels.map((c) => c.channel);
  const full = reach(all);
  const options: ApproachOption[] = [];
  for (let k = 1; k <= all.length; k++) {
    const channels = all.slice(0, k);
    const costYen = channels.reduce((s, c) => s + settings.costs[c].costYen, 0);
    const repHours = channels.reduce((s, c) => s + settings.costs[c].repHours, 0);
    const p = full > 0 ? (probability * reach(channels)) / full : 0;
    const ev = expectedValue({
      probability: p,
      yearlyGrossProfitYen,
      approachCostYen: costYen,
    }).expectedValueYen;
    if (ev > 0)
      options.push({
        id: channels.join('+'),
        channels,
        costYen,
        repHours,
        probability: p,
        expectedValueYen: ev,
      });
  }
  return options;
}

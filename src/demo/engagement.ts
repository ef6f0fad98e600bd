/**
 * The engagement events of one demo customer: newsletters and their opens, clicks and bounces,
 * unsubscribes, DMs and SMS, web visits (some to /pricing), inquiries and support tickets
 * with written texts, rep calls and visits, survey answers, and the monthly logins and usage
 * of the subscription line — shaped by the customer's planted role.
 */
import type { CustomerDraft, DemoContext } from './customerHistory.js';
import { isoDay } from './japan.js';
import type { Rng } from './random.js';
import { neutralText, REP_NOTES, reasonText, type TextContext, type TextReason } from './texts.js';

export interface EventDraft {
  day: number;
  /** Seconds after midnight UTC (business hours in Japan are 00:00–09:00 UTC, same date). */
  second: number;
  type: string;
  channel: string | null;
  campaign: string | null;
  url: string | null;
  text: string | null;
  value: number | null;
  properties: string | null;
}

const NEWSLETTER_SECOND = 3600; // 10:00 JST
const SURVEY_CHOICE: Record<TextReason, string> = {
  product: '製品・サービスに不満',
  price: '価格',
  environment: '社内の体制変更',
  competitor: '他社に切り替えた',
  need_gone: '必要がなくなった',
  staff: '担当者・窓口の対応',
  over_contact: '連絡が多すぎる',
  other: 'その他',
};

export function draftEvents(ctx: DemoContext, d: CustomerDraft): EventDraft[] {
  const { timeline, profile } = ctx;
  const { rng, role } = d;
  const asOf = timeline.asOfDay;
  const isB2b = profile.kind === 'b2b';
  const events: EventDraft[] = [];
  const start = Math.max(d.createdDay, timeline.historyStartDay);
  const businessSecond = () => rng.int(0, (isB2b ? 9 : 14) * 3600 - 1);
  const push = (day: number, type: string, fields: Partial<Omit<EventDraft, 'day' | 'type'>> = {}): void => {
    if (day > asOf || day < timeline.historyStartDay) return;
    events.push({
      day,
      second: fields.second ?? businessSecond(),
      type,
      channel: fields.channel ?? null,
      campaign: fields.campaign ?? null,
      url: fields.url ?? null,
      text: fields.text ?? null,
      value: fields.value ?? null,
      properties: fields.properties ?? null,
    });
  };
  const quiet = (day: number) =>
    d.quietOn !== null && day > d.quietOn && (d.comebackDay === null || day < d.comebackDay);
  const lastPurchase = d.purchases[d.purchases.length - 1]?.day ?? null;
  const engagementAt = (day: number) => {
    if (role.reason === 'forgotten') return 0;
    if (quiet(day)) return d.engagement * 0.1;
    if (role.archetype === 'at_risk' && day > asOf - 240) return d.engagement * 0.25;
    if (role.archetype === 'never_purchased' && day > d.createdDay + 180) return d.engagement * 0.3;
    return d.engagement;
  };
  const firstProduct = d.purchases.find((x) => x.product)?.product ?? null;
  const mainCategory = d.categories[0] ?? profile.categories[0] ?? '';
  const issue = d.productIssue;
  const textCtx: TextContext = {
    product:
      issue?.product ??
      firstProduct?.name ??
      ctx.productsByCategory.get(mainCategory)?.products[0]?.name ??
      '',
    category: issue?.category ?? d.priceChange?.category ?? mainCategory,
    service: profile.subscriptionName,
    isB2b,
  };

  // Newsletters (and the bounce when the contact's address died).
  const mailable = !d.doNotContact && (d.emailOptIn || d.unsubscribedDay !== null);
  if (mailable) {
    for (let i = 0; i < timeline.newsletterDays.length; i++) {
      const day = timeline.newsletterDays[i] as number;
      if (day < d.createdDay) continue;
      if (d.unsubscribedDay !== null && day >= d.unsubscribedDay) break;
      const campaign = timeline.newsletterCampaigns[i] ?? null;
      push(day, 'email_sent', { channel: 'email', campaign, second: NEWSLETTER_SECOND });
      if (d.contactLeftDay !== null && day > d.contactLeftDay) {
        push(day, 'email_bounce', { channel: 'email', campaign, second: NEWSLETTER_SECOND + 60 });
        break;
      }
      const p = engagementAt(day);
      if (rng.chance(p * 0.9)) {
        const openSecond = NEWSLETTER_SECOND + rng.int(60, 7 * 3600);
        push(day, 'email_open', { channel: 'email', campaign, second: openSecond });
        if (rng.chance(0.3)) {
          push(day, 'email_click', { channel: 'email', campaign, second: openSecond + 30 });
          push(day, 'web_visit', {
            channel: 'web',
            campaign,
            url: `/news/${campaign}`,
            second: openSecond + 40,
          });
        }
      }
    }
  }

  // Too much marketing: a burst of promotions, then the unsubscribe.
  if (role.reason === 'over_contact' && d.unsubscribedDay !== null && d.quietOn !== null) {
    for (let day = d.quietOn - 60; day < d.unsubscribedDay; day += rng.int(2, 5)) {
      const campaign = `promo-${isoDay(day)}`;
      push(day, 'email_sent', { channel: 'email', campaign });
      if (!isB2b && d.smsOptIn && rng.chance(0.4)) push(day, 'sms_sent', { channel: 'sms', campaign });
    }
    const english = d.identity.isEnglish;
    push(d.unsubscribedDay, 'unsubscribe', {
      channel: 'email',
      text: rng.chance(0.75) ? reasonText(rng, 'over_contact', textCtx, { english }) : null,
    });
  } else if (d.unsubscribedDay !== null) {
    push(d.unsubscribedDay, 'unsubscribe', { channel: 'email' });
  }

  // Postal DM (June and December) and, for the shop, SMS campaigns.
  if (d.dmOk && !d.doNotContact) {
    timeline.dmDays.forEach((day, k) => {
      if (day >= d.createdDay && day >= asOf - 2 * 365) {
        push(day, 'dm_sent', { channel: 'dm', campaign: timeline.dmCampaigns[k] ?? null });
      }
    });
  }
  if (!isB2b && d.smsOptIn && !d.doNotContact) {
    timeline.newsletterDays.forEach((day, i) => {
      if (i % 3 !== 1 || day < d.createdDay) return;
      const campaign = `sms-${(timeline.newsletterCampaigns[i] ?? '').slice(-7)}`;
      push(day, 'sms_sent', { channel: 'sms', campaign, second: 10 * 3600 });
      if (rng.chance(engagementAt(day) * 0.3))
        push(day, 'sms_click', { channel: 'sms', campaign, second: 10 * 3600 + 900 });
    });
  }

  // Organic web visits and everyday inquiries while engaged.
  const engagedUntil =
    d.quietOn ?? (role.archetype === 'never_purchased' ? Math.min(asOf, d.createdDay + 400) : asOf);
  const engagedDays = Math.max(0, engagedUntil - start);
  if (role.reason !== 'forgotten') {
    const visits = rng.poisson((engagedDays / 60) * d.engagement * 0.8);
    for (let i = 0; i < visits; i++) {
      const day = rng.int(start, Math.max(start, engagedUntil));
      push(day, 'web_visit', { channel: 'web', url: randomUrl(ctx, rng) });
    }
    const inquiries = rng.poisson((engagedDays / 365) * (isB2b ? 0.5 : 0.2));
    for (let i = 0; i < inquiries; i++) {
      const day = rng.int(start, Math.max(start, engagedUntil));
      push(day, rng.chance(0.6) ? 'inquiry' : 'support_ticket', {
        channel: rng.choice(['web_form', 'email', 'phone']),
        text: neutralText(rng, textCtx, d.identity.isEnglish),
      });
    }
  }
  if (d.comebackDay !== null) {
    const visits = rng.poisson(((asOf - d.comebackDay) / 60) * d.engagement * 0.8);
    for (let i = 0; i < visits; i++)
      push(rng.int(d.comebackDay, asOf), 'web_visit', { channel: 'web', url: randomUrl(ctx, rng) });
  }

  // Sales reps call and visit their accounts (B2B).
  if (isB2b && d.identity.owner && lastPurchase !== null && role.reason !== 'forgotten') {
    const calls = rng.poisson((engagedDays / 365) * 0.6);
    for (let i = 0; i < calls; i++) {
      const day = rng.int(start, Math.max(start, engagedUntil));
      const visit = rng.chance(0.4);
      push(day, visit ? 'visit' : 'call', {
        channel: visit ? 'visit' : 'phone',
        text: rng.choice(REP_NOTES),
        properties: JSON.stringify({ rep: d.identity.owner }),
      });
    }
  }

  plantEvidence(ctx, d, textCtx, push);
  subscriptionUsage(ctx, d, push);

  // A dormant account looking at prices: three /pricing visits in the last week.
  if (role.archetype === 'dormant' && role.reason !== 'forgotten' && rng.chance(0.12)) {
    for (let i = 0; i < 3; i++) push(asOf - rng.int(0, 6), 'web_visit', { channel: 'web', url: '/pricing' });
    d.signals.push('pricing_intent');
  }

  events.sort((a, b) => a.day - b.day || a.second - b.second);
  return events;
}

type Push = (day: number, type: string, fields?: Partial<Omit<EventDraft, 'day' | 'type'>>) => void;

/** The written evidence behind a planted reason, dated around the moment the customer went quiet. */
function plantEvidence(ctx: DemoContext, d: CustomerDraft, textCtx: TextContext, push: Push): void {
  const { rng, role } = d;
  const reason = role.reason;
  const quietOn = d.quietOn;
  if (!reason || reason === 'forgotten' || quietOn === null) return;
  const asOf = ctx.timeline.asOfDay;
  const english = d.identity.isEnglish;
  const write = (type: string, from: number, to: number, r: TextReason = reason as TextReason) => {
    const day = rng.int(Math.min(from, to), Math.max(from, to));
    push(day, type, {
      channel: rng.choice(['web_form', 'email', 'phone']),
      text: reasonText(rng, r, textCtx, { topic: d.productIssue?.topic ?? 'quality', english }),
    });
  };
  switch (reason) {
    case 'product': {
      const from = Math.max(d.productIssue?.startDay ?? quietOn - 120, quietOn - 120);
      for (let i = rng.int(1, 2); i > 0; i--) write('support_ticket', from, quietOn + 20);
      break;
    }
    case 'price': {
      const from = d.priceChange ? d.priceChange.day - 10 : quietOn - 60;
      if (rng.chance(0.75)) write('inquiry', from, quietOn + 30);
      break;
    }
    case 'environment':
      if (rng.chance(0.5))
        write('inquiry', (d.contactLeftDay ?? quietOn) - 10, (d.contactLeftDay ?? quietOn) + 20);
      break;
    case 'competitor':
      for (let i = rng.int(1, 2); i > 0; i--) write('inquiry', quietOn - 120, quietOn + 40);
      push(quietOn - rng.int(5, 60), 'web_visit', { channel: 'web', url: '/pricing' });
      break;
    case 'need_gone':
      if (rng.chance(0.85)) write('inquiry', quietOn - 30, quietOn + 45);
      break;
    case 'staff': {
      const from = Math.max(ctx.timeline.staffChange.day, quietOn - 90);
      for (let i = rng.int(1, 2); i > 0; i--) write('support_ticket', from, quietOn + 30);
      break;
    }
    case 'other':
      write('inquiry', quietOn - 30, quietOn + 30);
      break;
    default:
      break;
  }
  // Some quiet customers answered the "why did you stop?" survey.
  if (role.archetype === 'dormant' && reason !== 'over_contact' && rng.chance(0.2) && asOf - quietOn > 90) {
    const r = reason as TextReason;
    push(rng.int(quietOn + 60, asOf - 3), 'survey_response', {
      channel: 'email',
      campaign: 'survey-休眠理由',
      text: reasonText(rng, r, textCtx, { topic: d.productIssue?.topic ?? 'quality', english }),
      properties: JSON.stringify({ question: 'ご利用が減った理由', choice: SURVEY_CHOICE[r] }),
    });
  }
  // The win-back touch that preceded a comeback.
  if (d.comebackDay !== null) {
    const day = d.comebackDay - rng.int(3, 20);
    if (d.identity.owner && rng.chance(0.6)) {
      push(day, 'call', {
        channel: 'phone',
        text: '休眠フォローの電話。近況を伺い、再発注の相談をいただいた。',
        properties: JSON.stringify({ rep: d.identity.owner }),
      });
    } else {
      push(day, 'email_sent', { channel: 'email', campaign: 'winback' });
      push(day, 'email_click', { channel: 'email', campaign: 'winback' });
    }
  }
}

/** Monthly logins and usage of the SaaS line; falling before a cancellation or at risk. */
function subscriptionUsage(ctx: DemoContext, d: CustomerDraft, push: Push): void {
  const sub = d.subscription;
  if (!sub || ctx.profile.kind !== 'b2b') return;
  const { rng } = d;
  const asOf = ctx.timeline.asOfDay;
  const end = Math.min(sub.endDay ?? asOf, asOf);
  const base = 20 + sub.mrrYen / 1000;
  for (let day = Math.max(sub.startDay, ctx.timeline.historyStartDay); day <= end; day += 30) {
    let factor = 1;
    const decline = sub.declineFromDay;
    if (decline !== null) {
      const rampStart = decline - 150;
      if (day >= decline) factor = 0.12;
      else if (day > rampStart) factor = 1 - (0.85 * (day - rampStart)) / 150;
    }
    const usage = rng.poisson(base * factor);
    const monthEnd = Math.min(end, day + 29);
    if (usage > 0) {
      push(rng.int(day, monthEnd), 'login', { channel: 'app', value: Math.max(1, Math.round(usage / 6)) });
    }
    push(monthEnd, 'usage', { channel: 'app', value: usage, second: 9 * 3600 - 1 });
  }
}

function randomUrl(ctx: DemoContext, rng: Rng): string {
  const x = rng.next();
  if (x < 0.25) return '/';
  if (x < 0.6) return `/products/${rng.choice(ctx.profile.products).sku.toLowerCase()}`;
  if (x < 0.72) return '/catalog';
  if (x < 0.8) return '/pricing';
  if (x < 0.9) return '/support/faq';
  return '/news';
}

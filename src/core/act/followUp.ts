/**
 * What happens after a call or visit: the outcome a rep logs decides whether another task
 * follows, of which kind and when. Business days skip Saturdays, Sundays, the year-end break
 * most Japanese offices close for (12/29–1/3) and any extra holidays passed in.
 */
import { dayNumber, isIsoDay, isoDay } from '../detect/isoDays.js';

export const TASK_KINDS = ['call', 'visit'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_OUTCOMES = [
  'connected',
  'no_answer',
  'callback_requested',
  'appointment',
  'visited',
  'not_interested',
  'won_back',
  'wrong_contact',
  'do_not_contact',
] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** The rule for one outcome: no follow-up, or one of a kind after some business days or on a day the rep names. */
export type FollowUpRule =
  | { kind: 'none' }
  | { kind: TaskKind; after: { businessDays: number } }
  | { kind: TaskKind; on: 'chosen_day'; fallbackBusinessDays: number };

/**
 * Ours (the seed gives no figures): try an unanswered call again in 3 business days; a customer
 * who asks to be called back or books a meeting gets the day they asked for (a week when none
 * was given); a conversation without a decision is followed up in two weeks; a visit gets a
 * thank-you call after 2 business days; a wrong number gets one more call to find the right
 * person. No follow-up for a customer who said no, asked not to be contacted, or came back.
 */
export const FOLLOW_UP_RULES: Record<TaskOutcome, FollowUpRule> = {
  connected: { kind: 'call', after: { businessDays: 10 } },
  no_answer: { kind: 'call', after: { businessDays: 3 } },
  callback_requested: { kind: 'call', on: 'chosen_day', fallbackBusinessDays: 5 },
  appointment: { kind: 'visit', on: 'chosen_day', fallbackBusinessDays: 5 },
  visited: { kind: 'call', after: { businessDays: 2 } },
  not_interested: { kind: 'none' },
  won_back: { kind: 'none' },
  wrong_contact: { kind: 'call', after: { businessDays: 1 } },
  do_not_contact: { kind: 'none' },
};

export interface FollowUpOptions {
  /** Extra non-working days ('YYYY-MM-DD'), e.g. national holidays or the company's own. */
  holidays?: ReadonlySet<string>;
}

/** 0 Sunday … 6 Saturday (1970-01-01 was a Thursday). */
export function weekday(day: string): number {
  return (((dayNumber(day) + 4) % 7) + 7) % 7;
}

export function isBusinessDay(day: string, options: FollowUpOptions = {}): boolean {
  const w = weekday(day);
  if (w === 0 || w === 6) return false;
  const monthDay = day.slice(5);
  if (monthDay >= '12-29' || monthDay <= '01-03') return false;
  return !options.holidays?.has(day);
}

/**
 * The day `count` business days after `day` (count 0: `day` itself when it is a business day,
 * else the next one).
 *
 * @example addBusinessDays('2026-11-20', 3) // '2026-11-25' (Friday → the next Wednesday)
 */
export function addBusinessDays(day: string, count: number, options: FollowUpOptions = {}): string {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`business days must be a whole number ≥ 0, got ${count}`);
  let n = dayNumber(day);
  let left = count;
  if (left === 0) {
    while (!isBusinessDay(isoDay(n), options)) n++;
    return isoDay(n);
  }
  while (left > 0) {
    n++;
    if (isBusinessDay(isoDay(n), options)) left--;
  }
  return isoDay(n);
}

export interface FollowUp {
  kind: TaskKind;
  dueOn: string;
  /** Why this follow-up and this day, for the task list and the audit log. */
  basis: 'rule' | 'chosen_day' | 'fallback';
}

export type FollowUpDecision =
  | { ok: true; followUp: FollowUp | null }
  | { ok: false; field: string; message: string };

/**
 * The follow-up task an outcome calls for, logged on `today`. A day the rep chose wins over the
 * rule's default (it must be today or later); for an outcome without a rule, a chosen day
 * schedules one more task of the same kind as the one just done.
 *
 * @example decideFollowUp({ outcome: 'no_answer', taskKind: 'call', today: '2026-11-20' })
 * // → { ok: true, followUp: { kind: 'call', dueOn: '2026-11-25', basis: 'rule' } }
 */
export function decideFollowUp(input: {
  outcome: TaskOutcome;
  taskKind: TaskKind;
  today: string;
  chosenDay?: string | null;
  options?: FollowUpOptions;
}): FollowUpDecision {
  const { outcome, taskKind, today, chosenDay, options = {} } = input;
  if (chosenDay !== undefined && chosenDay !== null) {
    if (!isIsoDay(chosenDay)) {
      return {
        ok: false,
        field: 'follow_up_on',
        message: `expected a day like 2026-12-01, got '${chosenDay}'`,
      };
    }
    if (chosenDay < today) {
      return {
        ok: false,
        field: 'follow_up_on',
        message: `the follow-up day ${chosenDay} is before today (${today})`,
      };
    }
  }
  const rule = FOLLOW_UP_RULES[outcome];
  if (rule.kind === 'none') {
    if (!chosenDay || outcome === 'do_not_contact') return { ok: true, followUp: null };
    return { ok: true, followUp: { kind: taskKind, dueOn: chosenDay, basis: 'chosen_day' } };
  }
  if (chosenDay) return { ok: true, followUp: { kind: rule.kind, dueOn: chosenDay, basis: 'chosen_day' } };
  if ('after' in rule) {
    return {
      ok: true,
      followUp: {
        kind: rule.kind,
        dueOn: addBusinessDays(today, rule.after.businessDays, options),
        basis: 'rule',
      },
    };
  }
  return {
    ok: true,
    followUp: {
      kind: rule.kind,
      dueOn: addBusinessDays(today, rule.fallbackBusinessDays, options),
      basis: 'fallback',
    },
  };
}

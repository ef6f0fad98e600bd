import { describe, expect, it } from 'vitest';
import { addBusinessDays, decideFollowUp, isBusinessDay, TASK_OUTCOMES, weekday } from './followUp.js';

describe('business days', () => {
  it('knows the weekday of a day', () => {
    expect(weekday('2026-11-22')).toBe(0); // Sunday
    expect(weekday('2026-11-20')).toBe(5); // Friday
    expect(weekday('1970-01-01')).toBe(4);
  });

  it('skips the weekend when counting from a Friday', () => {
    expect(addBusinessDays('2026-11-20', 3)).toBe('2026-11-25');
    expect(addBusinessDays('2026-11-20', 1)).toBe('2026-11-23');
  });

  it('moves a weekend day to Monday when counting zero days', () => {
    expect(addBusinessDays('2026-11-21', 0)).toBe('2026-11-23');
    expect(addBusinessDays('2026-11-23', 0)).toBe('2026-11-23');
  });

  it('skips the year-end break and extra holidays', () => {
    expect(isBusinessDay('2026-12-30')).toBe(false);
    expect(isBusinessDay('2027-01-04')).toBe(true);
    expect(addBusinessDays('2026-12-28', 1)).toBe('2027-01-04');
    expect(addBusinessDays('2026-11-20', 1, { holidays: new Set(['2026-11-23']) })).toBe('2026-11-24');
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addBusinessDays('2026-11-20', -1)).toThrow(/whole number/);
    expect(() => addBusinessDays('2026-11-20', 1.5)).toThrow(/whole number/);
  });
});

describe('decideFollowUp', () => {
  const today = '2026-11-20';

  it('calls again in three business days after no answer', () => {
    expect(decideFollowUp({ outcome: 'no_answer', taskKind: 'call', today })).toEqual({
      ok: true,
      followUp: { kind: 'call', dueOn: '2026-11-25', basis: 'rule' },
    });
  });

  it('turns an appointment into a visit on the agreed day', () => {
    expect(
      decideFollowUp({ outcome: 'appointment', taskKind: 'call', today, chosenDay: '2026-12-03' }),
    ).toEqual({
      ok: true,
      followUp: { kind: 'visit', dueOn: '2026-12-03', basis: 'chosen_day' },
    });
  });

  it('books an appointment visit a week out when no day was given', () => {
    const decision = decideFollowUp({ outcome: 'appointment', taskKind: 'call', today });
    expect(decision).toEqual({
      ok: true,
      followUp: { kind: 'visit', dueOn: '2026-11-27', basis: 'fallback' },
    });
  });

  it('schedules nothing after not interested, won back or do not contact', () => {
    for (const outcome of ['not_interested', 'won_back', 'do_not_contact'] as const) {
      expect(decideFollowUp({ outcome, taskKind: 'call', today })).toEqual({ ok: true, followUp: null });
    }
  });

  it('honours a chosen day after not interested, but never after do not contact', () => {
    expect(
      decideFollowUp({ outcome: 'not_interested', taskKind: 'visit', today, chosenDay: '2027-03-01' }),
    ).toEqual({ ok: true, followUp: { kind: 'visit', dueOn: '2027-03-01', basis: 'chosen_day' } });
    expect(
      decideFollowUp({ outcome: 'do_not_contact', taskKind: 'call', today, chosenDay: '2027-03-01' }),
    ).toEqual({
      ok: true,
      followUp: null,
    });
  });

  it('refuses a follow-up day in the past or not a day, naming the field', () => {
    expect(
      decideFollowUp({ outcome: 'no_answer', taskKind: 'call', today, chosenDay: '2026-11-19' }),
    ).toMatchObject({
      ok: false,
      field: 'follow_up_on',
    });
    expect(
      decideFollowUp({ outcome: 'no_answer', taskKind: 'call', today, chosenDay: '2026-02-30' }),
    ).toMatchObject({
      ok: false,
      field: 'follow_up_on',
    });
  });

  it('has a rule for every outcome', () => {
    for (const outcome of TASK_OUTCOMES) {
      expect(decideFollowUp({ outcome, taskKind: 'call', today }).ok).toBe(true);
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  fastAmount,
  fastDateTime,
  fastNumber,
  fastText,
  isAfter,
  latestStartedDay,
  parseAmount,
  parseBoolean,
  parseDateTime,
  parseEmail,
  parseInteger,
  parseJsonObject,
  parseLatitude,
  parseLongitude,
  parseNumber,
  parseText,
  SLOW,
} from './valueParsing.js';

describe('fast readers', () => {
  const cells = [
    '1200',
    '-500',
    '-0',
    '0.5',
    '12.',
    '.5',
    '1.2.3',
    '-',
    '',
    '1e3',
    '１２００',
    '1,200',
    ' 12',
    '12 ',
    '00012',
    '9'.repeat(400),
    '2024-03-05',
    '2024-02-29',
    '2023-02-29',
    '2024-13-01',
    '2024-00-10',
    '1899-12-31',
    '2100-12-31',
    '2101-01-01',
    '2024-3-05',
    '2024/03/05',
    '２０２４-03-05',
    '2024-03-05 ',
    'abc',
    ' abc',
    'abc\u00a0',
    '\u3000商品',
    '商品\ufeff',
    '商品A',
    'x'.repeat(20_001),
    '\u0085x',
  ];
  const pairs = [
    ['fastAmount', fastAmount, parseAmount],
    ['fastNumber', fastNumber, parseNumber],
    ['fastDateTime', fastDateTime, parseDateTime],
    ['fastText', fastText, parseText],
  ] as const;
  it.each(pairs)('%s gives what its parser gives, or SLOW', (_name, fast, parse) => {
    let decided = 0;
    for (const cell of cells) {
      const value = fast(cell);
      if (value === SLOW) continue;
      decided++;
      expect({ cell, parsed: parse(cell) }).toEqual({ cell, parsed: { ok: true, value } });
    }
    expect(decided).toBeGreaterThan(0);
  });
});

describe('parseAmount', () => {
  it.each([
    ['1200', 1200],
    ['¥1,200', 1200],
    ['￥1,200', 1200],
    ['\\1,200', 1200],
    ['1,200円', 1200],
    ['１，２００', 1200],
    ['１２００円', 1200],
    ['-500', -500],
    ['△500', -500],
    ['▲1,500円', -1500],
    ['−500', -500],
    ['(500)', -500],
    ['¥-500', -500],
    ['1234.5', 1234.5],
    [' 3,000 ', 3000],
    ['1,000,000', 1000000],
  ])('reads %s as %d', (text, expected) => {
    expect(parseAmount(text)).toEqual({ ok: true, value: expected });
  });

  it.each(['abc', '1,2,3', '12,00', '¥', '1.2.3', '--5'])(
    'rejects %s naming the value and an example',
    (text) => {
      const parsed = parseAmount(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.code).toBe('invalid_amount');
        expect(parsed.message).toContain(`'${text}'`);
        expect(parsed.message).toContain('1,200円');
      }
    },
  );
});

describe('parseDateTime', () => {
  it.each([
    ['2024-03-05', '2024-03-05'],
    ['2024/3/5', '2024-03-05'],
    ['2024/03/05', '2024-03-05'],
    ['2024.3.5', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['２０２４年３月５日', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['2024/03/05 14:30', '2024-03-05T14:30:00'],
    ['2024/3/5(火) 9:05', '2024-03-05T09:05:00'],
    ['2024-03-05T14:30:15Z', '2024-03-05T14:30:15Z'],
    ['2024-03-05T14:30:15.123+0900', '2024-03-05T14:30:15.123+09:00'],
    ['2024-03-05 14:30:15+09:00', '2024-03-05T14:30:15+09:00'],
    ['令和6年3月5日', '2024-03-05'],
    ['令和元年5月1日', '2019-05-01'],
    ['平成31年4月30日', '2019-04-30'],
    ['R6.3.5', '2024-03-05'],
    ['H30/12/31', '2018-12-31'],
    ['2024-02-29', '2024-02-29'],
  ])('reads %s as %s', (text, expected) => {
    expect(parseDateTime(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    '2024/13/01',
    '2023-02-29',
    '2024-04-31',
    '0024-01-01',
    'yesterday',
    '2024/03/05 25:00',
    '3/5/2024',
    '',
  ])('rejects %s with an example of a date', (text) => {
    const parsed = parseDateTime(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.code).toBe('invalid_date');
      expect(parsed.message).toContain('2024-03-31');
    }
  });

  it('gives the message of the style guide for a month that does not exist', () => {
    const parsed = parseDateTime('2024/13/01');
    expect(parsed.ok || parsed.message).toMatch(/^expected a date like 2024-03-31.*got '2024\/13\/01'/);
  });
});

describe('future dates', () => {
  const now = new Date('2024-03-05T15:30:00Z'); // 00:30 on 6 March in Japan

  it('takes the latest day begun anywhere as today', () => {
    expect(latestStartedDay(now)).toBe('2024-03-06');
  });

  it('does not call a Japanese date just after midnight the future', () => {
    expect(isAfter('2024-03-06', now)).toBe(false);
    expect(isAfter('2024-03-07', now)).toBe(true);
  });

  it('compares instants with their offset', () => {
    expect(isAfter('2024-03-06T00:10:00+09:00', now)).toBe(false);
    expect(isAfter('2024-03-06T01:30:00+09:00', now)).toBe(true);
    expect(isAfter('2024-03-05T15:00:00Z', now)).toBe(false);
  });
});

describe('parseBoolean', () => {
  it.each([
    ['1', 1],
    ['true', 1],
    ['TRUE', 1],
    ['yes', 1],
    ['はい', 1],
    ['可', 1],
    ['○', 1],
    ['〇', 1],
    ['有', 1],
    ['あり', 1],
    ['0', 0],
    ['false', 0],
    ['no', 0],
    ['いいえ', 0],
    ['不可', 0],
    ['×', 0],
    ['無', 0],
    ['なし', 0],
  ])('reads %s as %d', (text, expected) => {
    expect(parseBoolean(text)).toEqual({ ok: true, value: expected });
  });

  it('rejects a word that is neither yes nor no', () => {
    const parsed = parseBoolean('maybe');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain("'maybe'");
  });
});

describe('numbers and coordinates', () => {
  it('reads counts with full-width digits and unit words', () => {
    expect(parseInteger('１２０名')).toEqual({ ok: true, value: 120 });
    expect(parseInteger('1,200')).toEqual({ ok: true, value: 1200 });
    expect(parseNumber('3個')).toEqual({ ok: true, value: 3 });
    expect(parseNumber('2.5')).toEqual({ ok: true, value: 2.5 });
  });

  it('refuses a fraction where a whole number is expected', () => {
    expect(parseInteger('12.5')).toMatchObject({ ok: false, code: 'invalid_integer' });
  });

  it('keeps latitude and longitude within their ranges', () => {
    expect(parseLatitude('35.6812')).toEqual({ ok: true, value: 35.6812 });
    expect(parseLongitude('139.7671')).toEqual({ ok: true, value: 139.7671 });
    expect(parseLatitude('139.7')).toMatchObject({ ok: false, code: 'out_of_range' });
    expect(parseLongitude('east')).toMatchObject({ ok: false, code: 'invalid_number' });
  });
});

describe('emails and JSON', () => {
  it('normalises a full-width address and keeps its case', () => {
    expect(parseEmail(' Taro＠ABC.co.jp ')).toEqual({ ok: true, value: 'Taro@ABC.co.jp' });
    expect(parseEmail('taro at abc')).toMatchObject({ ok: false, code: 'invalid_email' });
  });

  it('accepts a JSON object as text or as an object, and nothing else', () => {
    expect(parseJsonObject('{"plan":"pro"}')).toEqual({ ok: true, value: '{"plan":"pro"}' });
    expect(parseJsonObject({ plan: 'pro' })).toEqual({ ok: true, value: '{"plan":"pro"}' });
    expect(parseJsonObject('[1,2]')).toMatchObject({ ok: false, code: 'invalid_json' });
    expect(parseJsonObject('{plan')).toMatchObject({ ok: false, code: 'invalid_json' });
  });
});

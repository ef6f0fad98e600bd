import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { describeSegmentFilter, parseSegmentFilter } from './segmentFilter.js';

function problem(input: unknown): string {
  try {
    parseSegmentFilter(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  }
  throw new Error('expected the filter to be rejected');
}

describe('segment filter', () => {
  it('accepts lists, flags and numeric ranges from JSON text', () => {
    const filter = parseSegmentFilter(
      '{"status":["mid_dormant","long_dormant"],"rank":["A"],"reason":["price"],"prefecture":["東京都"],"reason_resolved":true,"ranges":{"expected_value":{"min":50000},"p_alive":{"min":0.2,"max":0.8}}}',
    );
    expect(filter.rank).toEqual(['A']);
    expect(filter.ranges?.p_alive).toEqual({ min: 0.2, max: 0.8 });
    expect(describeSegmentFilter(filter)).toBe(
      'status in (mid_dormant, long_dormant) AND rank in (A) AND reason in (price) AND prefecture in (東京都) AND reason_resolved = true AND p_alive ≥ 0.2 AND p_alive ≤ 0.8 AND expected_value ≥ 50000',
    );
  });

  it('treats an empty filter as every analysed customer', () => {
    expect(describeSegmentFilter(parseSegmentFilter({}))).toBe('every analysed customer');
  });

  it('names every problem of a bad filter at once', () => {
    const message = problem({
      rank: ['E'],
      status: [],
      ranges: { p_alive: { min: 2, max: 1 }, nope: { min: 1 } },
      x: 1,
    });
    expect(message).toContain('rank.0');
    expect(message).toContain('status');
    expect(message).toContain('min must not exceed max');
    expect(message).toContain('nope');
    expect(message).toContain('"x"');
  });

  it('rejects text that is not JSON, a range without bounds and unknown reasons', () => {
    expect(problem('{status:')).toMatch(/expected JSON/);
    expect(problem({ ranges: { score: {} } })).toContain('give min, max or both');
    expect(problem({ reason: ['bored'] })).toContain('reason.0');
    expect(problem({ ranges: { score: { min: '5' } } })).toContain('ranges.score.min');
  });
});

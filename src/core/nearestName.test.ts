import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from './nearestName.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions, also in Japanese', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('顧客名', '顧客番号')).toBe(2);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('nearestName', () => {
  it('gives the nearest candidate within the distance, the first of equals, or null', () => {
    expect(nearestName('day9', ['day1', 'day3', 'end'], 1)).toBe('day1');
    expect(nearestName('coupon_cod', ['coupon_code', 'cta_url'], 2)).toBe('coupon_code');
    expect(nearestName('zzz', ['coupon_code', 'cta_url'], 2)).toBeNull();
    expect(nearestName('x', [], 5)).toBeNull();
  });
});

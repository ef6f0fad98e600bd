import { describe, expect, it } from 'vitest';
import { yenText } from './yenText.js';

describe('yen in explanations', () => {
  it('groups thousands like en-US and rounds to whole yen', () => {
    for (const n of [0, 7, 999, 1_000, 12_345.6, 360_945, 1_234_567, 98_765_432_101, -1_200, -0.4, 0.5]) {
      expect(yenText(n)).toBe(`¥${Math.round(n).toLocaleString('en-US')}`.replace('¥-0', '¥0'));
    }
  });
});

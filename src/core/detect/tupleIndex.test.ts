import { describe, expect, it } from 'vitest';
import { TupleIndex } from './tupleIndex.js';

describe('TupleIndex', () => {
  it('numbers distinct tuples in order of first sight and finds them again', () => {
    const index = new TupleIndex(3, 2);
    expect(index.indexOf(1, 2.5, 3)).toBe(0);
    expect(index.indexOf(1, 3, 2.5)).toBe(1);
    expect(index.indexOf(1, 2.5, 3)).toBe(0);
    expect(index.size).toBe(2);
    expect([index.value(1, 0), index.value(1, 1), index.value(1, 2)]).toEqual([1, 3, 2.5]);
  });

  it('keeps every tuple through many rehashes', () => {
    const index = new TupleIndex(2, 1);
    for (let i = 0; i < 50_000; i++) expect(index.indexOf(i % 97, i / 7)).toBe(i);
    for (let i = 0; i < 50_000; i += 997) expect(index.indexOf(i % 97, i / 7)).toBe(i);
    expect(index.size).toBe(50_000);
  });

  it('treats −0 and 0 as the same number', () => {
    const index = new TupleIndex(1);
    expect(index.indexOf(0)).toBe(0);
    expect(index.indexOf(-0)).toBe(0);
  });
});

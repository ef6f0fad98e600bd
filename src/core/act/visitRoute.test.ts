import { describe, expect, it } from 'vitest';
import { haversineKm } from '../prioritise/geography.js';
import { planVisitRoute } from './visitRoute.js';

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('planVisitRoute', () => {
  it('visits the nearer prefecture first from a Tokyo base', () => {
    const route = planVisitRoute({ prefecture: '東京都' }, [
      { id: 'osaka', prefecture: '大阪府' },
      { id: 'kanagawa', prefecture: '神奈川県' },
      { id: 'shizuoka', prefecture: '静岡県' },
    ]);
    expect(route.stops.map((s) => s.stop.id)).toEqual(['kanagawa', 'shizuoka', 'osaka']);
    expect(route.stops.every((s) => s.placedBy === 'prefecture')).toBe(true);
  });

  it('puts a stop without coordinates or a known prefecture after the route', () => {
    const route = planVisitRoute({ lat: 35.68, lng: 139.77 }, [
      { id: 'nowhere', prefecture: null },
      { id: 'here', lat: 35.69, lng: 139.7 },
    ]);
    expect(route.stops.map((s) => s.stop.id)).toEqual(['here']);
    expect(route.unplaced.map((s) => s.id)).toEqual(['nowhere']);
  });

  it('answers an empty day and a single stop', () => {
    expect(planVisitRoute({ prefecture: '東京都' }, []).stops).toEqual([]);
    const one = planVisitRoute({ prefecture: '東京都' }, [{ id: 'a', prefecture: '埼玉県' }]);
    expect(one.stops).toHaveLength(1);
    expect(one.totalKm).toBeCloseTo(one.stops[0]?.legKm ?? -1, 9);
  });

  it('starts from the first stop when the base cannot be placed', () => {
    const route = planVisitRoute({ prefecture: 'Atlantis' }, [
      { id: 'a', lat: 35, lng: 139 },
      { id: 'b', lat: 36, lng: 139 },
    ]);
    expect(route.stops[0]?.stop.id).toBe('a');
    expect(route.stops[0]?.legKm).toBe(0);
  });

  it('untangles a crossing that nearest neighbour leaves behind', () => {
    // A line of stops where greedy jumps back and forth; 2-opt must not be longer.
    const route = planVisitRoute({ lat: 35, lng: 139 }, [
      { id: 'a', lat: 35, lng: 139.1 },
      { id: 'b', lat: 35, lng: 138.85 },
      { id: 'c', lat: 35, lng: 139.4 },
      { id: 'd', lat: 35, lng: 138.5 },
      { id: 'e', lat: 35, lng: 139.9 },
    ]);
    expect(route.totalKm).toBeLessThan(route.nearestNeighbourKm);
  });

  it('finds the optimal open path on small random days (checked against every permutation)', () => {
    const random = mulberry32(7);
    let worstRatio = 1;
    for (let day = 0; day < 30; day++) {
      const stops = Array.from({ length: 6 }, (_, i) => ({
        id: `s${i}`,
        lat: 34 + random() * 2,
        lng: 135 + random() * 3,
      }));
      const base = { lat: 35, lng: 136.5 };
      const route = planVisitRoute(base, stops);
      expect(route.stops).toHaveLength(6);
      expect(new Set(route.stops.map((s) => s.stop.id)).size).toBe(6);
      expect(route.totalKm).toBeLessThanOrEqual(route.nearestNeighbourKm + 1e-9);
      let best = Number.POSITIVE_INFINITY;
      for (const order of permutations(stops)) {
        let km = 0;
        let from = base;
        for (const s of order) {
          km += haversineKm(from.lat, from.lng, s.lat, s.lng);
          from = s;
        }
        best = Math.min(best, km);
      }
      worstRatio = Math.max(worstRatio, route.totalKm / best);
    }
    // 2-opt + Or-opt is a local search: within 5 % of the optimum on these days.
    expect(worstRatio).toBeLessThan(1.05);
  });
});

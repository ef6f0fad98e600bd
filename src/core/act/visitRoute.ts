/**
 * A map-free visiting order for one rep's day: start at the rep's base, go to the nearest
 * unvisited customer each time (nearest neighbour), then improve the path with 2-opt (reverse
 * any stretch whose reversal shortens the path) and Or-opt (move a run of one to three stops,
 * either way round, to a better place) until neither helps. The path is open: it
 * ends at the last customer, since where the rep goes afterwards is theirs to choose.
 *
 * Customers are placed by their own coordinates, else by their prefecture's capital; a stop
 * that can be placed neither way is listed after the route as `unplaced`.
 */
import { haversineKm, type Place, prefectureCapital } from '../prioritise/geography.js';

export interface RouteStop extends Place {
  id: string;
}

export interface RoutedStop<S extends RouteStop> {
  stop: S;
  /** Straight-line km from the previous point (the base for the first stop). */
  legKm: number;
  /** 'coordinates' or 'prefecture' (the capital stood in). */
  placedBy: 'coordinates' | 'prefecture';
}

export interface VisitRoute<S extends RouteStop> {
  base: { lat: number; lng: number; placedBy: 'coordinates' | 'prefecture' } | null;
  stops: RoutedStop<S>[];
  unplaced: S[];
  totalKm: number;
  /** Length of the nearest-neighbour path before 2-opt, to show what the improvement saved. */
  nearestNeighbourKm: number;
}

interface Point {
  lat: number;
  lng: number;
  placedBy: 'coordinates' | 'prefecture';
}

/** Where a place is: its own coordinates, else the capital of its prefecture, else null. */
export function locate(place: Place): Point | null {
  if (
    typeof place.lat === 'number' &&
    typeof place.lng === 'number' &&
    Number.isFinite(place.lat) &&
    Number.isFinite(place.lng)
  ) {
    return { lat: place.lat, lng: place.lng, placedBy: 'coordinates' };
  }
  const capital = prefectureCapital(place.prefecture);
  return capital ? { ...capital, placedBy: 'prefecture' } : null;
}

function pathKm(order: readonly number[], distance: (a: number, b: number) => number): number {
  let total = 0;
  for (let i = 1; i < order.length; i++) total += distance(order[i - 1] as number, order[i] as number);
  return total;
}

const EPSILON = 1e-9;

/**
 * Orders the stops from the base. Ties are broken by input order, so the same input always
 * gives the same route.
 *
 * @example planVisitRoute({ prefecture: '東京都' }, [{ id: 'a', prefecture: '大阪府' }, { id: 'b', prefecture: '神奈川県' }])
 * // → stops b then a
 */
export function planVisitRoute<S extends RouteStop>(base: Place, stops: readonly S[]): VisitRoute<S> {
  const placed: { stop: S; point: Point }[] = [];
  const unplaced: S[] = [];
  for (const stop of stops) {
    const point = locate(stop);
    if (point) placed.push({ stop, point });
    else unplaced.push(stop);
  }
  const basePoint = locate(base) ?? placed[0]?.point ?? null;
  if (!basePoint || placed.length === 0) {
    return { base: basePoint, stops: [], unplaced: [...unplaced], totalKm: 0, nearestNeighbourKm: 0 };
  }
  // Node 0 is the base; node i + 1 is placed[i].
  const points: Point[] = [basePoint, ...placed.map((p) => p.point)];
  const n = points.length;
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = points[i] as Point;
      const b = points[j] as Point;
      const km = haversineKm(a.lat, a.lng, b.lat, b.lng);
      matrix[i * n + j] = km;
      matrix[j * n + i] = km;
    }
  }
  const distance = (a: number, b: number) => matrix[a * n + b] as number;

  const order = [0];
  const visited = new Uint8Array(n);
  visited[0] = 1;
  for (let step = 1; step < n; step++) {
    const from = order[order.length - 1] as number;
    let best = -1;
    let bestKm = Number.POSITIVE_INFINITY;
    for (let j = 1; j < n; j++) {
      if (visited[j]) continue;
      const km = distance(from, j);
      if (km < bestKm - EPSILON) {
        best = j;
        bestKm = km;
      }
    }
    visited[best] = 1;
    order.push(best);
  }
  const nearestNeighbourKm = pathKm(order, distance);

  // 2-opt on an open path with a fixed start: reversing order[i..j] replaces the edges
  // (i-1, i) and (j, j+1) with (i-1, j) and (i, j+1); at the end of the path there is no j+1.
  let improved = true;
  while (improved) {
    improved = twoOpt(order, distance);
    improved = orOpt(order, distance) || improved;
  }

  const routed: RoutedStop<S>[] = [];
  for (let k = 1; k < n; k++) {
    const node = order[k] as number;
    const entry = placed[node - 1] as { stop: S; point: Point };
    routed.push({
      stop: entry.stop,
      legKm: distance(order[k - 1] as number, node),
      placedBy: entry.point.placedBy,
    });
  }
  return {
    base: basePoint,
    stops: routed,
    unplaced,
    totalKm: pathKm(order, distance),
    nearestNeighbourKm,
  };
}

/**
 * 2-opt on an open path with a fixed start: reversing order[i..j] replaces the edges (i-1, i)
 * and (j, j+1) with (i-1, j) and (i, j+1); at the end of the path there is no j+1.
 */
function twoOpt(order: number[], distance: (a: number, b: number) => number): boolean {
  const n = order.length;
  let changed = false;
  let improved = true;
  while (improved) {
    improved = false;
    for (let i = 1; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = order[i - 1] as number;
        const b = order[i] as number;
        const c = order[j] as number;
        const d = j + 1 < n ? (order[j + 1] as number) : -1;
        const before = distance(a, b) + (d >= 0 ? distance(c, d) : 0);
        const after = distance(a, c) + (d >= 0 ? distance(b, d) : 0);
        if (after < before - 1e-7) {
          for (let lo = i, hi = j; lo < hi; lo++, hi--) {
            const t = order[lo] as number;
            order[lo] = order[hi] as number;
            order[hi] = t;
          }
          improved = true;
          changed = true;
        }
      }
    }
  }
  return changed;
}

/** Or-opt: moves a run of 1–3 stops (possibly reversed) to the place that shortens the path most. */
function orOpt(order: number[], distance: (a: number, b: number) => number): boolean {
  const n = order.length;
  let changed = false;
  for (let length = 1; length <= 3; length++) {
    for (let i = 1; i + length <= n; i++) {
      const current = pathKm(order, distance);
      const run = order.slice(i, i + length);
      const rest = [...order.slice(0, i), ...order.slice(i + length)];
      let best: number[] | null = null;
      let bestKm = current - 1e-7;
      for (let at = 1; at <= rest.length; at++) {
        for (const piece of [run, [...run].reverse()]) {
          const candidate = [...rest.slice(0, at), ...piece, ...rest.slice(at)];
          const km = pathKm(candidate, distance);
          if (km < bestKm) {
            best = candidate;
            bestKm = km;
          }
        }
      }
      if (best) {
        for (let k = 0; k < n; k++) order[k] = best[k] as number;
        changed = true;
      }
    }
  }
  return changed;
}

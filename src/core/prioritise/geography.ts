/**
 * Distances for the geographic-proximity criterion: great-circle distance between coordinates,
 * or between prefectural capitals when a customer has only a prefecture.
 */
import { prefectureKey } from '../collect/nameMatching.js';

export interface Place {
  prefecture?: string | null;
  lat?: number | null;
  lng?: number | null;
}

const EARTH_RADIUS_KM = 6371.0088;

/**
 * Haversine great-circle distance in km (mean Earth radius, IUGG).
 *
 * @example haversineKm(35.681, 139.767, 34.702, 135.496) // ≈ 403 (Tokyo → Osaka stations)
 */
export function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Prefectural capitals (県庁所在地), rounded to 0.01°: the stand-in location of a prefecture. */
const CAPITALS: readonly [string, number, number][] = [
  ['北海道', 43.06, 141.35],
  ['青森県', 40.82, 140.74],
  ['岩手県', 39.7, 141.15],
  ['宮城県', 38.27, 140.87],
  ['秋田県', 39.72, 140.1],
  ['山形県', 38.24, 140.36],
  ['福島県', 37.75, 140.47],
  ['茨城県', 36.34, 140.45],
  ['栃木県', 36.57, 139.88],
  ['群馬県', 36.39, 139.06],
  ['埼玉県', 35.86, 139.65],
  ['千葉県', 35.61, 140.12],
  ['東京都', 35.69, 139.69],
  ['神奈川県', 35.45, 139.64],
  ['新潟県', 37.9, 139.02],
  ['富山県', 36.7, 137.21],
  ['石川県', 36.59, 136.63],
  ['福井県', 36.07, 136.22],
  ['山梨県', 35.66, 138.57],
  ['長野県', 36.65, 138.18],
  ['岐阜県', 35.39, 136.72],
  ['静岡県', 34.98, 138.38],
  ['愛知県', 35.18, 136.91],
  ['三重県', 34.73, 136.51],
  ['滋賀県', 35.0, 135.87],
  ['京都府', 35.02, 135.76],
  ['大阪府', 34.69, 135.52],
  ['兵庫県', 34.69, 135.18],
  ['奈良県', 34.69, 135.83],
  ['和歌山県', 34.23, 135.17],
  ['鳥取県', 35.5, 134.24],
  ['島根県', 35.47, 133.05],
  ['岡山県', 34.66, 133.93],
  ['広島県', 34.4, 132.46],
  ['山口県', 34.19, 131.47],
  ['徳島県', 34.07, 134.56],
  ['香川県', 34.34, 134.04],
  ['愛媛県', 33.84, 132.77],
  ['高知県', 33.56, 133.53],
  ['福岡県', 33.61, 130.42],
  ['佐賀県', 33.25, 130.3],
  ['長崎県', 32.74, 129.87],
  ['熊本県', 32.79, 130.74],
  ['大分県', 33.24, 131.61],
  ['宮崎県', 31.91, 131.42],
  ['鹿児島県', 31.56, 130.56],
  ['沖縄県', 26.21, 127.68],
];

const CAPITAL_BY_KEY = new Map(
  CAPITALS.map(([name, lat, lng]) => [prefectureKey(name) as string, { lat, lng }]),
);

/** The capital's coordinates of a prefecture written with or without 都/道/府/県; null if unknown. */
export function prefectureCapital(
  prefecture: string | null | undefined,
): { lat: number; lng: number } | null {
  const key = prefectureKey(prefecture);
  return key === null ? null : (CAPITAL_BY_KEY.get(key) ?? null);
}

export interface PlaceDistance {
  km: number | null;
  isSamePrefecture: boolean;
  /** 'coordinates' when both sides had lat/lng, 'prefecture' when a capital stood in. */
  basis: 'coordinates' | 'prefecture' | 'unknown';
}

function hasCoordinates(place: Place): place is Place & { lat: number; lng: number } {
  return (
    typeof place.lat === 'number' &&
    typeof place.lng === 'number' &&
    Number.isFinite(place.lat) &&
    Number.isFinite(place.lng)
  );
}

/**
 * Distance from the owner's base to a customer.
 *
 * @example placeDistance({ prefecture: '大阪府' }, { prefecture: '東京都' }) // { km: ≈397, basis: 'prefecture', … }
 */
export function placeDistance(customer: Place, base: Place): PlaceDistance {
  const a = prefectureKey(customer.prefecture);
  const b = prefectureKey(base.prefecture);
  const isSamePrefecture = a !== null && a === b;
  if (hasCoordinates(customer) && hasCoordinates(base)) {
    return {
      km: haversineKm(customer.lat, customer.lng, base.lat, base.lng),
      isSamePrefecture,
      basis: 'coordinates',
    };
  }
  const from = hasCoordinates(customer) ? customer : prefectureCapital(customer.prefecture);
  const to = hasCoordinates(base) ? base : prefectureCapital(base.prefecture);
  if (from === null || to === null) return { km: null, isSamePrefecture, basis: 'unknown' };
  return { km: haversineKm(from.lat, from.lng, to.lat, to.lng), isSamePrefecture, basis: 'prefecture' };
}

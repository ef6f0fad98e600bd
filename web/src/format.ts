/** Yen amounts and dates the way a Japanese office reads them (2026年11月22日, ￥120,000). */
import type { Language } from './i18n';

const yen = new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' });
const count = new Intl.NumberFormat('ja-JP');

export function formatYen(amount: number | null | undefined): string {
  return amount === null || amount === undefined ? '—' : yen.format(amount);
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : count.format(n);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A 'YYYY-MM-DD' day is shown as that calendar day; an instant in Japan time. */
export function formatDate(value: string | null | undefined, language: Language): string {
  if (!value) return '—';
  const isDay = DAY.test(value);
  const date = new Date(isDay ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', {
    year: 'numeric',
    month: language === 'ja' ? 'long' : 'short',
    day: 'numeric',
    timeZone: isDay ? 'UTC' : 'Asia/Tokyo',
  }).format(date);
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDuplicateCandidates } from '../core/collect/duplicateCandidates.js';
import { companyNameKey } from '../core/collect/nameMatching.js';
import { DEMO_FILES, type GenerationSummary, generateDemo } from './generateDemo.js';
import { PLANTED_REASONS } from './texts.js';

const AS_OF = '2026-03-31';
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mezame-demo-'));
  dirs.push(dir);
  return dir;
}

function generate(options: { customers: number; seed: number; kind?: 'b2b' | 'ec'; asOf?: string }) {
  const outDir = tempDir();
  const summary = generateDemo({
    kind: options.kind ?? 'b2b',
    customers: options.customers,
    seed: options.seed,
    asOf: options.asOf ?? AS_OF,
    outDir,
  });
  return { outDir, summary };
}

type Row = Record<string, string>;
function read(dir: string, file: string): Row[] {
  return parse(readFileSync(join(dir, `${file}.csv`)), { columns: true }) as Row[];
}

function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of [...DEMO_FILES, 'truth']) {
    out[f] = createHash('sha256')
      .update(readFileSync(join(dir, `${f}.csv`)))
      .digest('hex');
  }
  return out;
}

function groupBy(rows: Row[], key: string): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const k = r[key] ?? '';
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const dayOf = (iso: string) => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('generateDemo determinism', () => {
  it('writes byte-identical files for the same seed, as-of date and size', () => {
    const a = generate({ customers: 300, seed: 7 });
    const b = generate({ customers: 300, seed: 7 });
    expect(digest(a.outDir)).toEqual(digest(b.outDir));
  });

  it('writes different data for a different seed or as-of date', () => {
    const a = digest(generate({ customers: 300, seed: 7 }).outDir);
    const b = digest(generate({ customers: 300, seed: 8 }).outDir);
    const c = digest(generate({ customers: 300, seed: 7, asOf: '2026-04-30' }).outDir);
    expect(a.orders).not.toEqual(b.orders);
    expect(a.customers).not.toEqual(b.customers);
    expect(a.orders).not.toEqual(c.orders);
  });

  it('rejects an as-of date that is not a date', () => {
    expect(() =>
      generateDemo({ kind: 'b2b', customers: 10, seed: 1, asOf: '2026/03/31', outDir: tempDir() }),
    ).toThrow(/as-of date/);
  });
});

describe('the B2B demo company', () => {
  let dir: string;
  let summary: GenerationSummary;
  let customers: Row[];
  let contactsBy: Map<string, Row[]>;
  let ordersBy: Map<string, Row[]>;
  let eventsBy: Map<string, Row[]>;
  let subsBy: Map<string, Row[]>;
  let truth: Row[];
  let changes: Row[];
  const asOfDay = dayOf(AS_OF);

  beforeAll(() => {
    ({ outDir: dir, summary } = generate({ customers: 2000, seed: 42 }));
    customers = read(dir, 'customers');
    contactsBy = groupBy(read(dir, 'contacts'), 'customer_id');
    ordersBy = groupBy(read(dir, 'orders'), 'customer_id');
    eventsBy = groupBy(read(dir, 'events'), 'customer_id');
    subsBy = groupBy(read(dir, 'subscriptions'), 'customer_id');
    truth = read(dir, 'truth');
    changes = read(dir, 'changes');
  });

  const purchases = (id: string) =>
    (ordersBy.get(id) ?? [])
      .filter((o) => Number(o.amount) > 0)
      .sort((a, b) => (a.ordered_at ?? '').localeCompare(b.ordered_at ?? ''));
  const planted = (reason: string, archetype = 'dormant') =>
    truth.filter((t) => t.planted_reason === reason && t.archetype === archetype);

  it('uses the canonical English headers of SPEC', () => {
    const header = (f: string) => readFileSync(join(dir, `${f}.csv`), 'utf8').split('\n')[0];
    expect(header('customers')).toBe(
      'customer_id,name,kind,email,phone,postal_code,prefecture,address,lat,lng,industry,employees,owner,tags,created_at,email_opt_in,sms_opt_in,dm_ok,phone_ok,do_not_contact',
    );
    expect(header('orders')).toBe(
      'order_id,customer_id,ordered_at,amount,gross_margin,product,category,quantity,channel',
    );
    expect(header('events')).toBe(
      'event_id,customer_id,type,occurred_at,channel,campaign,url,text,value,properties',
    );
  });

  it('has about ten orders per customer, reps with home areas and every planted reason', () => {
    expect(summary.files.orders.rows / 2000).toBeGreaterThan(7);
    expect(summary.files.orders.rows / 2000).toBeLessThan(16);
    expect(summary.reps.length).toBeGreaterThanOrEqual(6);
    for (const rep of summary.reps) expect(rep.accounts).toBeGreaterThan(0);
    for (const reason of PLANTED_REASONS) expect(planted(reason).length).toBeGreaterThanOrEqual(3);
  });

  it('gives companies Japanese legal names, real prefectures, postal codes and coordinates in Japan', () => {
    const legal = customers.filter((c) => /株式会社|有限会社|\(株\)|㈱|（株）/.test(c.name ?? ''));
    expect(legal.length).toBe(customers.length);
    for (const c of customers) {
      expect(c.postal_code).toMatch(/^\d{3}-\d{4}$/);
      expect(c.prefecture).toMatch(/[都道府県]$/);
      expect(Number(c.lat)).toBeGreaterThan(24);
      expect(Number(c.lat)).toBeLessThan(46);
      expect(Number(c.lng)).toBeGreaterThan(122);
      expect(Number(c.lng)).toBeLessThan(146);
    }
    expect(customers.some((c) => c.do_not_contact === '1')).toBe(true);
  });

  it('dates nothing after the as-of date', () => {
    for (const list of ordersBy.values())
      for (const o of list) expect(dayOf(o.ordered_at ?? '')).toBeLessThanOrEqual(asOfDay);
    for (const list of eventsBy.values())
      for (const e of list) expect(dayOf(e.occurred_at ?? '')).toBeLessThanOrEqual(asOfDay);
    for (const c of customers) expect(dayOf(c.created_at ?? '')).toBeLessThanOrEqual(asOfDay);
  });

  it('makes a dormant customer’s last purchase the planted quiet date, long enough ago', () => {
    for (const t of truth.filter((x) => x.archetype === 'dormant')) {
      const list = purchases(t.customer_id ?? '');
      expect(list.at(-1)?.ordered_at).toBe(t.went_quiet_on);
      expect(asOfDay - dayOf(t.went_quiet_on ?? '')).toBeGreaterThanOrEqual(150);
      expect(list.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('plants price customers whose last order came shortly after a price increase on what they buy', () => {
    const increases = changes.filter((c) => c.kind === 'price_increase');
    for (const t of planted('price')) {
      const last = purchases(t.customer_id ?? '').at(-1);
      const increase = increases.find((c) => c.category === last?.category);
      expect(increase, `price customer ${t.customer_id} bought ${last?.category}`).toBeDefined();
      const gap = dayOf(last?.ordered_at ?? '') - dayOf(increase?.started_at ?? '');
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(90);
    }
  });

  it('plants environment customers whose primary contact left around the time they went quiet', () => {
    for (const t of planted('environment')) {
      const left = (contactsBy.get(t.customer_id ?? '') ?? []).find((c) => c.status === 'left');
      expect(left, `${t.customer_id} has a contact who left`).toBeDefined();
      expect(Math.abs(dayOf(left?.updated_at ?? '') - dayOf(t.went_quiet_on ?? ''))).toBeLessThanOrEqual(60);
    }
  });

  it('plants forgotten customers with no reaction of any kind after going quiet', () => {
    const reactions = new Set([
      'email_open',
      'email_click',
      'web_visit',
      'inquiry',
      'support_ticket',
      'login',
      'survey_response',
      'visit',
      'call',
    ]);
    for (const t of planted('forgotten')) {
      const after = (eventsBy.get(t.customer_id ?? '') ?? []).filter(
        (e) => dayOf(e.occurred_at ?? '') > dayOf(t.went_quiet_on ?? '') && reactions.has(e.type ?? ''),
      );
      expect(after).toEqual([]);
    }
  });

  it('plants over-contacted customers who got many e-mails, then unsubscribed and opted out', () => {
    for (const t of planted('over_contact')) {
      const events = eventsBy.get(t.customer_id ?? '') ?? [];
      const unsubscribe = events.find((e) => e.type === 'unsubscribe');
      expect(unsubscribe).toBeDefined();
      const unsubDay = dayOf(unsubscribe?.occurred_at ?? '');
      const burst = events.filter(
        (e) =>
          e.type === 'email_sent' &&
          unsubDay - dayOf(e.occurred_at ?? '') <= 90 &&
          dayOf(e.occurred_at ?? '') <= unsubDay,
      );
      expect(burst.length).toBeGreaterThanOrEqual(10);
      expect(customers.find((c) => c.customer_id === t.customer_id)?.email_opt_in).toBe('0');
    }
  });

  it('gives product, competitor, staff and other customers written evidence near the quiet date', () => {
    for (const reason of ['product', 'competitor', 'staff', 'other']) {
      for (const t of planted(reason)) {
        const quiet = dayOf(t.went_quiet_on ?? '');
        const texts = (eventsBy.get(t.customer_id ?? '') ?? []).filter(
          (e) =>
            e.text &&
            (e.type === 'inquiry' || e.type === 'support_ticket') &&
            Math.abs(dayOf(e.occurred_at ?? '') - quiet) <= 130,
        );
        expect(texts.length, `${reason} customer ${t.customer_id}`).toBeGreaterThan(0);
      }
    }
  });

  it('puts staff-reason accounts in the area whose rep changed, going quiet after the change', () => {
    const change = changes.find((c) => c.kind === 'staff_change');
    for (const t of planted('staff')) {
      const c = customers.find((x) => x.customer_id === t.customer_id);
      expect(change?.description).toContain(c?.owner ?? '?');
      expect(dayOf(t.went_quiet_on ?? '')).toBeGreaterThanOrEqual(dayOf(change?.started_at ?? ''));
    }
  });

  it('records lost customers as cancelled subscriptions with a competitor as the reason', () => {
    const lost = truth.filter((t) => t.archetype === 'lost');
    expect(lost.length).toBeGreaterThan(0);
    for (const t of lost) {
      const sub = subsBy.get(t.customer_id ?? '')?.[0];
      expect(sub?.ended_at).toBeTruthy();
      expect(sub?.cancel_reason).toMatch(/他社|競合|competitor/);
    }
  });

  it('brings reactivated customers back after a long gap, with purchases since', () => {
    const back = truth.filter((t) => t.archetype === 'reactivated' && t.came_back);
    expect(back.length).toBeGreaterThanOrEqual(5);
    for (const t of back) {
      const list = purchases(t.customer_id ?? '').map((o) => o.ordered_at ?? '');
      const quiet = t.went_quiet_on ?? '';
      const comeback = t.came_back ?? '';
      expect(list.filter((d) => d > quiet && d < comeback)).toEqual([]);
      expect(dayOf(comeback) - dayOf(quiet)).toBeGreaterThanOrEqual(200);
      expect(list.filter((d) => d >= comeback).length).toBeGreaterThanOrEqual(1);
    }
  });

  it('slows at-risk customers down: less spend in the last year than the year before', () => {
    const atRisk = truth.filter((t) => t.archetype === 'at_risk');
    const spend = (id: string, from: number, to: number) =>
      purchases(id)
        .filter((o) => dayOf(o.ordered_at ?? '') > from && dayOf(o.ordered_at ?? '') <= to)
        .reduce((s, o) => s + Number(o.amount), 0);
    const slower = atRisk.filter(
      (t) =>
        spend(t.customer_id ?? '', asOfDay - 365, asOfDay) <
        spend(t.customer_id ?? '', asOfDay - 730, asOfDay - 365),
    );
    expect(slower.length / atRisk.length).toBeGreaterThan(0.7);
  });

  it('has leads that never bought, one-purchase customers, same-day orders and refunds', () => {
    for (const t of truth.filter((x) => x.archetype === 'never_purchased'))
      expect(ordersBy.get(t.customer_id ?? '')).toBeUndefined();
    for (const t of truth.filter((x) => x.archetype === 'one_purchase'))
      expect(purchases(t.customer_id ?? '').length).toBe(1);
    const allOrders = [...ordersBy.values()].flat();
    expect(allOrders.some((o) => Number(o.amount) < 0 && Number(o.quantity) < 0)).toBe(true);
    const sameDay = [...ordersBy.values()].some(
      (list) => new Set(list.map((o) => o.ordered_at)).size < list.length,
    );
    expect(sameDay).toBe(true);
  });

  it('writes Japanese texts, negations, some English texts, and visits to the pricing page', () => {
    const events = [...eventsBy.values()].flat();
    const texts = events.map((e) => e.text ?? '').filter(Boolean);
    expect(texts.some((t) => t.includes('値上げ'))).toBe(true);
    expect(texts.some((t) => t.includes('管理画面'))).toBe(true);
    expect(texts.some((t) => t.includes('不満はない'))).toBe(true);
    expect(texts.some((t) => /^[\x20-\x7e]+$/.test(t) && t.length > 20)).toBe(true);
    expect(events.some((e) => e.url === '/pricing')).toBe(true);
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'email_sent',
      'email_open',
      'email_click',
      'email_bounce',
      'unsubscribe',
      'web_visit',
      'login',
      'usage',
      'inquiry',
      'support_ticket',
    ]) {
      expect(types.has(type), type).toBe(true);
    }
  });

  it('plants near-duplicate records that name matching can find (same phone, same name key)', () => {
    const dups = truth.filter((t) => t.archetype === 'duplicate');
    expect(dups.length).toBeGreaterThanOrEqual(3);
    for (const t of dups) {
      const originalId = /duplicate_of=(\w+)/.exec(t.signals ?? '')?.[1];
      const dup = customers.find((c) => c.customer_id === t.customer_id);
      const original = customers.find((c) => c.customer_id === originalId);
      expect(original).toBeDefined();
      expect(dup?.name).not.toBe(original?.name);
      expect(dup?.phone).toBe(original?.phone);
      expect(companyNameKey(dup?.name ?? '')).toBe(companyNameKey(original?.name ?? ''));
    }
  });
});

describe('the planted near-duplicates', () => {
  it('are exactly what name matching finds as strong candidates', () => {
    const { outDir } = generate({ customers: 2000, seed: 11 });
    const identities = read(outDir, 'customers').map((r) => ({
      customerId: r.customer_id ?? '',
      name: r.name ?? '',
      kind: 'company' as const,
      email: r.email || null,
      phone: r.phone || null,
      postalCode: r.postal_code || null,
      prefecture: r.prefecture || null,
      address: r.address || null,
    }));
    const strong = findDuplicateCandidates(identities)
      .candidates.filter((c) => c.strength === 'strong')
      .map((c) => c.customerIds.join('+'))
      .sort();
    const planted = read(outDir, 'truth')
      .filter((t) => t.archetype === 'duplicate')
      .map((t) =>
        [t.customer_id ?? '', /duplicate_of=(\w+)/.exec(t.signals ?? '')?.[1] ?? ''].sort().join('+'),
      )
      .sort();
    expect(planted.length).toBeGreaterThanOrEqual(3);
    expect(strong).toEqual(planted);
  });
});

describe('the e-commerce demo shop', () => {
  it('has persons with Japanese names, SMS consent and every planted reason', () => {
    const { outDir, summary } = generate({ customers: 600, seed: 3, kind: 'ec' });
    const customers = read(outDir, 'customers');
    expect(customers.every((c) => c.kind === 'person')).toBe(true);
    expect(customers.some((c) => c.sms_opt_in === '1')).toBe(true);
    expect(customers[0]?.name).toMatch(/^\S+ \S+$/);
    for (const reason of PLANTED_REASONS) expect(summary.planted_reasons[reason]).toBeGreaterThanOrEqual(3);
    expect(summary.reps).toEqual([]);
  });
});

describe('tiny demos', () => {
  it('generates a single customer without failing', () => {
    const { summary } = generate({ customers: 1, seed: 1 });
    expect(summary.files.customers.rows).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { COLUMN_ALIASES, headerKey, mapHeader } from './columnAliases.js';
import {
  checkRow,
  parseEventType,
  REQUIRED_COLUMNS,
  ROW_SCHEMAS,
  requiredColumnsMissing,
} from './rowSchemas.js';

const now = new Date('2024-06-30T03:00:00Z');

const anOrder = (overrides: Record<string, unknown> = {}) => ({
  order_id: 'O1',
  customer_id: 'C1',
  ordered_at: '2024/3/5',
  amount: '¥1,200',
  ...overrides,
});

describe('checkRow', () => {
  it('reads an order with yen and a Japanese date', () => {
    const checked = checkRow('orders', anOrder({ quantity: '３', product: ' 商品A ' }), { now });
    expect(checked).toEqual({
      ok: true,
      row: {
        order_id: 'O1',
        customer_id: 'C1',
        ordered_at: '2024-03-05',
        amount: 1200,
        gross_margin: null,
        product: '商品A',
        category: null,
        quantity: 3,
        channel: null,
      },
    });
  });

  it('keeps a negative amount (a refund) as a negative number', () => {
    const checked = checkRow('orders', anOrder({ amount: '△500' }), { now });
    expect(checked.ok && checked.row.amount).toBe(-500);
  });

  it('rejects an order dated after the import time, saying why', () => {
    const checked = checkRow('orders', anOrder({ ordered_at: '2024-07-02' }), { now });
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.violations).toEqual([
        expect.objectContaining({
          column: 'ordered_at',
          code: 'future_date',
          message: expect.stringContaining('future'),
        }),
      ]);
    }
  });

  it('reports every bad cell of a row, not only the first', () => {
    const checked = checkRow('orders', anOrder({ order_id: '', ordered_at: '2024/13/01', amount: 'many' }), {
      now,
    });
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.violations.map((v) => [v.column, v.code])).toEqual([
        ['order_id', 'required'],
        ['ordered_at', 'invalid_date'],
        ['amount', 'invalid_amount'],
      ]);
      expect(checked.violations[0]?.message).toBe('order_id is required and the cell is empty');
    }
  });

  it('normalises full-width ids so two exports name the same customer', () => {
    const checked = checkRow('orders', anOrder({ customer_id: 'Ｃ００１' }), { now });
    expect(checked.ok && checked.row.customer_id).toBe('C001');
  });

  it('asks an event for customer_id or email', () => {
    const event = { type: 'email_open', occurred_at: '2024-03-05T10:00:00+09:00' };
    expect(checkRow('events', event, { now })).toMatchObject({
      ok: false,
      violations: [{ column: 'customer_id', code: 'required' }],
    });
    expect(checkRow('events', { ...event, email: 'a@b.jp' }, { now }).ok).toBe(true);
  });

  it('reads Japanese event types and keeps custom snake_case ones', () => {
    expect(parseEventType('メール開封')).toEqual({ ok: true, value: 'email_open' });
    expect(parseEventType('webinar_attended')).toEqual({ ok: true, value: 'webinar_attended' });
    expect(parseEventType('何か')).toMatchObject({ ok: false, code: 'invalid_choice' });
  });

  it('refuses a subscription that ends before it starts', () => {
    const checked = checkRow(
      'subscriptions',
      { subscription_id: 'S1', customer_id: 'C1', started_at: '2024-03-01', ended_at: '2024-02-01' },
      { now },
    );
    expect(checked).toMatchObject({ ok: false, violations: [{ column: 'ended_at', code: 'date_order' }] });
  });

  it('maps customer kinds, contact statuses and change kinds from Japanese', () => {
    expect(
      checkRow('customers', { customer_id: 'C1', name: '山田太郎', kind: '個人' }, { now }),
    ).toMatchObject({
      ok: true,
      row: { kind: 'person' },
    });
    expect(
      checkRow('contacts', { contact_id: 'P1', customer_id: 'C1', status: '退職' }, { now }),
    ).toMatchObject({
      ok: true,
      row: { status: 'left' },
    });
    expect(
      checkRow('changes', { change_id: 'X1', kind: '値上げ', started_at: '2024-01-01' }, { now }),
    ).toMatchObject({
      ok: true,
      row: { kind: 'price_increase' },
    });
  });

  it.each([
    ['orders', anOrder({ quantity: '3個', gross_margin: '▲10' })],
    ['orders', anOrder({ amount: 'x', ordered_at: '' })],
    [
      'customers',
      { customer_id: 'C1', name: '株式会社ABC', lat: '35.6', email_opt_in: '○', employees: '1,200名' },
    ],
    ['customers', { customer_id: 'C1', name: '', lat: '200', employees: '1.5' }],
    ['events', { customer_id: 'C1', type: 'email_open', occurred_at: '2024-03-05', properties: { a: 1 } }],
    ['events', { customer_id: 'C1', type: '??', occurred_at: 'x', properties: '[1]' }],
  ] as const)('gives the same cells and violations as the zod schema (%s)', (kind, record) => {
    const fast = checkRow(kind, record, { now: new Date('2100-01-01') });
    const zod = ROW_SCHEMAS[kind].safeParse(record);
    expect(fast.ok).toBe(zod.success);
    if (fast.ok && zod.success) expect(fast.row).toEqual(zod.data);
    if (!fast.ok && !zod.success) {
      expect(fast.violations.map((v) => [v.column, v.code])).toEqual(
        zod.error.issues.map((i) => [String(i.path[0]), (i as { params?: { code?: string } }).params?.code]),
      );
    }
  });
});

describe('column aliases', () => {
  it('matches headers regardless of width, case and spacing', () => {
    expect(headerKey('ＣＵＳＴＯＭＥＲ＿ＩＤ')).toBe(headerKey('Customer ID'));
    expect(mapHeader('orders', ['受注番号', '顧客コード', '受注日', '金額（税込）', 'メモ']).columns).toEqual(
      ['order_id', 'customer_id', 'ordered_at', 'amount', null],
    );
  });

  it('maps the usual Japanese headers of each kind', () => {
    expect(
      mapHeader('customers', ['取引先コード', '会社名', '担当者', '従業員数', '郵便番号']).columns,
    ).toEqual(['customer_id', 'name', 'owner', 'employees', 'postal_code']);
    expect(mapHeader('contacts', ['担当者ID', '顧客ID', '氏名', '部署', '役職', '在籍状況']).columns).toEqual(
      ['contact_id', 'customer_id', 'name', 'department', 'role', 'status'],
    );
  });

  it('lets the first of two headers for one column win and reports the other', () => {
    const mapping = mapHeader('orders', ['金額', '税込金額']);
    expect(mapping.columns).toEqual(['amount', null]);
    expect(mapping.repeated).toEqual([['税込金額', 'amount']]);
  });

  it('never treats the reject file columns row, column, reason as data', () => {
    for (const kind of Object.keys(COLUMN_ALIASES) as (keyof typeof COLUMN_ALIASES)[]) {
      expect(mapHeader(kind, ['row', 'column', 'reason']).columns).toEqual([null, null, null]);
    }
  });

  it('has an alias entry for every column of every schema', () => {
    for (const [kind, schema] of Object.entries(ROW_SCHEMAS)) {
      const aliases = COLUMN_ALIASES[kind as keyof typeof COLUMN_ALIASES];
      expect(Object.keys(aliases).sort()).toEqual(Object.keys(schema.shape).sort());
    }
  });

  it('names the required columns a header lacks; email stands in for customer_id on events', () => {
    expect(requiredColumnsMissing('orders', ['order_id', 'customer_id'])).toEqual(['ordered_at', 'amount']);
    expect(requiredColumnsMissing('events', ['email', 'type', 'occurred_at'])).toEqual([]);
    expect(requiredColumnsMissing('events', ['type', 'occurred_at'])).toEqual(['customer_id']);
    expect(REQUIRED_COLUMNS.customers).toEqual(['customer_id', 'name']);
  });
});

import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { previewImport } from './importPreview.js';

const cut = { fileName: 'sample.csv', complete: false };

describe('import preview', () => {
  it('shows at most five rows and drops a row cut by the end of the sample', () => {
    const rows = Array.from({ length: 8 }, (_, i) => `O${i},C1,2024-01-0${i + 1},100`).join('\n');
    const preview = previewImport('orders', Buffer.from(`受注番号,得意先,伝票日付,金額\n${rows}`), cut);
    expect(preview.rows).toHaveLength(5);
    expect(preview.proposed.map((p) => p.column)).toEqual(['order_id', null, null, 'amount']);
    expect(preview.missing_required).toEqual(['customer_id', 'ordered_at']);
    const short = previewImport('orders', Buffer.from('受注番号,金額\nO1,100\nO2,2'), cut);
    expect(short.rows).toEqual([['O1', '100']]);
  });

  it('reads the keys of JSON lines as the header, and asks events for a customer id or an email', () => {
    const jsonl =
      '{"メール":"a@b.jp","種別":"visit","when":"2024-01-01"}\n{"メール":"c@d.jp","extra":{"x":1}}\n';
    const preview = previewImport('events', Buffer.from(jsonl), { fileName: 'events.jsonl', complete: true });
    expect(preview.layout).toBe('jsonl');
    expect(preview.header).toEqual(['メール', '種別', 'when', 'extra']);
    expect(preview.rows[1]).toEqual(['c@d.jp', '', '', '{"x":1}']);
    expect(preview.required_groups).toEqual([['customer_id', 'email'], ['type'], ['occurred_at']]);
    expect(preview.missing_required).toEqual(['occurred_at']);
    expect(preview.columns.find((c) => c.name === 'customer_id')).toEqual({
      name: 'customer_id',
      required: false,
      label_ja: '顧客ID',
    });
    // The usual Japanese header labels each column in the mapping table.
    expect(preview.columns.find((c) => c.name === 'occurred_at')?.label_ja).toMatch(/[日時]/);
  });

  it('refuses an empty sample', () => {
    expect(() => previewImport('customers', Buffer.alloc(0), cut)).toThrow(AppError);
  });
});

import { describe, expect, it } from 'vitest';
import {
  canonicalColumns,
  columnMappingProblems,
  mapHeaderWith,
  parseColumnMapText,
  requiredColumnGroups,
} from './columnMapping.js';

describe('column mapping', () => {
  it('maps the chosen headers and leaves the others to the alias table', () => {
    const mapped = mapHeaderWith('orders', ['伝票No', '得意先コード', '伝票日付', '税込金額', '備考'], {
      伝票No: 'order_id',
      伝票日付: 'ordered_at',
    });
    expect(mapped.columns).toEqual(['order_id', 'customer_id', 'ordered_at', 'amount', null]);
    expect(mapped.unknown).toEqual(['備考']);
    expect(mapped.absent).toEqual([]);
  });

  it('ignores a header mapped to null or an empty string even when it is an alias', () => {
    const mapped = mapHeaderWith('customers', ['顧客コード', '会社名', 'メール'], {
      メール: '',
      会社名: null,
    });
    expect(mapped.columns).toEqual(['customer_id', null, null]);
  });

  it('matches headers after NFKC and trimming, and lists mapped headers the file lacks', () => {
    const mapped = mapHeaderWith('customers', [' ＣＯＤＥ ', 'name'], { CODE: 'customer_id', 部署: null });
    expect(mapped.columns).toEqual(['customer_id', 'name']);
    expect(mapped.absent).toEqual(['部署']);
  });

  it('names unknown columns and two headers mapped to one column', () => {
    expect(columnMappingProblems('customers', { a: 'customer_id', b: 'name', c: null, d: '' })).toEqual([]);
    const problems = columnMappingProblems('customers', { a: 'customer_id', b: 'customer_id', c: 'nme' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("'a' and 'b' are both mapped to customer_id");
    expect(problems[1]).toContain(
      `'c' is mapped to 'nme', which is not a column of customers; use one of ${canonicalColumns('customers').join(', ')}`,
    );
  });

  it('reads --map text and points at a pair without an equals sign', () => {
    expect(parseColumnMapText('得意先コード=customer_id, 取引先名称=name,備考=')).toEqual({
      ok: true,
      mapping: { 得意先コード: 'customer_id', 取引先名称: 'name', 備考: null },
    });
    expect(parseColumnMapText('a=customer_id,name')).toEqual({ ok: false, pair: 'name' });
  });

  it('needs a customer id or an email for events', () => {
    expect(requiredColumnGroups('events')).toEqual([['customer_id', 'email'], ['type'], ['occurred_at']]);
    expect(requiredColumnGroups('customers')).toEqual([['customer_id'], ['name']]);
  });
});

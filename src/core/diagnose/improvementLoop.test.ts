import { describe, expect, it } from 'vitest';
import { type BusinessChange, findReapproachCustomers, type ReapproachCustomer } from './improvementLoop.js';
import { inferReasons, type ReasonInput } from './reasonInference.js';

const AS_OF = '2025-12-01';

function aCustomer(
  customerId: string,
  input: Partial<ReasonInput>,
  extra: Partial<ReapproachCustomer> = {},
): ReapproachCustomer {
  const reasonInput: ReasonInput = {
    lastPurchaseDay: '2025-04-20',
    purchasedProducts: ['Cloud Ledger'],
    purchasedCategories: ['software'],
    ...input,
  };
  return {
    customerId,
    reason: inferReasons(reasonInput, AS_OF),
    purchasedProducts: reasonInput.purchasedProducts ?? [],
    purchasedCategories: reasonInput.purchasedCategories ?? [],
    ...extra,
  };
}

const ticket = (text: string, product?: string) => ({
  texts: [{ type: 'support_ticket', day: '2025-03-02', text, product: product ?? null }],
});

const customers: ReapproachCustomer[] = [
  aCustomer('usability', ticket('画面が使いにくい')),
  aCustomer('usability-en', ticket('The new screen is hard to use')),
  aCustomer('quality', ticket('不具合が多くて困る')),
  aCustomer('price', { priceChanges: [{ kind: 'price_increase', category: 'software', day: '2025-04-01' }] }),
  aCustomer('forgotten', { engagement: { emailsSent: 6, emailsOpened: 0 } }),
  aCustomer('usability-active', ticket('画面が使いにくい'), { isDormant: false }),
  aCustomer('usability-other-product', ticket('画面が使いにくい', 'Label Printer')),
  aCustomer('usability-not-bought', { ...ticket('画面が使いにくい'), purchasedProducts: ['Label Printer'] }),
];

const uiFix: BusinessChange = {
  changeId: 'C-7',
  kind: 'product_issue',
  product: 'Cloud Ledger',
  startedAt: '2025-02-01',
  resolvedAt: '2025-06-01',
  description: '管理画面が使いにくい',
};

const ids = (result: ReturnType<typeof findReapproachCustomers>) =>
  result.matches.map((m) => m.customerId).sort();

describe('findReapproachCustomers', () => {
  it('brings back exactly the dormant customers who complained about the fixed problem on that product', () => {
    const result = findReapproachCustomers(uiFix, customers, AS_OF);
    expect(result.isApplicable).toBe(true);
    expect(result.changeThemes).toEqual(['usability']);
    expect(ids(result)).toEqual(['usability', 'usability-en']);
  });

  it('links the change to the customer own complaint', () => {
    const match = findReapproachCustomers(uiFix, customers, AS_OF).matches.find(
      (m) => m.customerId === 'usability',
    );
    expect(match).toMatchObject({ scope: 'product', sharedThemes: ['usability'], isThemeConfirmed: true });
    expect(match?.line).toBe(
      'product_issue C-7 resolved 2025-06-01 (管理画面が使いにくい) answers support ticket 2025-03-02: 『画面が使いにくい』',
    );
  });

  it('describes the fix in other words and still finds the theme', () => {
    const result = findReapproachCustomers(
      { ...uiFix, description: 'UIを刷新し操作性を改善しました' },
      customers,
      AS_OF,
    );
    expect(ids(result)).toEqual(['usability', 'usability-en']);
  });

  it('matches a quality fix to quality complaints only', () => {
    const result = findReapproachCustomers(
      { ...uiFix, description: '不具合を修正しました' },
      customers,
      AS_OF,
    );
    expect(ids(result)).toEqual(['quality']);
  });

  it('does nothing while the issue is not resolved, or resolved after the as-of day', () => {
    const open = findReapproachCustomers({ ...uiFix, resolvedAt: null }, customers, AS_OF);
    expect(open).toMatchObject({ isApplicable: false, matches: [] });
    const later = findReapproachCustomers({ ...uiFix, resolvedAt: '2026-01-10' }, customers, AS_OF);
    expect(later).toMatchObject({ isApplicable: false, matches: [] });
  });

  it('sends a price decrease to price-reason customers of that category, not to usability complainers', () => {
    const decrease: BusinessChange = {
      changeId: 'P-3',
      kind: 'price_decrease',
      category: 'software',
      startedAt: '2025-10-01',
    };
    const result = findReapproachCustomers(decrease, customers, AS_OF);
    expect(ids(result)).toEqual(['price']);
    expect(result.matches[0]?.line).toBe(
      'price_decrease P-3 on 2025-10-01 answers price increase of category software on 2025-04-01, last order 2025-04-20',
    );
  });

  it('answers no reason for a price increase', () => {
    const result = findReapproachCustomers(
      { changeId: 'X', kind: 'price_increase', startedAt: '2025-01-01' },
      customers,
      AS_OF,
    );
    expect(result.isApplicable).toBe(false);
  });

  it('matches a recorded product reason without a note to a product-scoped fix, marked unconfirmed', () => {
    const recorded = aCustomer('recorded', {
      override: { category: 'product', by: 'sato', at: '2025-07-01' },
    });
    const result = findReapproachCustomers(uiFix, [recorded], AS_OF);
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]).toMatchObject({ isThemeConfirmed: false, scope: 'product' });
  });

  it('reads the theme from a recorded reason note', () => {
    const recorded = aCustomer('recorded', {
      override: { category: 'product', note: '操作が難しいとの声', by: 'sato', at: '2025-07-01' },
    });
    const quality = findReapproachCustomers({ ...uiFix, description: '不具合を修正' }, [recorded], AS_OF);
    expect(quality.matches).toHaveLength(0);
    const usability = findReapproachCustomers(uiFix, [recorded], AS_OF);
    expect(usability.matches[0]).toMatchObject({ isThemeConfirmed: true, sharedThemes: ['usability'] });
  });

  it('skips reasons below the minimum confidence', () => {
    const result = findReapproachCustomers(uiFix, customers, AS_OF, { minConfidence: 0.9 });
    expect(result.matches).toEqual([]);
  });

  it('handles an empty customer list', () => {
    expect(findReapproachCustomers(uiFix, [], AS_OF).matches).toEqual([]);
  });
});

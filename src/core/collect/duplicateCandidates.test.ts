import { describe, expect, it } from 'vitest';
import {
  type CustomerIdentity,
  createDuplicateFinder,
  type DuplicateCandidate,
  findDuplicateCandidates,
} from './duplicateCandidates.js';

let nextId = 0;
function aCustomer(fields: Partial<CustomerIdentity> = {}): CustomerIdentity {
  nextId++;
  return {
    customerId: `C${String(nextId).padStart(4, '0')}`,
    name: `顧客${nextId}`,
    kind: 'company',
    email: null,
    phone: null,
    postalCode: null,
    prefecture: null,
    address: null,
    ...fields,
  };
}

function idsOf(candidates: DuplicateCandidate[], strength?: DuplicateCandidate['strength']): string[][] {
  return candidates
    .filter((c) => strength === undefined || c.strength === strength)
    .map((c) => c.customerIds);
}

describe('findDuplicateCandidates', () => {
  it('finds nothing among no customers or one customer', () => {
    expect(findDuplicateCandidates([]).candidates).toEqual([]);
    expect(findDuplicateCandidates([aCustomer({ name: '株式会社ABC' })]).candidates).toEqual([]);
  });

  it("finds SPEC's 株式会社ABC / (株)ＡＢＣ / ABC as one group", () => {
    const trio = [
      aCustomer({ customerId: 'A1', name: '株式会社ABC' }),
      aCustomer({ customerId: 'A2', name: '(株)ＡＢＣ' }),
      aCustomer({ customerId: 'A3', name: 'ABC' }),
      aCustomer({ customerId: 'X1', name: '株式会社XYZ' }),
    ];
    const { candidates } = findDuplicateCandidates(trio);
    expect(idsOf(candidates)).toEqual([['A1', 'A2', 'A3']]);
    const [candidate] = candidates;
    expect(candidate?.strength).toBe('name_only');
    expect(candidate?.similarity).toBeGreaterThan(0);
    expect(candidate?.similarity).toBeLessThanOrEqual(1);
    expect(candidate?.reasons.join('\n')).toContain('same name apart from legal form/width/spacing');
  });

  it('groups every legal-form, width and spacing variant of one company', () => {
    const names = [
      '株式会社ABC',
      '(株)ＡＢＣ',
      '㈱ABC',
      'ABC',
      'ABC Co., Ltd.',
      'ABC株式会社',
      '株式会社 ＡＢＣ',
    ];
    const customers = names.map((name) => aCustomer({ name }));
    const { candidates } = findDuplicateCandidates(customers);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]?.customerIds).toHaveLength(names.length);
  });

  it('calls a name match strong only when another identifier agrees', () => {
    const customers = [
      aCustomer({ customerId: 'D1', name: '株式会社ABC', email: 'sato@abc.co.jp' }),
      aCustomer({ customerId: 'D2', name: 'ABC Co., Ltd.', email: 'tanaka@tokyo.abc.co.jp' }),
      aCustomer({
        customerId: 'P1',
        name: '株式会社ミドリ',
        postalCode: '100-0001',
        address: '千代田区千代田1丁目1番1号',
      }),
      aCustomer({
        customerId: 'P2',
        name: 'ミドリ',
        postalCode: '〒1000001',
        address: '千代田区千代田1-1-1',
      }),
    ];
    const { candidates } = findDuplicateCandidates(customers);
    expect(idsOf(candidates, 'strong').sort()).toEqual([
      ['D1', 'D2'],
      ['P1', 'P2'],
    ]);
    expect(candidates.flatMap((c) => c.reasons)).toEqual(
      expect.arrayContaining([expect.stringContaining('same company email domain abc.co.jp')]),
    );
  });

  it('calls an exact email or phone match strong even when the names differ', () => {
    const customers = [
      aCustomer({ customerId: 'E1', name: 'エービーシー商事', email: 'Info@ABC.co.jp' }),
      aCustomer({ customerId: 'E2', name: 'ABC商事', email: 'info@abc.co.jp ' }),
      aCustomer({ customerId: 'T1', name: '山田工務店', phone: '03-1234-5678' }),
      aCustomer({ customerId: 'T2', name: 'ヤマダ工務店', phone: '+81 3 1234 5678' }),
    ];
    const { candidates } = findDuplicateCandidates(customers);
    expect(idsOf(candidates, 'strong')).toEqual([
      ['E1', 'E2'],
      ['T1', 'T2'],
    ]);
    expect(candidates.flatMap((c) => c.reasons)).toEqual(
      expect.arrayContaining(['same email info@abc.co.jp', 'same phone 03-1234-5678 ≈ +81 3 1234 5678']),
    );
  });

  it('does not treat a shared free-mail domain as evidence', () => {
    const customers = [
      aCustomer({ name: '佐藤商店', email: 'sato@gmail.com' }),
      aCustomer({ name: '鈴木商店', email: 'suzuki@gmail.com' }),
      aCustomer({ name: '田中商店', email: 'tanaka@i.softbank.jp' }),
      aCustomer({ name: '高橋商店', email: 'takahashi@i.softbank.jp' }),
    ];
    expect(findDuplicateCandidates(customers).candidates).toEqual([]);
  });

  it('lists a shared company email domain alone as weak only', () => {
    const customers = [
      aCustomer({ customerId: 'W1', name: 'ABC商事', email: 'a@abc.co.jp' }),
      aCustomer({ customerId: 'W2', name: 'エービーシー商事', email: 'b@abc.co.jp' }),
    ];
    expect(findDuplicateCandidates(customers).candidates.map((c) => [c.customerIds, c.strength])).toEqual([
      [['W1', 'W2'], 'weak'],
    ]);
  });

  it('joins transitive links A~B, B~C into one group', () => {
    const customers = [
      aCustomer({ customerId: 'G1', name: 'アルファ', email: 'x@alpha.co.jp' }),
      aCustomer({ customerId: 'G2', name: 'ベータ', email: 'x@alpha.co.jp', phone: '06-1111-2222' }),
      aCustomer({ customerId: 'G3', name: 'ガンマ', phone: '06(1111)2222' }),
    ];
    const { candidates } = findDuplicateCandidates(customers);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({ customerIds: ['G1', 'G2', 'G3'], strength: 'strong' });
    expect(candidates[0]?.reasons.some((r) => r.startsWith('G1 ~ G2: same email'))).toBe(true);
  });

  it('keeps a customer linked only by name out of the strong group it touches', () => {
    const customers = [
      aCustomer({ customerId: 'S1', name: '株式会社ABC', phone: '03-1234-5678' }),
      aCustomer({ customerId: 'S2', name: 'ABC', phone: '0312345678' }),
      aCustomer({ customerId: 'S3', name: 'ＡＢＣ株式会社', phone: '06-9999-0000' }),
    ];
    const { candidates } = findDuplicateCandidates(customers);
    expect(candidates.map((c) => [c.strength, c.customerIds])).toEqual([
      ['strong', ['S1', 'S2']],
      ['name_only', ['S1', 'S2', 'S3']],
    ]);
  });

  it('matches persons by name only within one prefecture, and treats a household phone as weak', () => {
    const customers = [
      aCustomer({ customerId: 'H1', kind: 'person', name: '山田 太郎', prefecture: '東京都' }),
      aCustomer({ customerId: 'H2', kind: 'person', name: '山田　太郎', prefecture: '東京' }),
      aCustomer({ customerId: 'H3', kind: 'person', name: '山田太郎', prefecture: '大阪府' }),
      aCustomer({ customerId: 'F1', kind: 'person', name: '鈴木 一郎', phone: '045-111-2222' }),
      aCustomer({ customerId: 'F2', kind: 'person', name: '鈴木 花子', phone: '045-111-2222' }),
    ];
    const { candidates } = findDuplicateCandidates(customers);
    expect(candidates.map((c) => [c.strength, c.customerIds])).toEqual([
      ['name_only', ['H1', 'H2']],
      ['weak', ['F1', 'F2']],
    ]);
    expect(candidates[1]?.reasons.join('\n')).toContain('household');
  });

  it('never calls a person and a company strong, even with the same email', () => {
    const customers = [
      aCustomer({ customerId: 'K1', name: '株式会社ABC', email: 'yamada@abc.co.jp' }),
      aCustomer({ customerId: 'K2', kind: 'person', name: '山田 太郎', email: 'yamada@abc.co.jp' }),
    ];
    const { candidates } = findDuplicateCandidates(customers);
    expect(candidates.map((c) => [c.strength, c.customerIds])).toEqual([['weak', ['K1', 'K2']]]);
    expect(candidates[0]?.reasons).toContain('one is a person, the other a company: 株式会社ABC / 山田 太郎');
  });

  it('finds near-identical names within one prefecture as weak candidates', () => {
    const customers = [
      aCustomer({
        customerId: 'N1',
        name: '株式会社サンライズ・ホールディングス東日本販売',
        prefecture: '宮城県',
      }),
      aCustomer({ customerId: 'N2', name: 'サンライズホールディングス東日本販賣', prefecture: '宮城県' }),
      aCustomer({ customerId: 'N3', name: 'サンライズホールディングス東日本販賣店', prefecture: '福岡県' }),
    ];
    const { candidates } = findDuplicateCandidates(customers);
    expect(candidates.map((c) => [c.strength, c.customerIds])).toEqual([['weak', ['N1', 'N2']]]);
    expect(candidates[0]?.reasons[0]).toMatch(/near-identical names \(bigram similarity 0\.9\d\) in 宮城県/);
    expect(findDuplicateCandidates(customers, { nearNames: false }).candidates).toEqual([]);
  });

  it('skips a block too large to be evidence and reports it', () => {
    const customers = Array.from({ length: 60 }, (_, i) =>
      aCustomer({ name: `支店${i}`, phone: '0120-000-111', prefecture: null }),
    );
    const search = findDuplicateCandidates(customers, { maxBlockSize: 50 });
    expect(search.candidates).toEqual([]);
    expect(search.oversizedBlocks).toEqual([{ field: 'phone', value: '0120000111', customers: 60 }]);
  });

  it('refuses the same customer given twice', () => {
    const finder = createDuplicateFinder();
    finder.add(aCustomer({ customerId: 'Z1' }));
    expect(() => finder.add(aCustomer({ customerId: 'Z1' }))).toThrow(/twice/);
  });

  it('compares 200,000 customers by blocking: fewer comparisons than customers, not all pairs', () => {
    // Counted, not timed: the comparisons made are the algorithm's cost (speed is benchmarked
    // by `mezame bench --only name-matching`).
    const small = findDuplicateCandidates(syntheticCustomers(50_000));
    const large = findDuplicateCandidates(syntheticCustomers(200_000));
    expect(large.customersCompared).toBe(200_200);
    // every planted twin shares its phone; no two other customers do
    expect(large.candidates.filter((c) => c.strength === 'strong')).toHaveLength(200);
    // all-pairs would compare 2·10¹⁰ pairs (1.25·10⁹ for 50,000); blocking compares only
    // customers sharing a key: fewer pairs than customers at both sizes
    expect(small.pairsCompared).toBeLessThan(50_000);
    expect(large.pairsCompared).toBeLessThan(200_000);
  });
});

/**
 * Customers with Japanese-looking names drawn by a seeded generator from a few hundred
 * characters (so bigrams are shared the way real names share them); every 1000th has a twin
 * written differently ((株) instead of 株式会社, a full-width space) with the same phone.
 */
function syntheticCustomers(count: number): CustomerIdentity[] {
  let state = 20240601;
  const random = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 8) % n;
  };
  const kana = Array.from(
    'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン',
  );
  const kanji = Array.from(
    '東西南北山川田中村木林森本上下大小高野原島井石松竹梅花鳥風月日光明和平安美春夏秋冬',
  );
  const trades = [
    '商事',
    '工業',
    '物産',
    '技研',
    'システム',
    '製作所',
    '食品',
    '電機',
    '建設',
    '化成',
    '運輸',
  ];
  const prefectures = ['東京都', '大阪府', '愛知県', '福岡県', '北海道', '宮城県', '広島県', '京都府'];
  const word = (alphabet: string[], length: number): string =>
    Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
  const customers: CustomerIdentity[] = [];
  for (let i = 0; i < count; i++) {
    const isPerson = i % 3 === 0;
    const company = `${word(random(2) === 0 ? kana : kanji, 2 + random(5))}${trades[random(trades.length)]}`;
    const person = [word(kanji, 2), word(kanji, 1 + random(2))] as const;
    const customer: CustomerIdentity = {
      customerId: `S${i}`,
      name: isPerson ? `${person[0]} ${person[1]}` : `株式会社${company}`,
      kind: isPerson ? 'person' : 'company',
      email: i % 2 === 0 ? `info${i}@c${i}.co.jp` : `user${i}@gmail.com`,
      phone: `0${3 + (i % 6)}-${String(Math.floor(i / 10_000)).padStart(4, '0')}-${String(i % 10_000).padStart(4, '0')}`,
      postalCode: null,
      prefecture: prefectures[random(prefectures.length)] as string,
      address: null,
    };
    customers.push(customer);
    if (i % 1000 === 0) {
      customers.push({
        ...customer,
        customerId: `T${i}`,
        name: isPerson ? `${person[0]}　${person[1]}` : `(株)${company} `,
        email: null,
      });
    }
  }
  return customers;
}

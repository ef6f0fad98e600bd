import { describe, expect, it } from 'vitest';
import { categoryFromLabel } from './reasonCategories.js';
import { findReasonSignals, normaliseReasonText } from './textSignals.js';

const categories = (text: string) =>
  [...new Set(findReasonSignals(text).signals.map((s) => s.category))].sort();

describe('normaliseReasonText', () => {
  it('folds full-width letters, digits and ideographic spaces', () => {
    expect(normaliseReasonText('ＵＩが　使い　にくい　１２３')).toBe('UIが使いにくい 123');
  });

  it('drops a space between two Japanese characters but keeps English word spaces', () => {
    expect(normaliseReasonText('使い にくい  hard  to use')).toBe('使いにくい hard to use');
  });

  it('turns half-width katakana into full-width', () => {
    expect(normaliseReasonText('ｻﾎﾟｰﾄ')).toBe('サポート');
  });
});

describe('findReasonSignals', () => {
  const cases: { description: string; text: string; expected: string[] }[] = [
    { description: 'a Japanese usability complaint', text: '画面が使いにくい', expected: ['product'] },
    {
      description: 'a full-width, spaced Japanese complaint',
      text: '画面が　使い　づらい',
      expected: ['product'],
    },
    { description: 'a Japanese price complaint', text: '値段が高すぎます', expected: ['price'] },
    { description: 'an English price complaint', text: 'It is too expensive for us', expected: ['price'] },
    { description: 'a contact who left', text: '前任の担当者が退職しました', expected: ['environment'] },
    {
      description: 'a reorganisation in English',
      text: 'We went through a restructuring',
      expected: ['environment'],
    },
    { description: 'a competitor switch', text: '他社に乗り換えました', expected: ['competitor'] },
    {
      description: 'a need that ended',
      text: 'プロジェクトが終了し、必要なくなりました',
      expected: ['need_gone'],
    },
    { description: 'staff trouble', text: '営業担当の対応が悪かった', expected: ['staff'] },
    {
      description: 'too many messages',
      text: 'メルマガが多すぎて配信停止しました',
      expected: ['over_contact'],
    },
    {
      description: 'an English over-contact answer',
      text: 'Too many emails, please stop',
      expected: ['over_contact'],
    },
    {
      description: 'a mixed text with two reasons',
      text: '価格が高いし、他社の方が安かったので乗り換えました',
      expected: ['competitor', 'price'],
    },
    {
      description: 'a mixed English text',
      text: 'The app was hard to use and the price went up last spring.',
      expected: ['price', 'product'],
    },
    {
      description: 'high quality, which is no price complaint',
      text: '品質が高いので満足しています',
      expected: [],
    },
    { description: 'an unrelated text', text: '来月の請求書を送ってください', expected: [] },
    { description: 'an empty text', text: '', expected: [] },
    {
      description: 'a polite opening that is no rudeness',
      text: '突然のご連絡失礼いたします。',
      expected: [],
    },
    {
      description: 'a support complaint about staff',
      text: 'サポート対応に不満があります',
      expected: ['staff'],
    },
    {
      description: 'neglect after a rep change',
      text: '担当が変わってから提案がなくなりました',
      expected: ['environment', 'staff'],
    },
    {
      description: 'a product line that ended',
      text: '製品の生産を終了したので今後不要になります',
      expected: ['need_gone'],
    },
    {
      description: 'work moved out of house',
      text: '加工を外注にしたので研磨材を使うことがなくなりました',
      expected: ['need_gone'],
    },
    {
      description: 'a cheaper offer from another firm',
      text: 'A社から同等品をもっと安く提案されています',
      expected: ['competitor'],
    },
    {
      description: 'a competitor offer the customer turned down',
      text: '他社からも提案がありましたが、引き続き御社にお願いします',
      expected: [],
    },
    {
      description: 'a consumer who moved house',
      text: '転勤になり、届け先の住所が変わりました',
      expected: ['environment'],
    },
    {
      description: 'a cold support desk',
      text: '問い合わせ窓口の対応が冷たく感じました',
      expected: ['staff'],
    },
    {
      description: 'a late delivery',
      text: '配送が遅れてペットフードを切らしてしまいました',
      expected: ['product'],
    },
    {
      description: 'a shopper who tried other shops and stayed',
      text: '他のお店も試しましたが、やはりこちらが好きです',
      expected: [],
    },
    {
      description: 'a hard-to-use complaint in another form',
      text: '使い方が難しく、管理画面が分かりにくく感じます',
      expected: ['product'],
    },
  ];
  it.each(cases)('finds the categories of $description', ({ text, expected }) => {
    expect(categories(text)).toEqual(expected);
  });

  const negations: { text: string; negatedCategory: string }[] = [
    { text: '特に不満はないです', negatedCategory: 'product' },
    { text: '価格は高くはない', negatedCategory: 'price' },
    { text: '品質に問題ありません', negatedCategory: 'product' },
    { text: '品質に問題はありません', negatedCategory: 'product' },
    { text: '特に不満もなく使っていました', negatedCategory: 'product' },
    { text: 'It is not expensive at all', negatedCategory: 'price' },
    { text: "It wasn't too expensive", negatedCategory: 'price' },
    { text: 'No complaints about the product', negatedCategory: 'product' },
  ];
  it.each(negations)('reads 「$text」 as negated', ({ text, negatedCategory }) => {
    const found = findReasonSignals(text);
    expect(found.signals).toEqual([]);
    expect(found.negated.map((s) => s.category)).toContain(negatedCategory);
  });

  it('keeps the positive reason when another part of the text is negated', () => {
    const found = findReasonSignals('不満はないが、価格が高い');
    expect(found.signals.map((s) => s.category)).toEqual(['price']);
    expect(found.negated.map((s) => s.category)).toEqual(['product']);
  });

  it('does not read a later, unrelated negative verb as negation', () => {
    expect(categories('値段が高いから要らない')).toEqual(['price']);
  });

  it('returns the matched phrase and the sentence it came from', () => {
    const [signal] = findReasonSignals('いつもお世話になっております。画面が使いにくいです。').signals;
    expect(signal).toMatchObject({ category: 'product', theme: 'usability', phrase: '使いにく' });
    expect(signal?.excerpt).toBe('画面が使いにくいです。');
  });

  it('counts a phrase inside a longer phrase only once', () => {
    const found = findReasonSignals('価格に不満があります');
    expect(found.signals).toHaveLength(1);
    expect(found.signals[0]?.category).toBe('price');
  });

  it('does not match an English stem inside another word', () => {
    expect(categories('The inexpensive plan was fine')).toEqual([]);
    expect(categories('uint values overflowed')).toEqual([]);
  });

  it('shortens a long sentence around the match', () => {
    const long = `${'あ'.repeat(80)}使いにくい${'い'.repeat(80)}`;
    const excerpt = findReasonSignals(long).signals[0]?.excerpt ?? '';
    expect(excerpt.length).toBeLessThanOrEqual(62);
    expect(excerpt).toContain('使いにくい');
  });
});

describe('categoryFromLabel', () => {
  it('reads survey choices and category codes', () => {
    expect(categoryFromLabel('価格不満')).toBe('price');
    expect(categoryFromLabel(' 競合切替 ')).toBe('competitor');
    expect(categoryFromLabel('NEED_GONE')).toBe('need_gone');
    expect(categoryFromLabel('その他')).toBe('other');
  });

  it('returns null for free text', () => {
    expect(categoryFromLabel('価格が高いので')).toBeNull();
  });
});

describe('quality and hand-over complaints found on the demo', () => {
  it.each([
    ['品質が安定しないので、しばらく発注を控えます。', 'product', 'quality'],
    ['チップの寿命が短くなりました。', 'product', 'quality'],
    ['スローアウェイチップの寿命が以前より明らかに短くなっています。', 'product', 'quality'],
    ['前回の切削工具はロットによって品質にばらつきがあり、現場から苦情が出ています。', 'product', 'quality'],
    ['前任の方には良くしていただいたのですが、引き継ぎが不十分だと感じます。', 'staff', 'staff_response'],
    ['新しい担当者と連絡がつかず、困っています。', 'staff', 'staff_response'],
    ['Nobody has answered our inquiry for two weeks.', 'staff', 'staff_response'],
  ])('reads 「%s」 as %s (%s)', (text, category, theme) => {
    const found = findReasonSignals(text);
    expect(found.signals.map((s) => [s.category, s.theme])).toEqual([[category, theme]]);
    expect(found.negated).toEqual([]);
  });

  it.each([
    ['寿命が短くはないのですが、価格を確認したいです。', 'product'],
    ['品質にばらつきはなく、満足しています。', 'product'],
    ['引き継ぎが不十分ではありませんでした。', 'staff'],
  ])('reads the negated 「%s」 as no %s complaint', (text, category) => {
    const found = findReasonSignals(text);
    expect(found.signals).toEqual([]);
    expect(found.negated.map((s) => s.category)).toEqual([category]);
  });

  it('needs a lifetime word for 短く and a quality word for ばらつき', () => {
    expect(findReasonSignals('納期を短くしてほしいです。').signals).toEqual([]);
    expect(findReasonSignals('到着日にばらつきがあります。').signals).toEqual([]);
  });
});

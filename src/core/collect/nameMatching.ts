/**
 * Name matching (名寄せ): keys under which the same company, written differently, collides.
 * 株式会社ABC, (株)ＡＢＣ, ㈱ABC and ABC Co., Ltd. all share the key "ABC".
 */

/** Legal-form words and abbreviations, after NFKC (so ㈱ is already "(株)"). */
const LEGAL_FORMS = [
  '株式会社',
  '有限会社',
  '合同会社',
  '合資会社',
  '合名会社',
  '一般社団法人',
  '公益社団法人',
  '一般財団法人',
  '公益財団法人',
  '社会福祉法人',
  '医療法人社団',
  '医療法人財団',
  '医療法人',
  '学校法人',
  '特定非営利活動法人',
  'NPO法人',
  '(株)',
  '(有)',
  '(同)',
  '(資)',
  '(名)',
  '(社)',
  '(財)',
  '(医)',
  '(学)',
];
const LATIN_LEGAL_FORMS =
  /\b(co\.?,?\s*ltd\.?|company\s+limited|corporation|corp\.?|incorporated|inc\.?|k\.?k\.?|g\.?k\.?|llc|ltd\.?|limited|co\.?)(?=\s|$|[,.])/gi;

/**
 * The key two company names share when they differ only in legal form, width, case,
 * spacing or punctuation.
 *
 * @example companyNameKey('(株)ＡＢＣ 商事') === companyNameKey('株式会社ABC商事') // "ABC商事"
 */
export function companyNameKey(name: string): string {
  let s = name.normalize('NFKC');
  for (const form of LEGAL_FORMS) s = s.split(form).join(' ');
  s = s.replace(LATIN_LEGAL_FORMS, ' ');
  return s
    .toUpperCase()
    .replace(/[\s・.,、。'"’\-‐―_/()[\]「」【】&]+/g, '')
    .trim();
}

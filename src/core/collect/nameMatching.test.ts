import { describe, expect, it } from 'vitest';
import {
  addressKey,
  bigramSimilarity,
  companyEmailDomain,
  companyNameKey,
  customerNameKey,
  isFreeMailDomain,
  normaliseEmail,
  normalisePhone,
  normalisePostalCode,
  personNameKey,
  prefectureKey,
} from './nameMatching.js';

describe('companyNameKey', () => {
  it.each([
    '株式会社ABC',
    '(株)ＡＢＣ',
    '㈱ABC',
    'ABC',
    'ABC Co., Ltd.',
    'ABC Co.,Ltd',
    'ABC株式会社',
    '株式会社 ＡＢＣ',
    '株式会社　ＡＢＣ',
    'ａｂｃ',
    'ABC Inc.',
    'ABC K.K.',
    'ABC Corporation',
    'ｶ)ABC',
    '㍿ABC',
    '㈲ABC',
    '（株）ABC',
    ' ABC　株式会社 ',
  ])('gives %s the same key as 株式会社ABC', (name) => {
    expect(companyNameKey(name)).toBe('ABC');
  });

  it('keeps the rest of the name, so different companies stay different', () => {
    expect(companyNameKey('株式会社ABC商事')).toBe('ABC商事');
    expect(companyNameKey('(株)ＡＢＣ・商事')).toBe('ABC商事');
    expect(companyNameKey('ABC物産株式会社')).not.toBe(companyNameKey('ABC商事株式会社'));
  });

  it('removes Japanese legal forms of every kind, before or after the name', () => {
    expect(companyNameKey('有限会社 山田工務店')).toBe('山田工務店');
    expect(companyNameKey('山田工務店(有)')).toBe('山田工務店');
    expect(companyNameKey('医療法人社団 さくら会')).toBe('さくら会');
    expect(companyNameKey('合同会社ミライ')).toBe('ミライ');
    expect(companyNameKey('一般社団法人 日本協会')).toBe('日本協会');
  });

  it('turns half-width katakana into full-width', () => {
    expect(companyNameKey('ｱｲｳ商会')).toBe(companyNameKey('アイウ商会'));
  });

  it('leaves English words that only look like legal forms inside a name alone', () => {
    expect(companyNameKey('NASA')).toBe('NASA');
    expect(companyNameKey('Costco')).toBe('COSTCO');
    expect(companyNameKey('(カフェ)ABC')).toBe('カフェABC');
    expect(companyNameKey('ABC Holdings Co., Ltd.')).toBe('ABCHOLDINGS');
  });

  it('keeps a name that is nothing but a legal form as itself, not as an empty key', () => {
    expect(companyNameKey('株式会社')).toBe('株式会社');
    expect(companyNameKey('')).toBe('');
  });
});

describe('personNameKey', () => {
  it('ignores half-width and full-width spaces and the honorific 様', () => {
    expect(personNameKey('山田 太郎')).toBe('山田太郎');
    expect(personNameKey('山田　太郎')).toBe('山田太郎');
    expect(personNameKey('山田太郎 様')).toBe('山田太郎');
    expect(personNameKey('ﾔﾏﾀﾞ ﾀﾛｳ')).toBe('ヤマダタロウ');
  });

  it('does not strip legal forms from a person, unlike the company key', () => {
    expect(customerNameKey('株式会社 山田', 'person')).toBe('株式会社山田');
    expect(customerNameKey('株式会社 山田', 'company')).toBe('山田');
  });
});

describe('email normalisation', () => {
  it('applies NFKC, trims and lower-cases', () => {
    expect(normaliseEmail(' Taro@ＡＢＣ.co.jp ')).toBe('taro@abc.co.jp');
    expect(normaliseEmail('mailto:Hanako@abc.co.jp')).toBe('hanako@abc.co.jp');
  });

  it('gives null for non-addresses and reserved example domains', () => {
    expect(normaliseEmail('not an address')).toBeNull();
    expect(normaliseEmail('')).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
    expect(normaliseEmail('someone@example.com')).toBeNull();
    expect(normaliseEmail('someone@example.co.jp')).toBeNull();
  });

  it('extracts the registrable company domain', () => {
    expect(companyEmailDomain('Sato@Tokyo.ABC.co.jp')).toBe('abc.co.jp');
    expect(companyEmailDomain('sato@abc.com')).toBe('abc.com');
    expect(companyEmailDomain('sato@mail.abc.com')).toBe('abc.com');
  });

  it.each([
    'gmail.com',
    'yahoo.co.jp',
    'outlook.jp',
    'hotmail.com',
    'icloud.com',
    'docomo.ne.jp',
    'ezweb.ne.jp',
    'au.com',
    'softbank.ne.jp',
    'i.softbank.jp',
    'd.vodafone.ne.jp',
  ])('treats %s as free mail: no company domain', (domain) => {
    expect(isFreeMailDomain(domain)).toBe(true);
    expect(companyEmailDomain(`someone@${domain}`)).toBeNull();
  });
});

describe('normalisePhone', () => {
  it.each([
    '03-1234-5678',
    '0312345678',
    '(03)1234-5678',
    '03 (1234) 5678',
    '０３－１２３４－５６７８',
    '+81 3-1234-5678',
    '+81-(0)3-1234-5678',
    '81312345678',
    '312345678',
    '03-1234-5678 内線123',
  ])('reads %s as 0312345678', (phone) => {
    expect(normalisePhone(phone)).toBe('0312345678');
  });

  it('reads a mobile number written the international way', () => {
    expect(normalisePhone('+81 90-1234-5678')).toBe('09012345678');
  });

  it('gives null for placeholders and things too short to be numbers', () => {
    expect(normalisePhone('000-0000-0000')).toBeNull();
    expect(normalisePhone('123')).toBeNull();
    expect(normalisePhone('')).toBeNull();
    expect(normalisePhone('なし')).toBeNull();
  });
});

describe('postal codes and addresses', () => {
  it('reads postal codes with 〒 and full-width digits', () => {
    expect(normalisePostalCode('〒１００－０００１')).toBe('1000001');
    expect(normalisePostalCode('100')).toBeNull();
  });

  it('writes 丁目/番/号 and hyphens the same way', () => {
    expect(addressKey('千代田区千代田１丁目１番１号')).toBe(addressKey('千代田区 千代田1-1-1'));
    expect(addressKey('千代田区千代田1−1−1')).toBe(addressKey('千代田区千代田1-1-1'));
  });
});

describe('prefectureKey', () => {
  it('compares prefectures with or without 都道府県', () => {
    expect(prefectureKey('東京都')).toBe(prefectureKey('東京'));
    expect(prefectureKey('北海道')).toBe(prefectureKey('北海'));
    expect(prefectureKey('京都府')).toBe('京都');
    expect(prefectureKey('京都')).toBe('京都');
    expect(prefectureKey('神奈川県')).toBe('神奈川');
    expect(prefectureKey(' ')).toBeNull();
  });
});

describe('bigramSimilarity', () => {
  it('is 1 for equal texts and 0 for texts with nothing in common', () => {
    expect(bigramSimilarity('ABC商事', 'ABC商事')).toBe(1);
    expect(bigramSimilarity('ABCD', 'WXYZ')).toBe(0);
    expect(bigramSimilarity('ABC商事株式', 'ABC商事')).toBeCloseTo(0.8);
  });
});

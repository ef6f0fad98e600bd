import { describe, expect, it } from 'vitest';
import { REASON_CATEGORIES } from '../diagnose/index.js';
import { monthsBetween, type ScriptContext, writeTalkScript } from './talkScript.js';

const base: ScriptContext = {
  kind: 'call',
  reason: 'product',
  customerName: '株式会社あおば製作所',
  contactName: '佐藤 花子',
  formerContactName: '山田 太郎',
  repName: '田中',
  lastPurchaseDay: '2025-03-10',
  lastProduct: '工具セット',
  monthsSince: 20,
  evidence: '2025-04-02 サポート: 納期が遅れた',
  improvement: '納期を全品3営業日以内に短縮',
};

const text = (lines: { text: string }[]) => lines.map((l) => l.text).join('\n');

describe('writeTalkScript', () => {
  it('announces the improvement for a product complaint and never leads with a discount', () => {
    const { ja, en } = writeTalkScript(base);
    expect(ja.lines[0]).toEqual({
      step: 'opening',
      text: 'いつもお世話になっております。営業担当の田中でございます。株式会社あおば製作所の佐藤 花子様はいらっしゃいますでしょうか。',
    });
    expect(text(ja.lines)).toContain('2025年3月10日に工具セットをご注文いただいて以来、約20か月');
    expect(text(ja.lines)).toContain('「納期を全品3営業日以内に短縮」を実施いたしました');
    expect(text(ja.lines)).not.toMatch(/割引|値引き|オフ/);
    expect(text(en.lines)).not.toMatch(/discount|% off/i);
    expect(en.lines[1]?.text).toContain('since your order of 工具セット on 10 Mar 2025, about 20 months ago');
  });

  it('keeps the evidence in the rep notes, not in what is said', () => {
    const { ja, en } = writeTalkScript(base);
    expect(ja.notes[0]).toBe('把握している事実: 2025-04-02 サポート: 納期が遅れた');
    expect(en.notes[0]).toContain('納期が遅れた');
    expect(text(ja.lines)).not.toContain('納期が遅れた');
  });

  it('offers a price plan for a price reason', () => {
    const { ja, en } = writeTalkScript({ ...base, reason: 'price' });
    expect(ja.offer).toContain('料金プラン');
    expect(text(ja.lines)).toContain('料金プラン');
    expect(en.offer).toMatch(/price plan/i);
  });

  it('introduces the rep to the new contact when the situation changed, naming who left', () => {
    const { ja, en } = writeTalkScript({ ...base, reason: 'environment', kind: 'visit' });
    expect(ja.lines[0]?.text).toContain('本日はお忙しいところ');
    expect(text(ja.lines)).toContain('これまで山田 太郎様に大変お世話になっておりました');
    expect(text(ja.lines)).toContain('御社には2025年3月10日のご注文までご愛顧いただいておりました');
    expect(text(en.lines)).toContain('introduce myself');
  });

  it('writes a script for every reason, and for no reason at all, in both languages', () => {
    for (const reason of [...REASON_CATEGORIES, null]) {
      const scripts = writeTalkScript({ ...base, reason });
      for (const s of [scripts.ja, scripts.en]) {
        expect(s.lines.map((l) => l.step)).toEqual(['opening', 'bridge', 'offer', 'ask', 'closing']);
        expect(s.offer.length).toBeGreaterThan(0);
        for (const line of s.lines) expect(line.text).not.toMatch(/undefined|null|NaN/);
      }
    }
  });

  it('reads well with nothing known: no contact, no purchase, no rep name', () => {
    const { ja, en } = writeTalkScript({
      ...base,
      reason: 'forgotten',
      contactName: null,
      formerContactName: null,
      repName: null,
      lastPurchaseDay: null,
      lastProduct: null,
      monthsSince: null,
      evidence: null,
      improvement: null,
    });
    expect(ja.lines[0]?.text).toContain('ご担当者様');
    expect(text(ja.lines)).toContain('しばらくご無沙汰しております');
    expect(text(ja.lines)).toContain('弊社の商品');
    expect(ja.notes).toHaveLength(1);
    expect(text(en.lines)).not.toMatch(/undefined|null/);
  });

  it('keeps markup-like customer text as plain text for the renderer to escape', () => {
    const { ja } = writeTalkScript({ ...base, customerName: '<b>株式会社</b>' });
    expect(ja.lines[0]?.text).toContain('<b>株式会社</b>');
  });
});

describe('monthsBetween', () => {
  it('counts whole calendar months and never goes negative', () => {
    expect(monthsBetween('2025-03-10', '2026-11-22')).toBe(20);
    expect(monthsBetween('2025-03-31', '2025-04-30')).toBe(0);
    expect(monthsBetween('2026-12-01', '2026-11-22')).toBe(0);
  });
});

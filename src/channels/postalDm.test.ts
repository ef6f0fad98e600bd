import iconv from 'iconv-lite';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import {
  addresseeName,
  cp932Unmappable,
  formatPostalCode,
  letterHtml,
  lettersHtml,
  type MailingRecipient,
  mailingListCsv,
  qrSvg,
} from './postalDm.js';

function aRecipient(overrides: Partial<MailingRecipient> = {}): MailingRecipient {
  return {
    postalCode: '1000001',
    address: '東京都千代田区千代田1-1',
    companyName: '株式会社めざめ商事',
    department: '営業部',
    personName: '山田 太郎',
    ...overrides,
  };
}

/** RFC 4180 reader for the assertions: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('mailingListCsv', () => {
  it('round-trips Japanese names and addresses through CP932', () => {
    const rows = [
      aRecipient({ personName: '髙橋 一郎', address: '大阪府大阪市北区梅田１丁目２番３号 ①ビル 〜3F' }),
      aRecipient({ companyName: '㈱サンプル', department: '', personName: null, postalCode: '〒530-0001' }),
    ];
    const buffer = mailingListCsv(rows, 'cp932');
    expect(buffer.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(parseCsv(iconv.decode(buffer, 'cp932'))).toEqual([
      ['郵便番号', '住所', '会社名', '部署', '氏名'],
      [
        '100-0001',
        '大阪府大阪市北区梅田１丁目２番３号 ①ビル ～3F',
        '株式会社めざめ商事',
        '営業部',
        '髙橋 一郎 様',
      ],
      ['530-0001', '東京都千代田区千代田1-1', '㈱サンプル', '', 'ご担当者 様'],
    ]);
  });

  it('writes UTF-8 with a BOM so Excel reads it as UTF-8', () => {
    const buffer = mailingListCsv([aRecipient({ personName: '𠮷田 花子' })], 'utf8');
    expect([...buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parseCsv(buffer.subarray(3).toString('utf8'))[1]?.[4]).toBe('𠮷田 花子 様');
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    const tricky = aRecipient({
      address: '東京都港区1-2-3\r\nABCビル 5F',
      companyName: 'Acme, Inc.',
      department: '"Sales" 部',
    });
    const text = mailingListCsv([tricky], 'utf8').subarray(3).toString('utf8');
    expect(text).toContain('"Acme, Inc."');
    expect(text).toContain('"""Sales"" 部"');
    expect(parseCsv(text)[1]).toEqual([
      '100-0001',
      '東京都港区1-2-3\r\nABCビル 5F',
      'Acme, Inc.',
      '"Sales" 部',
      '山田 太郎 様',
    ]);
  });

  it('keeps a spreadsheet from running a field as a formula', () => {
    const text = mailingListCsv(
      [aRecipient({ companyName: '=HYPERLINK("http://x","y")', department: '@SUM(1)' })],
      'utf8',
    )
      .subarray(3)
      .toString('utf8');
    const row = parseCsv(text)[1];
    expect(row?.[2]).toBe('\'=HYPERLINK("http://x","y")');
    expect(row?.[3]).toBe("'@SUM(1)");
  });

  it('writes only the header for no rows', () => {
    expect(iconv.decode(mailingListCsv([], 'cp932'), 'cp932')).toBe('郵便番号,住所,会社名,部署,氏名\r\n');
  });

  it('names what CP932 cannot carry', () => {
    const rows = [aRecipient(), aRecipient({ personName: '𠮷田 花子 😀' }), aRecipient({ address: '〜−‖' })];
    expect(cp932Unmappable(rows)).toEqual([{ row: 1, characters: ['𠮷', '😀'] }]);
  });
});

describe('formatPostalCode and addresseeName', () => {
  it.each([
    ['1234567', '123-4567'],
    ['123-4567', '123-4567'],
    ['１２３－４５６７', '123-4567'],
    ['〒123-4567', '123-4567'],
    [' 123 4567 ', '123-4567'],
    ['12345', '12345'],
    ['', ''],
  ])('formats %s as %s', (input, expected) => {
    expect(formatPostalCode(input)).toBe(expected);
  });

  it('adds 様 once, and addresses ご担当者 when there is no person', () => {
    expect(addresseeName('山田 太郎')).toBe('山田 太郎 様');
    expect(addresseeName('山田 太郎様')).toBe('山田 太郎 様');
    expect(addresseeName('  ')).toBe('ご担当者 様');
    expect(addresseeName(null)).toBe('ご担当者 様');
  });
});

/** The dark modules drawn by qrcode's SVG path ("M x y.5 h n m dx dy h n …" runs). */
function modulesOfSvg(svg: string, margin: number): { size: number; dark: Set<string> } {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  const size = Number(viewBox?.[1]) - 2 * margin;
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1] ?? '';
  const dark = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, op, a, b] of d.matchAll(/([MmHhVv])(-?[\d.]+)(?:\s(-?[\d.]+))?/g)) {
    const n = Number(a);
    if (op === 'M') [x, y] = [n, Number(b)];
    else if (op === 'm') [x, y] = [x + n, y + Number(b)];
    else if (op === 'h') {
      for (let i = 0; i < n; i++) dark.add(`${x + i - margin},${Math.floor(y) - margin}`);
      x += n;
    } else throw new Error(`unexpected path command ${op}`);
  }
  return { size, dark };
}

describe('qrSvg', () => {
  const url = 'https://mezame.example.jp/t/c/eyJtIjo0MiwiayI6ImMifQ.abcdefghijklmnopqrstuv';

  it('is an SVG whose modules are exactly the QR code of the URL, the same every time', async () => {
    const svg = await qrSvg(url);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<path');
    expect(await qrSvg(url)).toBe(svg);
    expect(await qrSvg(`${url}x`)).not.toBe(svg);

    const expected = QRCode.create(url, { errorCorrectionLevel: 'M' }).modules;
    const drawn = modulesOfSvg(svg, 4);
    expect(drawn.size).toBe(expected.size);
    const expectedDark = new Set<string>();
    for (let row = 0; row < expected.size; row++) {
      for (let col = 0; col < expected.size; col++) {
        if (expected.get(row, col)) expectedDark.add(`${col},${row}`);
      }
    }
    expect(drawn.dark).toEqual(expectedDark);
  });
});

describe('letterHtml', () => {
  const personalUrl = 'https://mezame.example.jp/t/c/abc.def';

  it('is an A4 print page with the addressee block, escaped paragraphs and the QR with the URL', async () => {
    const svg = await qrSvg(personalUrl);
    const html = letterHtml({
      text: '山田様\n\nいつもお世話になっております。\n新しいご提案です。\n\n敬具',
      recipient: aRecipient({ address: '東京都千代田区千代田1-1\nめざめビル3F' }),
      senderName: '株式会社めざめ商事',
      senderAddress: '〒150-0001 東京都渋谷区神宮前1-1-1',
      personalUrl,
      qrSvg: svg,
      locale: 'ja',
    });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('@page { size: A4;');
    expect(html).toContain('<div class="postal">〒100-0001</div>');
    expect(html).toContain('<div class="address">東京都千代田区千代田1-1<br>めざめビル3F</div>');
    expect(html).toContain('<div class="name">山田 太郎 様</div>');
    expect(html).toContain(
      '<p>山田様</p>\n<p>いつもお世話になっております。<br>新しいご提案です。</p>\n<p>敬具</p>',
    );
    expect(html).toContain(
      `<img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" alt="QR">`,
    );
    expect(html).toContain('<div class="url">mezame.example.jp/t/c/abc.def</div>');
  });

  it('escapes markup in the name, company, address and body', () => {
    const html = letterHtml({
      text: '<script>alert(1)</script>\n\n<b>x</b>',
      recipient: aRecipient({
        personName: '<script>alert("name")</script>',
        companyName: '<img src=x onerror=alert(1)>',
        address: '"><svg onload=alert(1)>',
      }),
      senderName: 'A & B',
      senderAddress: '',
      personalUrl: 'https://mezame.example.jp/t/c/"><script>',
      qrSvg: '<svg><script>alert(1)</script></svg>',
      locale: 'en',
    });
    expect(html).not.toMatch(/<script|<img src=x|<svg onload|<b>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(html).toContain('A &amp; B');
    expect(html).toContain('<html lang="en">');
  });

  it('puts several letters on their own pages in one document', async () => {
    const input = {
      text: 'Hello',
      recipient: aRecipient(),
      senderName: 'S',
      senderAddress: 'A',
      personalUrl,
      qrSvg: await qrSvg(personalUrl),
      locale: 'en' as const,
    };
    const html = lettersHtml([input, { ...input, recipient: aRecipient({ personName: null }) }], 'en');
    expect(html.match(/<section class="letter">/g)).toHaveLength(2);
    expect(html).toContain('Attn: Manager');
  });
});

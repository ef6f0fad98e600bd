import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { PlainCsvSplitter } from './plainCsv.js';
import { csvChunks } from './recordSource.js';

/** What csv-parse alone makes of the whole text, with the import's options. */
function reference(text: string, delimiter: string): string[][] {
  return parse(text, {
    bom: true,
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  }) as string[][];
}

async function read(pieces: (string | Buffer)[], delimiter: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const chunk of csvChunks(Readable.from(pieces, { objectMode: true }), delimiter)) {
    for (const record of chunk) if ('cells' in record) out.push(record.cells);
  }
  return out;
}

/** The text cut into two pieces at every position, as strings and as bytes, and one piece per byte. */
function splits(text: string): (string | Buffer)[][] {
  const bytes = Buffer.from(text);
  const out: (string | Buffer)[][] = [[text], [bytes]];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  for (let i = 1; i < bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push([...bytes].map((b) => Buffer.from([b])));
  return out;
}

const TRICKY: [name: string, text: string, delimiter?: string][] = [
  ['LF with a final line end', 'a,b\nc,d\n'],
  ['LF without a final line end', 'a,b\nc,d'],
  ['CRLF', 'a,b\r\nc,d\r\n'],
  ['CRLF without a final line end', 'a,b\r\nc,d'],
  ['empty lines', 'a,b\n\nc,d\n\n\n'],
  ['only line ends', '\n\n'],
  ['only CRLF line ends', '\r\n\r\n'],
  ['empty fields', 'a,,b\n,,\n,\n'],
  ['a byte-order mark', '\uFEFFa,b\n1,2\n'],
  ['a byte-order mark and CRLF', '\uFEFFa,b\r\n1,2\r\n'],
  ['two byte-order marks', '\uFEFF\uFEFFa,b\n1,2\n'],
  ['LF inside a CRLF file', 'a,b\r\nc\nd,e\r\nf,g'],
  ['CR inside an LF file', 'a,b\nc\r,d\n'],
  ['CR line ends', 'a,b\rc,d\re,f'],
  ['a lone CR at the end', 'a,b\r'],
  ['CRLF file ending in CR', 'a,b\r\nc,d\r'],
  ['quoted commas and newlines after plain lines', 'a,b\n1,2\n3,"x,y"\n4,"multi\nline"\n5,z\n'],
  ['quoted CRLF in a CRLF file', 'a,b\r\n1,2\r\n3,"x\r\ny"\r\n4,5\r\n'],
  ['a quote in the header', '"a""b",c\r\n1,2\r\n'],
  ['a quote inside an unquoted field', 'a,b\n1,x"y"z\n2,3\n'],
  ['a quoted empty field', 'a,b\n"",\n1,""\n'],
  ['spaces kept', ' a , b \n 1 ,2 \n'],
  ['Japanese text', '注文番号,顧客ID,金額\nＯ１,Ｃ００１,１，２００\n'],
  ['tab-separated', 'a\tb\n1\t2,3\n', '\t'],
  ['semicolon-separated with quotes', 'a;b\n1;"2;3"\n', ';'],
];

describe('reading CSV through the plain fast path', () => {
  it.each(TRICKY)(
    'gives what csv-parse gives for %s, wherever the text is cut',
    async (_, text, delimiter = ',') => {
      const expected = reference(text, delimiter);
      for (const pieces of splits(text)) {
        expect(await read(pieces, delimiter)).toEqual(expected);
      }
    },
  );

  it('fails on an unclosed quote as csv-parse does, after the rows before it', async () => {
    const text = 'a,b\n1,2\n3,"open\n4,5\n';
    expect(() => reference(text, ',')).toThrow();
    const seen: string[][] = [];
    await expect(async () => {
      for await (const chunk of csvChunks(Readable.from([text]), ','))
        for (const r of chunk) if ('cells' in r) seen.push(r.cells);
    }).rejects.toThrow(/cannot be read from row 3 on/);
    expect(seen).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('hands quoted text to the full parser and keeps plain text to itself', () => {
    const splitter = new PlainCsvSplitter(',');
    expect(splitter.push('a,b\nc,')).toEqual([['a', 'b']]);
    expect(splitter.push('d\n"e",f\n')).toBeNull();
    expect(splitter.takeRest()).toBe('c,d\n"e",f\n');
  });
});

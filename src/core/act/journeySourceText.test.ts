import { describe, expect, it } from 'vitest';
import { fieldLines, findJsonSyntaxError, lineColumn, readSource } from './journeySourceText.js';

describe('findJsonSyntaxError', () => {
  const cases: { text: string; offset: number; message: RegExp }[] = [
    { text: '{"a": 1,}', offset: 8, message: /comma right before '}'/ },
    { text: '[1, 2,]', offset: 6, message: /comma right before '\]'/ },
    { text: '{"a": 1 "b": 2}', offset: 8, message: /expected ',' or '}'/ },
    { text: '{a: 1}', offset: 1, message: /field name in double quotes/ },
    { text: "{'a': 1}", offset: 1, message: /field name in double quotes, found '''/ },
    { text: '["x\n"]', offset: 3, message: /line break inside a string/ },
    { text: '{"a": tru}', offset: 6, message: /unexpected 't'/ },
    { text: '{"a": 01}', offset: 7, message: /expected ',' or '}'/ },
    { text: '{"a": "\\q"}', offset: 7, message: /unknown escape/ },
    { text: '{"a": 1}}', offset: 8, message: /after the end/ },
    { text: '', offset: 0, message: /ends where a value was expected/ },
    { text: '{"a": "b', offset: 8, message: /not closed/ },
  ];
  for (const c of cases) {
    it(`finds the error in ${JSON.stringify(c.text)}`, () => {
      expect(() => JSON.parse(c.text)).toThrow();
      const found = findJsonSyntaxError(c.text);
      expect(found?.offset).toBe(c.offset);
      expect(found?.message).toMatch(c.message);
    });
  }

  it('accepts what JSON.parse accepts', () => {
    for (const text of [
      '{}',
      '[]',
      '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"]}',
      '\ufeff{"a": 1}',
      ' 3 ',
    ]) {
      expect(findJsonSyntaxError(text)).toBeNull();
    }
  });
});

describe('lineColumn', () => {
  it('counts lines and columns from 1', () => {
    expect(lineColumn('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab\ncd\nef', 99)).toEqual({ line: 3, column: 3 });
  });
});

describe('readSource', () => {
  it('reads JSON and YAML into the same value', () => {
    expect(readSource('{"id": "x", "steps": [1]}', 'json')).toEqual({
      ok: true,
      value: { id: 'x', steps: [1] },
    });
    expect(readSource('id: x\nsteps:\n  - 1\n', 'yaml')).toEqual({
      ok: true,
      value: { id: 'x', steps: [1] },
    });
  });

  it('gives the line and column of a JSON error', () => {
    expect(readSource('{\n  "a": 1\n  "b": 2\n}', 'json')).toEqual({
      ok: false,
      error: { line: 3, column: 3, message: "expected ',' or '}' after a field's value, found '\"'" },
    });
  });

  it('gives the line of a YAML error without repeating it in the message', () => {
    const read = readSource('a: 1\nb: [1, 2\nc: 3\n', 'yaml');
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.error.line).toBe(3);
      expect(read.error.message).not.toMatch(/at line/);
    }
  });
});

describe('fieldLines', () => {
  it('finds the line of a field, or of its nearest parent when missing', () => {
    const text = ['id: x', 'steps:', '  - id: a', '    type: wait', '    days: 0', '  - id: b'].join('\n');
    const lineOf = fieldLines(text);
    expect(lineOf?.(['steps', 0, 'days'])).toBe(5);
    expect(lineOf?.(['steps', 1])).toBe(6);
    expect(lineOf?.(['steps', 1, 'next'])).toBe(6);
    expect(lineOf?.(['id'])).toBe(1);
    expect(lineOf?.([])).toBe(1);
  });

  it('works on JSON text', () => {
    const lineOf = fieldLines('{\n  "id": "x",\n  "steps": [\n    {"id": "a"}\n  ]\n}');
    expect(lineOf?.(['steps', 0, 'id'])).toBe(4);
  });
});

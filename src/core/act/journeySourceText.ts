/**
 * A journey file's text: reading JSON or YAML into a plain value, saying where a syntax error is
 * (line and column, in plain words), and finding the line of a field for the checks that follow.
 *
 * Node's JSON.parse does not always say where it failed ("Unexpected token '}'"), so on failure a
 * small scanner (RFC 8259 grammar) finds the first offending character.
 */
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';

export type JourneySourceFormat = 'json' | 'yaml';

export interface SourceSyntaxError {
  line: number;
  column: number;
  message: string;
}

export type SourceValue = { ok: true; value: unknown } | { ok: false; error: SourceSyntaxError };

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

class JsonFault {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

function describeChar(c: string | undefined): string {
  if (c === undefined) return 'the end of the file';
  if (c === '\n' || c === '\r') return 'a line break';
  return `'${c}'`;
}

/**
 * The first JSON syntax error in `text` (offset and a plain-English message), or null when the
 * text is valid JSON.
 *
 * @example findJsonSyntaxError('{"a": 1,}') // { offset: 8, message: "a comma right before '}' …" }
 */
export function findJsonSyntaxError(text: string): { offset: number; message: string } | null {
  let i = 0;
  const fail = (message: string): never => {
    throw new JsonFault(i, message);
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i += 1;
  };
  const string = () => {
    i += 1;
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') {
        i += 1;
        return;
      }
      if (c === '\\') {
        const escaped = text[i + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            fail('\\u must be followed by 4 hex digits');
          i += 6;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) i += 2;
        else fail(`unknown escape \\${escaped ?? ''} in a string`);
        continue;
      }
      if (c < ' ') fail('a line break inside a string: close the string with " on the same line');
      i += 1;
    }
    fail('a string is not closed: add the missing "');
  };
  const number = () => {
    const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    match.lastIndex = i;
    if (!match.test(text)) fail(`a number is not written correctly at ${describeChar(text[i])}`);
    i = match.lastIndex;
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
    if (c === undefined) fail('the file ends where a value was expected');
    else if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === '-' || (c >= '0' && c <= '9')) number();
    else if (word !== undefined) i += word.length;
    else if (c === "'") fail('strings need double quotes (") in JSON, not single quotes');
    else fail(`unexpected ${describeChar(c)} where a value was expected`);
  };
  const object = () => {
    i += 1;
    skipSpace();
    if (text[i] === '}') {
      i += 1;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === '}') fail("a comma right before '}': remove the last comma");
      if (text[i] !== '"') fail(`expected a field name in double quotes, found ${describeChar(text[i])}`);
      string();
      skipSpace();
      if (text[i] !== ':') fail(`expected ':' after the field name, found ${describeChar(text[i])}`);
      i += 1;
      value();
      skipSpace();
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text[i] === '}') {
        i += 1;
        return;
      }
      fail(`expected ',' or '}' after a field's value, found ${describeChar(text[i])}`);
    }
  };
  const array = () => {
    i += 1;
    skipSpace();
    if (text[i] === ']') {
      i += 1;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === ']') fail("a comma right before ']': remove the last comma");
      value();
      skipSpace();
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text[i] === ']') {
        i += 1;
        return;
      }
      fail(`expected ',' or ']' after a list item, found ${describeChar(text[i])}`);
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value();
    skipSpace();
    if (i < text.length) fail(`unexpected ${describeChar(text[i])} after the end of the journey`);
    return null;
  } catch (error) {
    if (error instanceof JsonFault) return { offset: error.offset, message: error.message };
    if (error instanceof RangeError) return null; // nested too deep for the scanner; JSON.parse's message stands
    throw error;
  }
}

/**
 * Reads a journey file's text into a plain value.
 *
 * @example readSource('id: winback\n', 'yaml') // { ok: true, value: { id: 'winback' } }
 */
export function readSource(text: string, format: JourneySourceFormat): SourceValue {
  if (format === 'json') {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      const found = findJsonSyntaxError(text);
      if (found !== null)
        return { ok: false, error: { ...lineColumn(text, found.offset), message: found.message } };
      const { line, column } = lineColumn(text, text.length);
      return { ok: false, error: { line, column, message: (error as Error).message } };
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    // The yaml package's messages are already plain English; drop its own position suffix.
    const message = first.message.replace(/ at line \d+, column \d+.*$/s, '');
    return { ok: false, error: { line, column: col, message } };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    return { ok: false, error: { line: 1, column: 1, message: (error as Error).message } };
  }
}

/**
 * A lookup from a field's path (e.g. ['steps', 3, 'then']) to its 1-based line in the text, or
 * to its nearest written parent's line when the field is missing. JSON is read as YAML here
 * (JSON is a subset of YAML 1.2), so both formats get lines; null when the text cannot be read.
 */
export function fieldLines(
  text: string,
): ((path: readonly (string | number)[]) => number | undefined) | null {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) return null;
  return (path) => {
    for (let length = path.length; length >= 0; length -= 1) {
      const prefix = path.slice(0, length);
      let offset: number | undefined;
      if (length === 0) offset = doc.contents?.range?.[0];
      else {
        // For a map entry, point at its key (the line a person reads as "the field").
        const parent = length === 1 ? doc.contents : doc.getIn(path.slice(0, length - 1), true);
        const last = prefix[length - 1];
        if (isMap(parent)) {
          const pair = parent.items.find((item) => {
            const key = item.key as { value?: unknown } | null;
            return key !== null && typeof key === 'object' && key.value === last;
          });
          const key = pair?.key as { range?: [number, number, number] } | undefined;
          offset = key?.range?.[0];
        } else if (isSeq(parent) && typeof last === 'number') {
          const item = parent.items[last] as { range?: [number, number, number] } | undefined;
          offset = item?.range?.[0];
        }
      }
      if (offset !== undefined) return lineCounter.linePos(offset).line;
    }
    return undefined;
  };
}

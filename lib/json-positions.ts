// Where things are in a JSON text: the line and column of a syntax error, and of the value a JSON pointer names.
// A small scanner of its own, because JSON.parse says neither in a form worth showing to an author.

export type JsonSyntaxReason = 'end' | 'unexpected' | 'expectedKey' | 'expectedColon' | 'expectedComma' | 'trailingComma' | 'badString' | 'afterEnd';

export interface Position {
  line: number;
  column: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: JsonSyntaxReason,
    readonly offset: number,
    readonly found: string,
  ) {
    super(`${reason} at ${offset}`);
  }
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Scans the text; throws JsonSyntaxError at the first mistake, else returns where each member's key (or item) starts. */
export function scanJson(text: string): Map<string, number> {
  const at = new Map<string, number>();
  let i = 0;
  const fail = (reason: JsonSyntaxReason): never => {
    throw new JsonSyntaxError(i >= text.length ? 'end' : reason, i, text[i] ?? '');
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const string = (): string => {
    const start = i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('end');
      if (c === '"') break;
      if (c === '\\') {
        if (!/^(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i + 1, i + 6))) fail('badString');
        i += text[i + 1] === 'u' ? 6 : 2;
      } else if (c < ' ') fail('badString');
      else i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (pointer: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'trailingComma' : 'expectedKey');
        const keyAt = i;
        const member = `${pointer}/${escapePointer(string())}`;
        at.set(member, keyAt);
        ws();
        if (text[i] !== ':') fail('expectedColon');
        i++;
        value(member);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail('expectedComma');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let index = 0; ; index++) {
        ws();
        if (text[i] === ']') fail('trailingComma');
        at.set(`${pointer}/${index}`, i);
        value(`${pointer}/${index}`);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail('expectedComma');
      }
    }
    if (c === '"') return void string();
    NUMBER.lastIndex = i;
    if (NUMBER.exec(text)) return void (i = NUMBER.lastIndex);
    for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) return void (i += literal.length);
    fail('unexpected');
  };
  ws();
  at.set('', i);
  value('');
  ws();
  if (i < text.length) fail('afterEnd');
  return at;
}

export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The line and column of the value a pointer names, or of its nearest parent that exists. */
export function locatePointer(text: string, positions: Map<string, number>, pointer: string): Position {
  let path = pointer === '/' ? '' : pointer;
  while (!positions.has(path) && path) path = path.slice(0, path.lastIndexOf('/'));
  return positionOf(text, positions.get(path) ?? 0);
}

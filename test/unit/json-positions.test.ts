// Line and column in a card's JSON: the scanner accepts exactly what JSON.parse accepts, and points where it should.
import fc from 'fast-check';
import { JsonSyntaxError, locatePointer, positionOf, scanJson } from '../../lib/json-positions';

const FC = { seed: Number(process.env.FC_SEED ?? 1414), numRuns: Number(process.env.FC_RUNS ?? 500) };

test('the scanner refuses exactly the texts JSON.parse refuses', () => {
  const piece = fc.constantFrom('{', '}', '[', ']', ',', ':', '"a"', '"b\\n"', '1', '-2.5e3', 'true', 'null', ' ', '\n', '"', 'x', '01', '"\\q"');
  const texts = fc.oneof(
    fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
    fc.jsonValue().map((v) => JSON.stringify(v, null, 2)),
  );
  fc.assert(
    fc.property(texts, (text) => {
      let parsed = true;
      try {
        JSON.parse(text);
      } catch {
        parsed = false;
      }
      let scanned = true;
      try {
        scanJson(text);
      } catch (error) {
        expect(error).toBeInstanceOf(JsonSyntaxError);
        scanned = false;
      }
      expect(scanned).toBe(parsed);
    }),
    FC,
  );
});

test('a pointer is found at its key, a missing one at its nearest parent, an error at its character', () => {
  const text = '{\n  "fields": [\n    { "key": "a" },\n    { "key": "b", "type": "colour" }\n  ]\n}';
  const at = scanJson(text);
  expect(locatePointer(text, at, '/fields/1/type')).toEqual({ line: 4, column: 19 });
  expect(locatePointer(text, at, '/fields/1/label')).toEqual({ line: 4, column: 5 });
  expect(locatePointer(text, at, '/')).toEqual({ line: 1, column: 1 });
  const broken = '{\n  "a": 1,\n}';
  const error = (() => {
    try {
      scanJson(broken);
    } catch (e) {
      return e as JsonSyntaxError;
    }
  })()!;
  expect(error.reason).toBe('trailingComma');
  expect(positionOf(broken, error.offset)).toEqual({ line: 3, column: 1 });
});

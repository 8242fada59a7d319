// What makes two names or dates the same for an inquiry: generated spellings of one name always agree, other names never.
import fc from 'fast-check';
import { checkAnswer, comparableDate, comparableText } from '../../lib/identity-match';
import { toPersianDigits } from '../../lib/persian';

const SEED = Number(process.env.FC_SEED ?? 15);
const RUNS = Number(process.env.FC_RUNS ?? 200);

const LETTERS = [...'ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی'];
const word = fc.array(fc.constantFrom(...LETTERS), { minLength: 2, maxLength: 8 }).map((l) => l.join(''));

/** Ways people type one name: Arabic ی/ک, the zero-width non-joiner or spaces between parts, doubled spaces. */
const spelled = (parts: string[], joiners: string[], arabic: boolean) =>
  parts
    .map((p) => (arabic ? p.replace(/ی/g, 'ي').replace(/ک/g, 'ك') : p))
    .reduce((name, part, i) => (i === 0 ? part : `${name}${joiners[(i - 1) % joiners.length]}${part}`), '');

test('any spelling of one name compares equal', () => {
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.array(fc.constantFrom(' ', '\u200C', '  ', ''), { minLength: 1, maxLength: 4 }), fc.boolean(), (parts, joiners, arabic) => {
      expect(comparableText(spelled(parts, joiners, arabic))).toBe(comparableText(parts.join(' ')));
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('two different names never compare equal', () => {
  fc.assert(
    fc.property(word, word, (a, b) => {
      fc.pre(a !== b);
      expect(comparableText(a)).not.toBe(comparableText(b));
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('a date in any digits, with or without leading zeros, is one date', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1300, max: 1410 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
      const canonical = `${y}/${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}`;
      expect(comparableDate(toPersianDigits(`${y}/${m}/${d}`))).toBe(canonical);
      expect(comparableDate(`${y}-${m}-${d}`)).toBe(canonical);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('an answer given in parts is compared whole, and a constant must be exactly that', () => {
  const answer = { firstName: 'مریم', lastName: 'احمدی', birthDate: '1365/04/21', matched: 'true' };
  expect(checkAnswer(answer, { fullName: { field: 'full_name', value: 'مريم احمدي' }, birthDate: { field: 'birth_date', value: '۱۳۶۵/۴/۲۱' } }).map((c) => c.match)).toEqual([true, true]);
  // A string "true" is not the boolean the check expects; a missing key never matches.
  expect(checkAnswer(answer, { matched: { field: null, value: true }, alive: { field: null, value: true } }).map((c) => c.match)).toEqual([false, false]);
  expect(checkAnswer({ firstName: 'مریم' }, { fullName: { field: 'full_name', value: 'مریم' } })[0].match).toBe(false);
});

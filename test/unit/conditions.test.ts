// The one condition evaluator (workflows/conditions.ts) against a reference written the slow, obvious way,
// on generated conditions and answers; and the form checks built on it (hidden fields, digits, rules).
import fc from 'fast-check';
import { failedRules, holds, visibleAnswers, type Condition } from '../../workflows/conditions';
import { checkAnswers } from '../../lib/forms';
import type { FormField } from '../../workflows/types';

const FC = { seed: Number(process.env.FC_SEED ?? 1414), numRuns: Number(process.env.FC_RUNS ?? 400) };
const KEYS = ['a', 'b', 'c', 'd'];
const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';

/** The reference: digits made Latin character by character, numbers by parseFloat, dates by their three parts. */
function reference(condition: Condition, answers: Record<string, string>): boolean {
  const latin = (s: string) => [...s].map((ch) => (PERSIAN.includes(ch) ? String(PERSIAN.indexOf(ch)) : ch)).join('');
  const get = (key: string) => latin((answers[key] ?? '').trim());
  const c = condition as Record<string, any>;
  if (c.all) return c.all.every((x: Condition) => reference(x, answers));
  if (c.any) return c.any.some((x: Condition) => reference(x, answers));
  if (c.not) return !reference(c.not, answers);
  const value = get(c.field);
  if ('equals' in c) return value === latin(c.equals);
  if ('notEquals' in c) return value !== latin(c.notEquals);
  if ('in' in c) return c.in.map(latin).includes(value);
  if ('filled' in c) return c.filled === (value.length > 0);
  const [op] = Object.keys(c).filter((k) => k !== 'field');
  const other = typeof c[op] === 'object' ? get(c[op].field) : latin(String(c[op]));
  const isDate = ['before', 'after', 'notBefore', 'notAfter'].includes(op);
  const parse = (s: string) => {
    if (isDate) {
      const parts = s.split(/[/-]/);
      if (parts.length !== 3 || parts[0].length !== 4 || !parts.every((p) => /^\d+$/.test(p) && p.length <= 4) || parts[1].length > 2 || parts[2].length > 2) return NaN;
      return new Date(Date.UTC(+parts[0], +parts[1] - 1, 1)).getTime() / 1000 + +parts[2];
    }
    return /^-?\d+(\.\d+)?$/.test(s) ? parseFloat(s) : NaN;
  };
  const x = parse(value);
  const y = parse(other);
  if (Number.isNaN(x) || Number.isNaN(y)) return false;
  return { lessThan: x < y, before: x < y, atMost: x <= y, notAfter: x <= y, greaterThan: x > y, after: x > y, atLeast: x >= y, notBefore: x >= y }[op]!;
}

const persianOrLatin = (s: string) => fc.constantFrom(s, [...s].map((ch) => (/\d/.test(ch) ? PERSIAN[+ch] : ch)).join(''));
const number = fc.integer({ min: -3, max: 12 }).chain((n) => persianOrLatin(String(n)));
const date = fc.tuple(fc.constantFrom(1399, 1400), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.boolean()).chain(([y, m, d, pad]) =>
  persianOrLatin(`${y}/${pad ? String(m).padStart(2, '0') : m}/${pad ? String(d).padStart(2, '0') : d}`),
);
const value = fc.oneof(fc.constant(''), fc.constantFrom('x', 'y', 'yes'), number, date);
const answers = fc.record(Object.fromEntries(KEYS.map((k) => [k, value])) as Record<string, fc.Arbitrary<string>>);
const key = fc.constantFrom(...KEYS);
const operand = fc.oneof(number, date, key.map((field) => ({ field })));

const { condition } = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ field: key, equals: value }),
    fc.record({ field: key, notEquals: value }),
    fc.record({ field: key, in: fc.array(value, { minLength: 1, maxLength: 3 }) }),
    fc.record({ field: key, filled: fc.boolean() }),
    fc.tuple(key, fc.constantFrom('lessThan', 'atMost', 'greaterThan', 'atLeast', 'before', 'notBefore', 'after', 'notAfter'), operand).map(([field, op, right]) => ({ field, [op]: right }) as Condition),
    fc.record({ all: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
  ) as fc.Arbitrary<Condition>,
}));

test('the evaluator agrees with the reference on generated conditions and answers (Persian or Latin digits)', () => {
  fc.assert(fc.property(condition, answers, (c, a) => holds(c, a) === reference(c, a)), FC);
});

test('a hidden field hides the fields that depend on it, and hiding is stable', () => {
  const fields = KEYS.map((k, i) => ({ key: k, showIf: i === 0 ? undefined : ({ field: KEYS[i - 1], filled: true } as Condition) }));
  fc.assert(
    fc.property(answers, (a) => {
      const { answers: shown, hidden } = visibleAnswers(fields, a);
      // A chain: each field shows only while the one above it shows and is answered.
      const firstEmpty = KEYS.findIndex((k, i) => i < KEYS.length - 1 && !a[k].trim());
      const expectedHidden = firstEmpty < 0 ? [] : KEYS.slice(firstEmpty + 1);
      expect([...hidden]).toEqual(expectedHidden);
      for (const k of hidden) expect(shown).not.toHaveProperty(k);
      expect(visibleAnswers(fields, shown).hidden).toEqual(hidden);
    }),
    FC,
  );
});

test('a rule comparing answers waits until both are given; «at least one of» does not', () => {
  const order = { require: { field: 'end', notBefore: { field: 'start' } }, message: 'پایان پیش از آغاز است' };
  const oneOf = { require: { any: [{ field: 'mobile', filled: true }, { field: 'email', filled: true }] }, message: 'یکی را بنویسید' };
  expect(failedRules([order, oneOf], { start: '1400/02/01', end: '', mobile: '09121234567' })).toEqual([]);
  expect(failedRules([order], { start: '1400/02/01', end: '۱۴۰۰/۰۱/۳۱' })).toEqual([order]);
  expect(failedRules([order], { start: '1400/02/01', end: '1400/2/1' })).toEqual([]);
  expect(failedRules([oneOf], { mobile: ' ', email: '' })).toEqual([oneOf]);
});

describe('the server form check', () => {
  const fields: FormField[] = [
    { key: 'purpose', label: 'هدف', type: 'select', required: true, options: [{ value: 'bank', label: 'بانک' }, { value: 'other', label: 'سایر' }] },
    { key: 'purpose_other', label: 'کجا؟', type: 'text', required: true, showIf: { field: 'purpose', equals: 'other' } },
    { key: 'personnel', label: 'شماره پرسنلی', type: 'digits', required: true, minLength: 4, maxLength: 10 },
    { key: 'start', label: 'تاریخ شروع', type: 'jalali-date', required: true },
    { key: 'end', label: 'تاریخ پایان', type: 'jalali-date' },
    { key: 'note', label: 'توضیح', type: 'textarea' },
  ];
  const rules = [{ require: { field: 'end', notBefore: { field: 'start' } } as Condition, message: '«تاریخ پایان» نمی‌تواند پیش از «تاریخ شروع» باشد', field: 'end' }];
  const check = (body: Record<string, string>) => checkAnswers({ fields, rules }, body, []);

  test('a hidden field is not required and its answer is dropped, though the draft keeps what was typed', () => {
    const result = check({ purpose: 'bank', purpose_other: 'سفارت', personnel: '۱۲۳۴۵۶', start: '۱۴۰۰/۱/۲' });
    expect(result.errors).toEqual([]);
    expect(result.answers).not.toHaveProperty('purpose_other');
    expect(result.typed.purpose_other).toBe('سفارت');
    expect(result.answers).toMatchObject({ personnel: '123456', start: '1400/01/02' });
    expect(check({ purpose: 'other', personnel: '1234', start: '1400/01/02' }).errors.map((e) => e.key)).toEqual(['purpose_other']);
  });

  test('digits are made Latin in every field, and a digits field counts its digits', () => {
    const result = check({ purpose: 'bank', personnel: '۱۲۳', start: '1400/01/02', note: 'قرارداد ۱۲ و ٣٤' });
    expect(result.answers.note).toBe('قرارداد 12 و 34');
    expect(result.errors).toEqual([{ key: 'personnel', messageKey: 'form.errors.digitsBetween', vars: { label: 'شماره پرسنلی', min: 4, max: 10 } }]);
    expect(check({ purpose: 'bank', personnel: '12a4', start: '1400/01/02' }).errors[0].messageKey).toBe('form.errors.digits');
  });

  test('a rule across fields is refused with its Persian message next to its field', () => {
    const result = check({ purpose: 'bank', personnel: '1234', start: '1400/05/01', end: '۱۴۰۰/۰۴/۳۱' });
    expect(result.errors).toEqual([{ key: 'end', messageKey: 'form.errors.custom', vars: { message: '«تاریخ پایان» نمی‌تواند پیش از «تاریخ شروع» باشد' } }]);
  });
});

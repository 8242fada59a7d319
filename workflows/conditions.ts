// The one condition language of the catalogue: `showIf` on fields, `when` on steps, `rules` across fields.
// No imports: the same file runs in the workflow, on the server and (bundled) in the citizen's browser.

/** An answer's value, or another answer named by its field key. */
export type Operand = string | number | { field: string };

export type Condition =
  | { field: string; equals: string }
  | { field: string; notEquals: string }
  | { field: string; in: string[] }
  | { field: string; filled: boolean }
  | { field: string; lessThan: Operand }
  | { field: string; atMost: Operand }
  | { field: string; greaterThan: Operand }
  | { field: string; atLeast: Operand }
  | { field: string; before: Operand }
  | { field: string; notBefore: Operand }
  | { field: string; after: Operand }
  | { field: string; notAfter: Operand }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** A rule across answers: when `require` fails, `message` is shown next to `field`. */
export interface CrossFieldRule {
  require: Condition;
  message: string;
  /** the field the message is shown next to; the first compared field when absent */
  field?: string;
}

export type Answers = Record<string, string | undefined>;

const NUMBER_OPS = ['lessThan', 'atMost', 'greaterThan', 'atLeast'] as const;
const DATE_OPS = ['before', 'notBefore', 'after', 'notAfter'] as const;
export const COMPARISONS = [...NUMBER_OPS, ...DATE_OPS] as const;

const LATIN_DIGITS: Record<string, string> = {};
'۰۱۲۳۴۵۶۷۸۹'.split('').forEach((d, i) => (LATIN_DIGITS[d] = String(i)));
'٠١٢٣٤٥٦٧٨٩'.split('').forEach((d, i) => (LATIN_DIGITS[d] = String(i)));

/** Persian and Arabic digits made Latin: the browser evaluates what the citizen typed before the server cleans it. */
export function latinDigits(value: string): string {
  return value.replace(/[۰-۹٠-٩]/g, (d) => LATIN_DIGITS[d]);
}

const valueOf = (answers: Answers, operand: Operand): string =>
  typeof operand === 'object' ? (answers[operand.field] ?? '').trim() : String(operand);

const asNumber = (value: string): number | null => {
  const text = latinDigits(value).replace(/[,٬\s]/g, '');
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : null;
};

/** A Jalali date as a comparable number (yyyymmdd), or null; separators `/` or `-`. */
const asDate = (value: string): number | null => {
  const match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(latinDigits(value).replace(/\s/g, ''));
  return match ? Number(match[1]) * 10000 + Number(match[2]) * 100 + Number(match[3]) : null;
};

function compare(op: (typeof COMPARISONS)[number], left: string, right: string): boolean {
  const isDate = (DATE_OPS as readonly string[]).includes(op);
  const a = isDate ? asDate(left) : asNumber(left);
  const b = isDate ? asDate(right) : asNumber(right);
  if (a === null || b === null) return false;
  switch (op) {
    case 'lessThan':
    case 'before':
      return a < b;
    case 'atMost':
    case 'notAfter':
      return a <= b;
    case 'greaterThan':
    case 'after':
      return a > b;
    case 'atLeast':
    case 'notBefore':
      return a >= b;
  }
}

/** Whether the condition holds for these answers. A comparison with an empty or malformed side does not hold. */
export function holds(condition: Condition, answers: Answers): boolean {
  if ('all' in condition) return condition.all.every((c) => holds(c, answers));
  if ('any' in condition) return condition.any.some((c) => holds(c, answers));
  if ('not' in condition) return !holds(condition.not, answers);
  const value = (answers[condition.field] ?? '').trim();
  if ('equals' in condition) return latinDigits(value) === latinDigits(String(condition.equals));
  if ('notEquals' in condition) return latinDigits(value) !== latinDigits(String(condition.notEquals));
  if ('in' in condition) return condition.in.some((v) => latinDigits(String(v)) === latinDigits(value));
  if ('filled' in condition) return (value !== '') === condition.filled;
  for (const op of COMPARISONS) {
    if (op in condition) return compare(op, value, valueOf(answers, (condition as unknown as Record<typeof op, Operand>)[op]));
  }
  return false;
}

/** Every field key a condition reads. */
export function fieldsOf(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(fieldsOf);
  if ('any' in condition) return condition.any.flatMap(fieldsOf);
  if ('not' in condition) return fieldsOf(condition.not);
  const keys = [condition.field];
  for (const op of COMPARISONS) {
    const operand = (condition as Partial<Record<typeof op, Operand>>)[op];
    if (operand && typeof operand === 'object') keys.push(operand.field);
  }
  return keys;
}

/** The fields compared (not merely tested for a value): a rule waits until they are all answered. */
export function comparedFields(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(comparedFields);
  if ('any' in condition) return condition.any.flatMap(comparedFields);
  if ('not' in condition) return comparedFields(condition.not);
  return COMPARISONS.some((op) => op in condition) ? fieldsOf(condition) : [];
}

/** Field keys in form order, each with its `showIf`. */
export interface ConditionalField {
  key: string;
  showIf?: Condition;
}

/**
 * The answers as the form shows them: a field whose `showIf` fails is hidden and its answer dropped,
 * in form order, so a field shown only after a hidden one is hidden too.
 */
export function visibleAnswers(fields: ConditionalField[], answers: Answers): { answers: Record<string, string>; hidden: Set<string> } {
  const shown: Record<string, string> = {};
  const hidden = new Set<string>();
  for (const field of fields) {
    if (field.showIf && !holds(field.showIf, shown)) {
      hidden.add(field.key);
      continue;
    }
    shown[field.key] = answers[field.key] ?? '';
  }
  return { answers: shown, hidden };
}

/** The rules that fail: a rule is checked once every field it compares is answered (whether one is required is `required`'s business). */
export function failedRules(rules: CrossFieldRule[], answers: Answers): CrossFieldRule[] {
  return rules.filter((rule) => {
    if (comparedFields(rule.require).some((key) => !(answers[key] ?? '').trim())) return false;
    return !holds(rule.require, answers);
  });
}

/** Where a rule's message is shown: the field it names, else the first field it compares or tests. */
export const ruleField = (rule: CrossFieldRule): string => rule.field ?? comparedFields(rule.require)[0] ?? fieldsOf(rule.require)[0];

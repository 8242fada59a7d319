import { isWellFormedTrackingCode, newTrackingCode } from '../../lib/tracking-code';

test('tracking codes are twelve digits with a check digit that catches a mistyped digit', () => {
  const code = newTrackingCode();
  expect(code).toMatch(/^[1-9]\d{11}$/);
  expect(isWellFormedTrackingCode(code)).toBe(true);
  const typo = code.slice(0, 5) + ((Number(code[5]) + 1) % 10) + code.slice(6);
  expect(isWellFormedTrackingCode(typo)).toBe(false);
});

test('ten thousand codes are all different and the next one cannot be told from the previous one', () => {
  const codes = Array.from({ length: 10_000 }, newTrackingCode);
  expect(new Set(codes).size).toBe(codes.length);
  // Consecutive codes are far apart and spread over the whole range, not a counter.
  const gaps = codes.slice(1).map((c, i) => Math.abs(Number(c) - Number(codes[i])));
  expect(gaps.filter((g) => g < 1_000_000).length).toBeLessThan(5);
  const firstDigits = new Set(codes.map((c) => c[0]));
  expect(firstDigits.size).toBe(9);
});

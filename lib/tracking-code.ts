import { randomInt } from 'node:crypto';

// 11 random digits and a Luhn check digit: easy to read over the phone, a typo is caught, and with
// 10^11 possibilities the next code cannot be guessed from the last one.
export function newTrackingCode(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 0; i < 10; i++) digits += String(randomInt(0, 10));
  return digits + luhnDigit(digits);
}

function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isWellFormedTrackingCode(code: string): boolean {
  return /^[1-9][0-9]{11}$/.test(code) && luhnDigit(code.slice(0, 11)) === Number(code[11]);
}

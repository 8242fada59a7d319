import {
  formatRials,
  isValidNationalCode,
  isValidPostalCode,
  maskMobile,
  maskNationalCode,
  normalizeMobile,
  normalizePersianText,
  toLatinDigits,
  toPersianDigits,
} from '../../lib/persian';

describe('digits', () => {
  test('converts Persian and Arabic-Indic digits to ASCII and leaves other text alone', () => {
    expect(toLatinDigits('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789');
    expect(toLatinDigits('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(toLatinDigits('کد ۱۲-٣4')).toBe('کد 12-34');
  });

  test('prints strings and numbers with Persian digits', () => {
    expect(toPersianDigits('1405/09/05')).toBe('۱۴۰۵/۰۹/۰۵');
    expect(toPersianDigits(2026)).toBe('۲۰۲۶');
  });

  test('formats rials with Persian digits and the Persian thousands separator', () => {
    expect(formatRials(1250000)).toBe('۱٬۲۵۰٬۰۰۰');
    expect(formatRials(999)).toBe('۹۹۹');
    expect(formatRials(0)).toBe('۰');
    expect(formatRials(-1000)).toBe('-۱٬۰۰۰');
    expect(formatRials(12345678901234567890n)).toBe('۱۲٬۳۴۵٬۶۷۸٬۹۰۱٬۲۳۴٬۵۶۷٬۸۹۰');
  });

  test('refuses fractional rial amounts instead of silently rounding them', () => {
    expect(() => formatRials(10.5)).toThrow(RangeError);
    expect(() => formatRials(Number.NaN)).toThrow(RangeError);
  });
});

describe('normalizeMobile', () => {
  test('accepts +98, 0098 and Persian digits for the same mobile', () => {
    for (const input of ['+989121234567', '00989121234567', '09121234567', '9121234567', '۰۹۱۲۱۲۳۴۵۶۷', '٠٩١٢١٢٣٤٥٦٧']) {
      expect(normalizeMobile(input)).toBe('09121234567');
    }
  });

  test('ignores spaces, dashes and parentheses typed between the digits', () => {
    expect(normalizeMobile(' 0912 123-4567 ')).toBe('09121234567');
    expect(normalizeMobile('+98 (912) 123 4567')).toBe('09121234567');
  });

  test('rejects landlines, short numbers and foreign numbers', () => {
    for (const input of ['02112345678', '0912123456', '091212345678', '+14155550123', '', 'abc']) {
      expect(normalizeMobile(input)).toBeNull();
    }
  });
});

describe('isValidNationalCode', () => {
  test('accepts a code whose check digit matches', () => {
    expect(isValidNationalCode('0499370899')).toBe(true);
  });

  test('accepts the same code typed in Persian digits', () => {
    expect(isValidNationalCode('۰۴۹۹۳۷۰۸۹۹')).toBe(true);
  });

  test('rejects a code with a wrong check digit', () => {
    expect(isValidNationalCode('0499370898')).toBe(false);
  });

  test('rejects codes made of one repeated digit even when the checksum works out', () => {
    expect(isValidNationalCode('1111111111')).toBe(false);
    expect(isValidNationalCode('0000000000')).toBe(false);
  });

  test('rejects codes that are not exactly ten digits', () => {
    expect(isValidNationalCode('499370899')).toBe(false);
    expect(isValidNationalCode('04993708990')).toBe(false);
    expect(isValidNationalCode('04993a0899')).toBe(false);
  });
});

describe('isValidPostalCode', () => {
  test('accepts ten digits with no 0 or 2 in the first five', () => {
    expect(isValidPostalCode('1345678901')).toBe(true);
    expect(isValidPostalCode('۱۳۴۵۶۷۸۹۰۱')).toBe(true);
  });

  test('rejects a 0 or a 2 in the first five digits', () => {
    expect(isValidPostalCode('1045678901')).toBe(false);
    expect(isValidPostalCode('1345278901')).toBe(false);
  });

  test('rejects repeated digits and wrong lengths', () => {
    expect(isValidPostalCode('1111111111')).toBe(false);
    expect(isValidPostalCode('134567890')).toBe(false);
  });
});

describe('normalizePersianText', () => {
  test('replaces Arabic yeh and kaf with their Persian forms', () => {
    expect(normalizePersianText('علي كريمي')).toBe('علی کریمی');
  });

  test('removes zero-width and bidi controls but keeps the ZWNJ of Persian spelling', () => {
    expect(normalizePersianText('\u200Fمی\u200Cخواهم\u200B\uFEFF')).toBe('می\u200Cخواهم');
  });

  test('trims and collapses spaces while keeping line breaks', () => {
    expect(normalizePersianText('  درخواست \t  تمدید  \r\n  گذرنامه ')).toBe('درخواست تمدید\nگذرنامه');
  });
});

describe('masking', () => {
  test('masks the middle of a mobile number whatever form it was typed in', () => {
    expect(maskMobile('09121234567')).toBe('0912***4567');
    expect(maskMobile('+989121234567')).toBe('0912***4567');
  });

  test('shows only the first and last three digits of a national code', () => {
    expect(maskNationalCode('0499370899')).toBe('049****899');
  });
});

import { translate } from '../../lib/i18n';
import { formatNumber, toPersianDigitsInHtml, toPersianDigitsInWords } from '../../lib/persian';
import { barChart } from '../../api/report-charts';
import { inquiryFacts, type InquiryRow } from '../../api/request-file';
import type { InquiryStep, ServiceDefinition } from '../../workflows/types';

describe('one digits rule', () => {
  test('a Persian page shows Persian digits in its text, never in its attributes, entities, scripts or marked Latin text', () => {
    const html =
      '<p class="x2" data-n="12">کد 123 &#x27;4&#39; <a href="/requests/123">123</a></p>' +
      '<script src="/a1.js"></script><textarea>typed 5</textarea><code>report_2</code>' +
      '<bdi dir="ltr" data-latin>name1@example.com <b>7</b></bdi> 8 <input value="9" data-latin> 10';
    expect(toPersianDigitsInHtml(html)).toBe(
      '<p class="x2" data-n="12">کد ۱۲۳ &#x27;۴&#39; <a href="/requests/123">۱۲۳</a></p>' +
        '<script src="/a1.js"></script><textarea>typed 5</textarea><code>report_2</code>' +
        '<bdi dir="ltr" data-latin>name1@example.com <b>7</b></bdi> ۸ <input value="9" data-latin> ۱۰',
    );
  });

  test('an identifier keeps its digits inside Persian text', () => {
    expect(toPersianDigitsInWords('خدمت «test-letter-6a5a98e3» نسخه 2 از api:didgah-93 در 1405/09/09')).toBe('خدمت «test-letter-6a5a98e3» نسخه ۲ از api:didgah-93 در ۱۴۰۵/۰۹/۰۹');
    expect(toPersianDigitsInHtml('<p>&quot;12&quot; onerror&#x3D;alert(1)</p>')).toBe('<p>&quot;۱۲&quot; onerror&#x3D;alert(1)</p>');
  });

  test('an SMS keeps its links as they must be typed and shows every other digit in Persian', () => {
    expect(toPersianDigitsInWords('کد 123456 — http://127.0.0.1:3000/survey/123456789012 تا 5 دقیقه')).toBe(
      'کد ۱۲۳۴۵۶ — http://127.0.0.1:3000/survey/123456789012 تا ۵ دقیقه',
    );
  });

  test('quantities in sentences are formatted for the sentence’s language', () => {
    expect(formatNumber(5000, 'fa')).toBe('۵٬۰۰۰');
    expect(formatNumber(5000, 'en')).toBe('5,000');
    expect(translate('fa', 'reports.stars', { n: 4 })).toBe('۴ ستاره');
    expect(translate('en', 'reports.stars', { n: 4 })).not.toMatch(/[۰-۹]/);
    expect(translate('fa', 'events.letterRegisteredNumber', { number: '1405/001/0007' })).toContain('۱۴۰۵/۰۰۱/۰۰۰۷');
  });
});

describe('report charts', () => {
  test('a chart is an SVG image with a title and a description that carry its numbers, its bars drawn from the reading edge', () => {
    const svg = barChart('c', 'تعداد', [{ label: 'نامه <ها>', value: 4 }, { label: 'گواهی', value: 2 }, { label: 'شکایت', value: 0 }], 'fa', 'volume');
    expect(svg).toMatch(/^<svg class="chart" role="img" aria-labelledby="c-title c-desc"/);
    expect(svg).toContain('<title id="c-title">تعداد</title>');
    expect(svg).toContain('<desc id="c-desc">نامه &lt;ها&gt;: ۴؛ گواهی: ۲؛ شکایت: ۰</desc>');
    expect(svg.match(/<rect /g)).toHaveLength(2);
    // The longest bar ends at the right edge of a right-to-left page.
    const [x, width] = /<rect x="(\d+)" y="\d+" width="(\d+)"/.exec(svg)!.slice(1).map(Number);
    expect(x + width).toBe(360);
    expect(barChart('c', 'Count', [{ label: 'A', value: 1 }], 'en', 'volume')).toMatch(/<rect x="0" /);
  });
});

describe('agency answers against the form', () => {
  const service = { fields: [{ key: 'national_code', label: 'کد ملی', type: 'national-code' }, { key: 'birth_date', label: 'تاریخ تولد', type: 'jalali-date' }] } as unknown as ServiceDefinition;
  const step = { id: 'identity', type: 'inquiry', agency: 'civil-registry', operation: 'person', input: { nationalCode: 'national_code', birthDate: 'birth_date' } } as unknown as InquiryStep;
  const row = (response: unknown): InquiryRow => ({ step_id: 'identity', agency: 'civil-registry', operation: 'person', outcome: 'ok', response, error: null, created_at: new Date() });

  test('each answer is a labelled row, marked as the same as or different from what the applicant wrote, whatever the digits', () => {
    const facts = inquiryFacts(row({ nationalCode: '0499370899', birthDate: '1365/04/22', firstName: 'مریم', lastName: 'رضایی', alive: true }), step, service, { national_code: '0499370899', birth_date: '۱۳۶۵/۰۴/۲۱' }, 'مریم احمدی', true, 'fa');
    expect(facts).toEqual([
      { label: 'کد ملی', value: '0499370899', match: 'match' },
      { label: 'تاریخ تولد', value: '1365/04/22', match: 'mismatch' },
      { label: 'نام', value: 'مریم', match: 'match' },
      { label: 'نام خانوادگی', value: 'رضایی', match: 'mismatch' },
      { label: 'در قید حیات', value: 'بله', match: null },
    ]);
  });

  test('staff who may not read identifiers see them masked, the mark still computed on the real value', () => {
    const [code] = inquiryFacts(row({ nationalCode: '0499370899' }), step, service, { national_code: '0499370899' }, null, false, 'fa');
    expect(code).toEqual({ label: 'کد ملی', value: '049****899', match: 'match' });
  });
});

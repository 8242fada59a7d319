// The reports' charts as SVG drawn on the server: bars that need no script, their numbers as text, a title and a description.
import type { Locale } from '../lib/i18n';
import { formatNumber } from '../lib/persian';

export interface Bar {
  label: string;
  value: number;
}

// A narrow drawing that scales up: it stays legible on a 375 px phone and is capped in width by the stylesheet.
const WIDTH = 360;
const ROW = 44;
const VALUE_ROOM = 64;
const LABEL_CHARS = 44;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const clip = (s: string) => (s.length > LABEL_CHARS ? `${s.slice(0, LABEL_CHARS - 1)}…` : s);

/** A horizontal bar chart: each row a label, then its bar and value, drawn from the reading edge of the page. */
export function barChart(id: string, title: string, bars: Bar[], locale: Locale, tone: 'volume' | 'rating'): string {
  const rtl = locale === 'fa';
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = bars.length * ROW + 4;
  const rows = bars.map((bar, i) => {
    const y = i * ROW;
    const width = Math.round((bar.value / max) * (WIDTH - VALUE_ROOM));
    const barX = rtl ? WIDTH - width : 0;
    const valueX = rtl ? WIDTH - width - 6 : width + 6;
    return (
      `<text x="${rtl ? WIDTH : 0}" y="${y + 15}" class="chart-label">${escape(clip(bar.label))}</text>` +
      (width > 0 ? `<rect x="${barX}" y="${y + 22}" width="${width}" height="14" rx="2" class="chart-bar chart-${tone}"/>` : '') +
      `<text x="${valueX}" y="${y + 34}" class="chart-value">${formatNumber(bar.value, locale)}</text>`
    );
  });
  const separator = rtl ? '؛ ' : '; ';
  const description = bars.map((b) => `${b.label}: ${formatNumber(b.value, locale)}`).join(separator);
  return (
    `<svg class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" direction="${rtl ? 'rtl' : 'ltr'}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-title">${escape(title)}</title><desc id="${id}-desc">${escape(description)}</desc>${rows.join('')}</svg>`
  );
}

// The PDF engine keeps its Chromium and its pages between documents. Documents printed at once each come out
// with their own text, never another's; a browser that died is started again on the next document.
import fs from 'node:fs';
import { chromiumPdfEngine, type PdfEngine } from '../adapters/pdf';
import { readPdf } from './helpers/pdf';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let engine: PdfEngine;

beforeAll(() => {
  engine = chromiumPdfEngine(CHROMIUM);
});
afterAll(async () => {
  await engine?.close();
});

const documentOf = (marker: string, lines = 1) =>
  `<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><style>@page { size: A4; }</style></head><body>${Array.from({ length: lines }, () => `<p>${marker}</p>`).join('')}</body></html>`;
const textOf = async (pdf: Buffer) => (await readPdf(new Uint8Array(pdf))).visual.join('\n');

/** The Chromium processes this process started (the browser and its helpers). */
function chromiumChildren(): number[] {
  const children = (pid: number): number[] => {
    try {
      return fs.readdirSync(`/proc/${pid}/task`).flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return [];
    }
  };
  return children(process.pid).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium');
    } catch {
      return false;
    }
  });
}

test('documents printed at once, more of them than pages, each carry their own text and nothing of another', async () => {
  const markers = Array.from({ length: 9 }, (_, i) => `document-${i}-${'x'.repeat(i + 1)}`);
  // Long and short documents mixed, so a page that printed a long one prints a short one next.
  const pdfs = await Promise.all(markers.map((marker, i) => engine.print(documentOf(marker, i % 2 ? 40 : 1))));
  for (const [i, pdf] of pdfs.entries()) {
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await textOf(pdf);
    expect(text).toContain(markers[i]);
    for (const other of markers.filter((_, j) => j !== i)) expect(text.split('\n')).not.toContain(other);
  }
  // Printed one after another on the same pages, still each its own.
  for (const marker of ['after-1', 'after-2', 'after-3']) expect(await textOf(await engine.print(documentOf(marker)))).toBe(marker);
});

test('a browser that died is started again for the next document', async () => {
  expect(await textOf(await engine.print(documentOf('before')))).toBe('before');
  const browsers = chromiumChildren();
  expect(browsers.length).toBeGreaterThan(0);
  for (const pid of browsers) process.kill(pid, 'SIGKILL');
  // The document being printed as it died may fail (the activity retries it); the next one prints.
  await engine.print(documentOf('during')).catch(() => undefined);
  expect(await textOf(await engine.print(documentOf('after the crash')))).toBe('after the crash');
  expect(chromiumChildren().some((pid) => !browsers.includes(pid))).toBe(true);
});

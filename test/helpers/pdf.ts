// Reading an issued PDF back as a person would: its lines in the order they are seen, and the QR codes printed on it.
import jsQR from 'jsqr';

// The legacy build runs in Node without a DOM; it reads text and images, it draws nothing.
const pdfjs = require('pdfjs-dist/legacy/build/pdf.js');

export interface ReadPdf {
  pages: number;
  /** Each line's text in reading order (a line with Persian from right to left), presentation forms folded to letters, direction marks removed. */
  lines: string[];
  /** Each line left to right as the eye sweeps it: where codes (numbers, dates), which read left to right, are whole. */
  visual: string[];
  /** The glyphs as printed, before folding: shaped Persian shows its contextual forms (U+FB50–U+FEFF). */
  raw: string;
  /** What each QR code image on the pages says. */
  qrCodes: string[];
}

interface TextItem {
  str: string;
  transform: number[];
}

const fold = (s: string) => s.normalize('NFKC').replace(/[\u200E\u200F\u200C]/g, '');

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  const lines: string[] = [];
  const visual: string[] = [];
  const raw: string[] = [];
  const qrCodes: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const items = ((await page.getTextContent()).items as TextItem[]).filter((i) => i.str !== undefined);
    raw.push(items.map((i) => i.str).join(''));
    // Items on one baseline (within a point) are one line, read left to right.
    const rows = new Map<number, TextItem[]>();
    for (const item of items) {
      const y = Math.round(item.transform[5]);
      const row = [...rows.keys()].find((k) => Math.abs(k - y) <= 1) ?? y;
      rows.set(row, [...(rows.get(row) ?? []), item]);
    }
    // pdf.js gives each run in logical order; a line with Persian is read from its right end.
    for (const [, row] of [...rows].sort((a, b) => b[0] - a[0])) {
      const rtl = row.some((i) => /[\u0600-\u06FF\uFB50-\uFEFF]/.test(i.str));
      const leftToRight = [...row].sort((a, b) => a.transform[4] - b.transform[4]);
      visual.push(fold(leftToRight.map((i) => i.str).join('')));
      lines.push(fold((rtl ? leftToRight.reverse() : leftToRight).map((i) => i.str).join('')));
    }
    const ops = await page.getOperatorList();
    for (let i = 0; i < ops.fnArray.length; i++) {
      if (ops.fnArray[i] !== pdfjs.OPS.paintImageXObject) continue;
      const image = await new Promise<{ width: number; height: number; kind: number; data: Uint8ClampedArray }>((resolve) => page.objs.get(ops.argsArray[i][0], resolve));
      const rgba = new Uint8ClampedArray(image.width * image.height * 4);
      // kind 1: 1 bit grey, 2: RGB, 3: RGBA (pdf.js ImageKind)
      for (let p = 0; p < image.width * image.height; p++) {
        if (image.kind === 3) rgba.set(image.data.subarray(p * 4, p * 4 + 4), p * 4);
        else if (image.kind === 2) rgba.set([image.data[p * 3], image.data[p * 3 + 1], image.data[p * 3 + 2], 255], p * 4);
        else {
          const bit = (image.data[(Math.floor(p / image.width) * Math.ceil(image.width / 8)) + Math.floor((p % image.width) / 8)] >> (7 - (p % 8))) & 1;
          rgba.set([bit * 255, bit * 255, bit * 255, 255], p * 4);
        }
      }
      const code = jsQR(rgba, image.width, image.height);
      if (code) qrCodes.push(code.data);
    }
  }
  return { pages: doc.numPages, lines, visual, raw: raw.join('\n'), qrCodes };
}

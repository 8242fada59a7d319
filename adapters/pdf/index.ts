// Printing official documents to PDF with headless Chromium: it shapes Persian and lays out bidirectional text as a browser does.
import { chromium, type Browser } from 'playwright-core';
import type { Config } from '../../lib/config';

export interface PdfEngine {
  /** A self-contained HTML page (fonts, images inline) printed to A4 PDF bytes. */
  print(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** One browser per worker, started on the first document and started again if it died. */
export function chromiumPdfEngine(executablePath: string): PdfEngine {
  let browser: Promise<Browser> | null = null;
  const launch = () =>
    chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'] });
  const open = async (): Promise<Browser> => {
    browser ??= launch();
    const running = await browser.catch((error) => {
      browser = null;
      throw error;
    });
    if (running.isConnected()) return running;
    browser = null;
    return open();
  };
  return {
    async print(html) {
      const context = await (await open()).newContext({ offline: true });
      try {
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load', timeout: 20_000 });
        // The letterhead's font is inline; printing waits until it is ready, so Persian is shaped with it.
        await page.evaluate('document.fonts.ready.then(() => true)');
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        await context.close();
      }
    },
    async close() {
      const running = browser;
      browser = null;
      if (running) await (await running.catch(() => null))?.close();
    },
  };
}

/** The configured engine, or null: documents are then HTML and say so. */
export function pdfEngineFromConfig(config: Pick<Config, 'documents'>): PdfEngine | null {
  return config.documents.pdfEngine === 'chromium' && config.documents.chromiumPath ? chromiumPdfEngine(config.documents.chromiumPath) : null;
}

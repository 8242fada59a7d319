// Printing official documents to PDF with headless Chromium: it shapes Persian and lays out bidirectional text as a browser does.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Config } from '../../lib/config';

export interface PdfEngine {
  /** A self-contained HTML page (fonts, images inline) printed to A4 PDF bytes. */
  print(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** How many documents print at once (pages open in the browser), and how many one page prints before it is replaced. */
const PAGES = 2;
const USES_PER_PAGE = 200;

interface Slot {
  page: Page;
  uses: number;
}

/**
 * One browser per worker, started on the first document and started again if it died. Its pages are kept
 * and reused: opening a context and a page for each document cost about five times the printing itself. The
 * context is offline, and each document replaces the whole content of the page it is printed on.
 */
export function chromiumPdfEngine(executablePath: string): PdfEngine {
  let browser: Promise<Browser> | null = null;
  let context: { of: Browser; context: Promise<BrowserContext> } | null = null;
  const idle: Slot[] = [];
  let free = PAGES;
  const waiting: (() => void)[] = [];
  const acquire = () => (free > 0 ? ((free -= 1), Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };

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
  const newPage = async (): Promise<Page> => {
    const running = await open();
    if (context?.of !== running) {
      const made = running.newContext({ offline: true });
      context = { of: running, context: made };
      made.catch(() => {
        if (context?.context === made) context = null;
      });
    }
    return (await context.context).newPage();
  };
  return {
    async print(html) {
      await acquire();
      try {
        let slot = idle.pop();
        // A page of a browser that died (or was closed) is gone with it.
        while (slot && slot.page.isClosed()) slot = idle.pop();
        slot ??= { page: await newPage(), uses: 0 };
        let printed = false;
        try {
          await slot.page.setContent(html, { waitUntil: 'load', timeout: 20_000 });
          // The letterhead's font is inline; printing waits until it is ready, so Persian is shaped with it.
          await slot.page.evaluate('document.fonts.ready.then(() => true)');
          const pdf = await slot.page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
          printed = true;
          return pdf;
        } finally {
          slot.uses += 1;
          // A page that failed, or has printed its share, is closed; the next document opens a fresh one.
          if (printed && slot.uses < USES_PER_PAGE) idle.push(slot);
          else void slot.page.close().catch(() => {});
        }
      } finally {
        release();
      }
    },
    async close() {
      const running = browser;
      browser = null;
      context = null;
      idle.length = 0;
      if (running) await (await running.catch(() => null))?.close();
    },
  };
}

/** The configured engine, or null: documents are then HTML and say so. */
export function pdfEngineFromConfig(config: Pick<Config, 'documents'>): PdfEngine | null {
  return config.documents.pdfEngine === 'chromium' && config.documents.chromiumPath ? chromiumPdfEngine(config.documents.chromiumPath) : null;
}

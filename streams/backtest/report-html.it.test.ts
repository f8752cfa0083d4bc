import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { expect, it } from 'vitest';
import { writeReportCharts } from './charts/write-report-charts.ts';
import { reportHtml } from './report-html.ts';
import { SAMPLE_SERIES } from './sample-report-series.ts';

// report.html opened in a real browser (Debian's chromium, headless): every chart is there and
// drawn, the page logs no error and asks for nothing but itself. A string check cannot tell a
// chart that shows from markup a browser drops or draws at zero size.

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHARTS = ['equity.svg', 'drawdown.svg', 'tickers.svg', 'trade-returns.svg'];
const MARKDOWN = `# Backtest

Range: 2024-01-02T00:00:00.000Z to 2024-01-17T00:00:00.000Z (event time).

| ticker | trades | net return |
|---|---|---|
| AAPL | 5 | 3.12 % |
| MSFT | 4 | 1.87 % |
| TSLA | 3 | -0.94 % |

![equity against benchmarks](equity.svg)

![drawdown](drawdown.svg)

## Per ticker

![net return per ticker](tickers.svg)

![distribution of trade returns](trade-returns.svg)
`;

// The browser is started in the test, not in a hook: a hook that fails marks the test skipped,
// and a missing browser must fail it (a skipped check looks like a passed one).
async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  // --no-sandbox: the tests run as root, where Chromium refuses its sandbox.
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--headless=new'] });
}

it('report.html shows every chart, drawn, loading nothing and logging no error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, reportHtml(MARKDOWN, await writeReportCharts(dir, SAMPLE_SERIES)));
  const url = pathToFileURL(file).href;

  const problems: string[] = [];
  const requests: string[] = [];
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
    page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} (${r.failure()?.errorText})`));
    page.on('request', (r) => requests.push(r.url()));
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.ok()).toBe(true);

    const shown = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.chart')].map((chart) => {
        const svg = chart.querySelector(':scope > svg');
        const box = svg?.getBoundingClientRect();
        // Vega draws data as path/rect/line elements in groups of role "mark".
        const marks = [...(svg?.querySelectorAll<SVGGraphicsElement>('g.role-mark > path, g.role-mark > rect, g.role-mark > line') ?? [])];
        const drawn = marks.filter((m) => {
          const b = m.getBBox();
          return b.width > 0 || b.height > 0;
        });
        return { chart: chart.dataset.chart, width: Math.round(box?.width ?? 0), height: Math.round(box?.height ?? 0), drawnMarks: drawn.length };
      }),
    );
    expect(shown.map((s) => s.chart)).toEqual(CHARTS);
    for (const s of shown) {
      expect(s.width, `${s.chart} width`).toBeGreaterThan(100);
      expect(s.height, `${s.chart} height`).toBeGreaterThan(50);
      expect(s.drawnMarks, `${s.chart} drawn marks`).toBeGreaterThan(0);
    }
    expect(await page.$$eval('table', (t) => t.length)).toBe(1);
  } finally {
    await browser.close();
  }
  expect(problems).toEqual([]);
  expect(requests).toEqual([url]);
});

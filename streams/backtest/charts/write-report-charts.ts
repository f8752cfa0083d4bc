import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { ReportSeries } from '../report-series.ts';
import { drawdownChart } from './drawdown-chart.ts';
import { equityChart } from './equity-chart.ts';
import { renderSvg } from './render-svg.ts';
import { tickerReturnsChart } from './ticker-returns-chart.ts';
import { tradeReturnsChart } from './trade-returns-chart.ts';

/** The report's charts by file name; report.md shows each as `![...](<file name>)`. */
export const REPORT_CHARTS: Readonly<Record<string, (series: ReportSeries) => TopLevelSpec>> = {
  'equity.svg': equityChart,
  'drawdown.svg': drawdownChart,
  'tickers.svg': tickerReturnsChart,
  'trade-returns.svg': tradeReturnsChart,
};

/** Draws every report chart of `series` into `outDir`; returns file name -> SVG, as written. */
export async function writeReportCharts(outDir: string, series: ReportSeries): Promise<Record<string, string>> {
  await mkdir(outDir, { recursive: true });
  const charts: Record<string, string> = {};
  for (const [file, chart] of Object.entries(REPORT_CHARTS)) {
    charts[file] = await renderSvg(chart(series));
    await writeFile(join(outDir, file), charts[file]);
  }
  return charts;
}

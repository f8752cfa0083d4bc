import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMPTY_SERIES, SAMPLE_SERIES } from '../sample-report-series.ts';
import { parameterHeatmap } from './parameter-heatmap.ts';
import { renderSvg } from './render-svg.ts';
import { REPORT_CHARTS, writeReportCharts } from './write-report-charts.ts';

// The report's charts are files the backtest promises byte-identical for the same inputs: no
// ids from a process-wide counter, no clock, no time zone. And a range without trades draws.

const specs = (series = SAMPLE_SERIES) => Object.entries(REPORT_CHARTS).map(([file, chart]) => [file, chart(series)] as const);
const renderAll = async (series = SAMPLE_SERIES) => {
  const out: string[] = [];
  for (const [, spec] of specs(series)) out.push(await renderSvg(spec));
  return out;
};
// Vega draws data as path/rect/line/text elements in groups of role "mark" (`<g .../>` if none).
const dataMarks = (svg: string) =>
  [...svg.matchAll(/<g class="mark-(\w+) role-mark[^"]*"[^>]*?(?:\/>|>(.*?)<\/g>)/g)].map(([, type, inner]) => ({ type: type!, inner: inner ?? '' }));
const clipped: TopLevelSpec = {
  data: { values: [{ a: 1, b: 2 }, { a: 2, b: 5 }] },
  mark: { type: 'line', clip: true },
  encoding: { x: { field: 'a', type: 'quantitative', scale: { domain: [0, 1.5] } }, y: { field: 'b', type: 'quantitative' } },
};

afterEach(() => vi.restoreAllMocks());

describe('report charts', () => {
  it.each(specs())('%s draws its data without warnings', async (_file, spec) => {
    const warn = vi.spyOn(console, 'warn');
    const svg = await renderSvg(spec);
    expect(svg).toMatch(/^<svg [^>]*width="\d+" height="\d+"/);
    expect(dataMarks(svg).some((m) => /<(path|rect|line)\b/.test(m.inner))).toBe(true);
    expect(svg).not.toMatch(/NaN|Invalid Date|undefined/);
    expect(warn).not.toHaveBeenCalled();
  });

  it('labels the time axis in UTC: 3 to 16 January 2024', async () => {
    const svg = await renderSvg(REPORT_CHARTS['equity.svg']!(SAMPLE_SERIES));
    const xLabels = [.../<g class="mark-text role-axis-label".*?<\/g>/.exec(svg)![0].matchAll(/>([^<]+)</g)].map((m) => m[1]);
    expect(svg).toContain('>time (UTC)<');
    expect([xLabels[0], xLabels.at(-1)]).toEqual(['Wed 03', 'Tue 16']);
  });

  it('gives the same bytes twice, one after the other or all at once', async () => {
    const first = await renderAll();
    expect(await renderAll()).toEqual(first);
    expect(await Promise.all(specs().map(([, spec]) => renderSvg(spec)))).toEqual(first);
  });

  it('restarts vega\'s clip ids for every chart, so charts drawn before or at once do not shift them', async () => {
    const alone = await renderSvg(clipped);
    expect(alone).toContain('id="clip1"');
    expect(await Promise.all([renderSvg(clipped), renderSvg(clipped)])).toEqual([alone, alone]);
    expect(await renderSvg(clipped)).toBe(alone);
  });

  it('holds no clock: the same chart drawn at another time is the same', async () => {
    const now = await renderAll();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2031, 6, 1) });
    try {
      expect(await renderAll()).toEqual(now);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not depend on the machine\'s time zone', async () => {
    const before = process.env.TZ;
    process.env.TZ = 'UTC';
    const utc = await renderAll();
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: every UTC day starts on another local day
    try {
      expect(new Date(SAMPLE_SERIES.equity[0]!.ts).getDate()).not.toBe(new Date(SAMPLE_SERIES.equity[0]!.ts).getUTCDate());
      expect(await renderAll()).toEqual(utc);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it.each(specs(EMPTY_SERIES))('%s without trades is its frame with a note', async (_file, spec) => {
    const svg = await renderSvg(spec);
    expect(svg).toMatch(/>No [^<]*trades in this range</);
    expect(dataMarks(svg).every((m) => m.type === 'text' || m.inner === '')).toBe(true);
    expect(svg).not.toMatch(/NaN|Invalid Date|undefined/);
  });

  it('writeReportCharts writes the four files report.md refers to, as it returns them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charts-'));
    const charts = await writeReportCharts(join(dir, 'run'), SAMPLE_SERIES);
    expect(Object.keys(charts)).toEqual(['equity.svg', 'drawdown.svg', 'tickers.svg', 'trade-returns.svg']);
    for (const [file, svg] of Object.entries(charts)) expect(readFileSync(join(dir, 'run', file), 'utf8')).toBe(svg);
    expect(Object.values(charts)).toEqual(await renderAll());
  });
});

describe('parameterHeatmap', () => {
  const cells = [
    { x: 120, y: 0.8, value: 0.54 },
    { x: 60, y: 0.8, value: 0.61 },
    { x: 120, y: 0.6, value: null },
    { x: 60, y: 0.6, value: 0.48 },
  ];
  const labels = { xTitle: 'horizon (minutes)', yTitle: 'minimum confidence', metric: 'hit rate', format: '.0%' };

  it('writes each value in its cell and a dash where a run has none, in grey', async () => {
    const svg = await renderSvg(parameterHeatmap(cells, labels));
    for (const text of ['54%', '61%', '48%', '–', 'hit rate', 'horizon (minutes)', 'minimum confidence']) expect(svg).toContain(`>${text}<`);
    expect(svg).toContain('fill="#e0e0e0"');
  });

  it('orders numeric parameters by value: x left to right, y bottom to top', async () => {
    const svg = await renderSvg(parameterHeatmap(cells, labels));
    const position = (label: string) => svg.indexOf(`>${label}<`);
    expect(position('60')).toBeLessThan(position('120'));
    const y = (label: string) => Number(new RegExp(`translate\\(-?[\\d.]+,([\\d.]+)\\)"[^>]*>${label}<`).exec(svg)?.[1]);
    expect(y('0.6')).toBeGreaterThan(y('0.8'));
  });

  it('keeps string parameters in the order given', async () => {
    const svg = await renderSvg(parameterHeatmap([{ x: 'b', y: 'z', value: 1 }, { x: 'a', y: 'z', value: 2 }], labels));
    expect(svg.indexOf('>b<')).toBeLessThan(svg.indexOf('>a<'));
  });

  it('draws an empty sweep as a frame with a note', async () => {
    expect(await renderSvg(parameterHeatmap([], labels))).toContain('>No runs in this sweep<');
  });
});

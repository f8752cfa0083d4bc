import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReportCharts } from './charts/write-report-charts.ts';
import { reportHtml } from './report-html.ts';
import { SAMPLE_SERIES } from './sample-report-series.ts';

// report.html loads nothing: every chart inline, the style embedded. The browser test
// (report-html.it.test.ts) checks that it also shows.

const MARKDOWN = `# Backtest

| horizon | hit rate |
|---|---|
| 60 min | 55.00 % |

![equity](equity.svg)

![drawdown](drawdown.svg)

![tickers](tickers.svg)

![trade returns](trade-returns.svg)
`;
const charts = () => writeReportCharts(mkdtempSync(join(tmpdir(), 'report-html-')), SAMPLE_SERIES);

describe('reportHtml', () => {
  it('renders the markdown, tables included, with every chart inline', async () => {
    const html = reportHtml(MARKDOWN, await charts());
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).toContain('<title>Backtest</title>');
    expect(html).toContain('<h1>Backtest</h1>');
    expect(html).toMatch(/<table>[\s\S]*<th>hit rate<\/th>[\s\S]*<td>55.00 %<\/td>/);
    for (const file of ['equity.svg', 'drawdown.svg', 'tickers.svg', 'trade-returns.svg']) {
      expect(html).toMatch(new RegExp(`<span class="chart" data-chart="${file}" role="img" aria-label="[^"]+"><svg `));
    }
    expect(html).not.toContain('<img');
  });

  it('refers to nothing outside itself', async () => {
    const html = reportHtml(MARKDOWN, await charts());
    // SVG's namespace names are URIs that no browser fetches.
    const rest = html.replace(/ xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]+"/g, '');
    expect(rest).not.toMatch(/https?:|\/\/[a-z]|<script|<link|<img|<iframe|@import|url\((?!#)/i);
    expect(html).toContain('<style>');
  });

  it('gives the same bytes for the same report', async () => {
    expect(reportHtml(MARKDOWN, await charts())).toBe(reportHtml(MARKDOWN, await charts()));
  });

  it('keeps each chart\'s SVG ids its own', () => {
    const clip = '<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"/></svg>';
    const html = reportHtml('![a](a.svg) ![b](b.svg)', { 'a.svg': clip, 'b.svg': clip });
    expect(html).toContain('<clipPath id="a-clip1"/><g clip-path="url(#a-clip1)"/>');
    expect(html).toContain('<clipPath id="b-clip1"/><g clip-path="url(#b-clip1)"/>');
  });

  it('refuses an image that is no chart, which the page would have to load', () => {
    expect(() => reportHtml('![logo](logo.png)', { 'equity.svg': '<svg/>' })).toThrow(
      'report.md shows logo.png, which is none of the charts (equity.svg)',
    );
  });

  it('shows raw HTML in the markdown as text', () => {
    const html = reportHtml('| title |\n|---|\n| <img src="https://example.com/x.png"> |\n\n<script>alert(1)</script>\n', {});
    expect(html).toContain('<td>&lt;img src=&quot;https://example.com/x.png&quot;&gt;</td>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<img|<script/);
  });

  it('escapes the title and the charts\' descriptions', () => {
    const html = reportHtml('# A & "c"\n\n![x < "y"](a.svg)', { 'a.svg': '<svg/>' });
    expect(html).toContain('<title>A &amp; &quot;c&quot;</title>');
    expect(html).toContain('aria-label="x &lt; &quot;y&quot;"');
  });
});

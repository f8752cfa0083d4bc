import { Marked, type Tokens } from 'marked';
import { inlineSvg } from './inline-svg.ts';

// report.html is report.md for a browser, in one file that can be mailed or archived: the charts
// are inline SVG and the stylesheet is embedded, so it loads nothing (no CDN, font or script).
// Nothing in it depends on the time of the run, so the same report gives the same bytes.

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; line-height: 1.5; }
h1, h2, h3 { line-height: 1.25; }
h2 { border-bottom: 1px solid #d8dee4; padding-bottom: .3em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d0d7de; padding: .3em .7em; }
th { background: #f6f8fa; }
tr:nth-child(even) td { background: #fbfcfd; }
pre { background: #f6f8fa; padding: 1em; overflow: auto; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.chart { display: block; margin: 1em 0; }
.chart svg { max-width: 100%; height: auto; }
`;

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * report.md rendered to one self-contained HTML page. Each markdown image is the chart of that
 * file name in `charts` (file name -> SVG, as `writeReportCharts` returns), drawn inline; an
 * image that is no chart is an error, since the page would have to load it. Raw HTML is text.
 */
export function reportHtml(markdown: string, charts: Readonly<Record<string, string>>): string {
  const marked = new Marked({
    gfm: true,
    renderer: {
      // Raw HTML in the markdown (a headline quoted in a table, say) shows as text: it could
      // otherwise load things or run scripts in the page.
      html({ text }: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(text);
      },
      image({ href, text }: Tokens.Image): string {
        const svg = charts[href];
        if (svg === undefined) {
          throw new Error(`report.md shows ${href}, which is none of the charts (${Object.keys(charts).join(', ')})`);
        }
        const name = href.replace(/\.svg$/, '');
        return `<span class="chart" data-chart="${escapeHtml(href)}" role="img" aria-label="${escapeHtml(text)}">${inlineSvg(svg, name)}</span>`;
      },
    },
  });
  const body = marked.parse(markdown, { async: false });
  const title = /^# (.+)$/m.exec(markdown)?.[1]?.trim() ?? 'Backtest report';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body.trimEnd(),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

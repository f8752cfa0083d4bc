// Ids in inline SVGs share the page's one id space: two charts that both define `clip1` would
// clip each other. Each chart's ids (and the references to them) get the chart's own prefix.

/** `svg` ready to be placed in an HTML page beside other SVGs: its ids prefixed with `prefix-`. */
export function inlineSvg(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (whole, lead: string, id: string) =>
    ids.has(id) ? `${lead}${prefix}-${id}` : whole,
  );
}

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// A fetch for yahoo-finance2 that answers chart requests from recorded Yahoo responses
// (the files in samples/yahoo-chart, recorded by yahoo-finance2's own tests), so the real
// library runs offline: for the demo, and for tests. Requests it has no recording for get
// Yahoo's own 404 answer. Optional scripted failures (status codes) come first per symbol.

interface Recording {
  symbol: string;
  interval: string;
  status: number;
  body: unknown;
}

export interface RecordedFetch {
  fetch: typeof fetch;
  requests: string[];
  /** Answer the next requests for `symbol` with these HTTP statuses before the recording. */
  failNext(symbol: string, statuses: number[]): void;
}

export function loadRecordings(dir: string): Recording[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith('chart-') && f.endsWith('.json'))
    .map((f) => {
      const rec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { request: { url: string }; response: { status: number; bodyJson: unknown } };
      const url = new URL(rec.request.url);
      return {
        symbol: decodeURIComponent(url.pathname.split('/').pop()!),
        interval: url.searchParams.get('interval') ?? '1d',
        status: rec.response.status,
        body: rec.response.bodyJson,
      };
    });
}

/** `latencyMs`: each answer comes after this delay, as from a slow Yahoo (fault tests). */
export function recordedFetch(dir: string, latencyMs = 0): RecordedFetch {
  const recordings = loadRecordings(dir);
  const requests: string[] = [];
  const failures = new Map<string, number[]>();
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const impl = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    requests.push(url.href);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const symbol = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    const scripted = failures.get(symbol);
    if (scripted?.length) {
      const status = scripted.shift()!;
      return new Response(status === 429 ? 'Too Many Requests' : 'Service Unavailable', { status });
    }
    const interval = url.searchParams.get('interval') ?? '1d';
    // The recording of that symbol and interval with the most bars.
    const match = recordings
      .filter((r) => r.symbol === symbol && r.interval === interval)
      .sort((a, b) => JSON.stringify(b.body).length - JSON.stringify(a.body).length)[0];
    if (!match) return json(404, { chart: { result: null, error: { code: 'Not Found', description: 'No data found, symbol may be delisted' } } });
    return json(match.status, match.body);
  };
  return {
    fetch: impl as typeof fetch,
    requests,
    failNext: (symbol, statuses) => failures.set(symbol, [...statuses]),
  };
}

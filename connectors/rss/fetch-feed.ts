import { cacheLifetimeMs } from './cache-lifetime.ts';
import { FeedError } from './feed-error.ts';
import { isPermanentRedirect, isRedirect, redirectTarget } from './redirect.ts';
import { retryAfterMs } from './retry-after.ts';

// One conditional GET: If-None-Match / If-Modified-Since from the last response, a timeout
// per request covering connect to last byte, a body cap enforced while reading (a never-ending
// or lying body is cut off, not buffered), and redirects followed by hand up to `maxRedirects`,
// each hop through the host gate.

interface Answered {
  /** The URL that answered, after redirects. */
  url: string;
  /** Where the feed moved for good: the target of the redirects that were all permanent (301, 308) from the start; null if none was. */
  movedTo: string | null;
  /** How long the response says it stays fresh (Cache-Control max-age, Expires), ms. */
  freshForMs: number | null;
}

export type FetchResult =
  | ({ status: 'not-modified' } & Answered)
  | ({ status: 'ok'; body: Buffer; etag: string | null; lastModified: string | null; contentType: string | null } & Answered);

export interface FetchOptions {
  etag?: string | null;
  lastModified?: string | null;
  timeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
  maxRedirects: number;
  /** Wall clock of the source, for Retry-After and Expires (epoch ms). */
  now: number;
  /** Waits until a request to the URL's host may start; returns its release. */
  gate?: (url: string) => Promise<() => void>;
}

async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => {});
}

function requestError(err: unknown, signal: AbortSignal, timeoutMs: number): FeedError {
  if (signal.aborted) return new FeedError('timeout', `no response within ${timeoutMs} ms`);
  const e = err as Error;
  return new FeedError('network', `request failed: ${e.cause instanceof Error ? e.cause.message : e.message}`, { cause: err });
}

function statusError(res: Response, now: number): FeedError {
  const text = `HTTP ${res.status} ${res.statusText}`.trim();
  // 429 and 503 are how a publisher says "not now"; Retry-After says until when.
  const wait = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get('retry-after'), now) : null;
  const options = { status: res.status, ...(wait === null ? {} : { retryAfterMs: wait }) };
  return new FeedError(res.status === 429 ? 'rate-limited' : 'http', wait === null ? text : `${text}, Retry-After ${Math.round(wait / 1000)} s`, options);
}

async function readBody(res: Response, signal: AbortSignal, o: FetchOptions): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > o.maxBodyBytes) {
    await discard(res);
    throw new FeedError('too-large', `body of ${declared} bytes exceeds the cap of ${o.maxBodyBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > o.maxBodyBytes) {
        await discard(res);
        throw new FeedError('too-large', `body exceeds the cap of ${o.maxBodyBytes} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    if (signal.aborted) throw new FeedError('timeout', `body not complete within ${o.timeoutMs} ms`);
    throw new FeedError('network', `body read failed: ${(err as Error).message}`, { cause: err });
  }
  return Buffer.concat(chunks);
}

export async function fetchFeed(feedUrl: string, o: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = {
    'user-agent': o.userAgent,
    accept: 'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5',
  };
  if (o.etag) headers['if-none-match'] = o.etag;
  if (o.lastModified) headers['if-modified-since'] = o.lastModified;
  let url = feedUrl;
  let movedTo: string | null = null;
  let permanentSoFar = true;
  for (let redirects = 0; ; redirects++) {
    const release = o.gate ? await o.gate(url) : () => {};
    try {
      const signal = AbortSignal.timeout(o.timeoutMs);
      let res: Response;
      try {
        res = await fetch(url, { headers, signal, redirect: 'manual' });
      } catch (err) {
        throw requestError(err, signal, o.timeoutMs);
      }
      if (isRedirect(res.status)) {
        await discard(res);
        if (redirects >= o.maxRedirects) throw new FeedError('too-many-redirects', `more than ${o.maxRedirects} redirects from ${feedUrl} (the last at ${url})`, { status: res.status });
        const next = redirectTarget(res.status, res.headers.get('location'), url);
        // A 302 anywhere before means the feed lives at the start URL still; only an unbroken run of permanent hops moves it.
        permanentSoFar &&= isPermanentRedirect(res.status);
        if (permanentSoFar) movedTo = next;
        url = next;
        continue;
      }
      const answered: Answered = { url, movedTo, freshForMs: cacheLifetimeMs(res.headers, o.now) };
      if (res.status === 304) {
        await discard(res);
        return { status: 'not-modified', ...answered };
      }
      if (!res.ok) {
        await discard(res);
        throw statusError(res, o.now);
      }
      return {
        status: 'ok',
        body: await readBody(res, signal, o),
        etag: res.headers.get('etag'),
        lastModified: res.headers.get('last-modified'),
        contentType: res.headers.get('content-type'),
        ...answered,
      };
    } finally {
      release();
    }
  }
}

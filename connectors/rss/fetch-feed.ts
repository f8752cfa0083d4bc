import { FeedError } from './feed-error.ts';

// One conditional GET: If-None-Match / If-Modified-Since from the last response, a timeout
// covering connect to last byte, and a body cap enforced while reading (a never-ending or
// lying body is cut off, not buffered).

export type FetchResult =
  | { status: 'not-modified' }
  | { status: 'ok'; body: Buffer; etag: string | null; lastModified: string | null; contentType: string | null };

export interface FetchOptions {
  etag?: string | null;
  lastModified?: string | null;
  timeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
}

export async function fetchFeed(url: string, o: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = {
    'user-agent': o.userAgent,
    accept: 'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5',
  };
  if (o.etag) headers['if-none-match'] = o.etag;
  if (o.lastModified) headers['if-modified-since'] = o.lastModified;
  const signal = AbortSignal.timeout(o.timeoutMs);
  let res: Response;
  try {
    res = await fetch(url, { headers, signal, redirect: 'follow' });
  } catch (err) {
    if (signal.aborted) throw new FeedError('timeout', `no response within ${o.timeoutMs} ms`);
    throw new FeedError('network', `request failed: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, { cause: err });
  }
  if (res.status === 304) {
    await res.body?.cancel().catch(() => {});
    return { status: 'not-modified' };
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new FeedError('http', `HTTP ${res.status} ${res.statusText}`.trim());
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > o.maxBodyBytes) {
    await res.body?.cancel().catch(() => {});
    throw new FeedError('too-large', `body of ${declared} bytes exceeds the cap of ${o.maxBodyBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > o.maxBodyBytes) {
        await res.body?.cancel().catch(() => {});
        throw new FeedError('too-large', `body exceeds the cap of ${o.maxBodyBytes} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    if (signal.aborted) throw new FeedError('timeout', `body not complete within ${o.timeoutMs} ms`);
    throw new FeedError('network', `body read failed: ${(err as Error).message}`, { cause: err });
  }
  return {
    status: 'ok',
    body: Buffer.concat(chunks),
    etag: res.headers.get('etag'),
    lastModified: res.headers.get('last-modified'),
    contentType: res.headers.get('content-type'),
  };
}

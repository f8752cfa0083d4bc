import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

// Serves a folder of feed files over HTTP on loopback, as a real publisher would: ETag and
// Last-Modified on every 200, 304 for a matching conditional GET. `load-sample` serves the
// bundled samples with it (no internet needed); tests add fault routes.

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface FeedFileServer {
  url(name: string): string;
  names: string[];
  hits: Map<string, number>;
  close(): Promise<void>;
}

function contentType(name: string): string {
  return name.endsWith('.atom') ? 'application/atom+xml' : 'application/rss+xml';
}

/** Serves the feed files of one folder, or of several (a file name must be unique across them). */
export async function serveFeedFiles(dirs: string | readonly string[], extraRoutes: Record<string, Route> = {}, port = 0): Promise<FeedFileServer> {
  const paths = (typeof dirs === 'string' ? [dirs] : dirs).flatMap((dir) => readdirSync(dir).filter((n) => /\.(rss|atom|xml)$/.test(n)).map((n) => ({ n, path: join(dir, n) })));
  const files = new Map<string, { body: Buffer; etag: string; lastModified: string }>();
  for (const { n, path } of paths) {
    if (files.has(n)) throw new Error(`two feed files named ${n}`);
    const body = readFileSync(path);
    files.set(n, { body, etag: `"${createHash('sha1').update(body).digest('hex')}"`, lastModified: statSync(path).mtime.toUTCString() });
  }
  const names = [...files.keys()];
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]!);
    hits.set(name, (hits.get(name) ?? 0) + 1);
    const route = extraRoutes[name];
    if (route) return route(req, res);
    const file = files.get(name);
    if (!file) return void res.writeHead(404).end('not found');
    if (req.headers['if-none-match'] === file.etag || (!req.headers['if-none-match'] && req.headers['if-modified-since'] === file.lastModified)) {
      return void res.writeHead(304, { etag: file.etag, 'last-modified': file.lastModified }).end();
    }
    res.writeHead(200, { 'content-type': contentType(name), etag: file.etag, 'last-modified': file.lastModified, 'content-length': file.body.length });
    res.end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    names,
    hits,
    url: (name) => `http://127.0.0.1:${bound}/${encodeURIComponent(name)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

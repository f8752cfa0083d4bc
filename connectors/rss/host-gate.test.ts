import { describe, expect, it } from 'vitest';
import { GateWaitAborted, HostGate, hostOf, interleaveByHost, nextStartAt, type HostLoad, type HostRules } from './host-gate.ts';

describe('nextStartAt', () => {
  const one: HostRules = { concurrency: 1, spacingMs: 1000 };
  const two: HostRules = { concurrency: 2, spacingMs: 0 };
  const cases: Array<[string, HostLoad, HostRules, number | null]> = [
    ['idle host, never asked: now', { inFlight: 0, lastStartAt: -Infinity }, one, 5000],
    ['idle host, spacing passed: now', { inFlight: 0, lastStartAt: 3000 }, one, 5000],
    ['idle host, spacing not passed: when it has', { inFlight: 0, lastStartAt: 4500 }, one, 5500],
    ['busy host: wait for a release', { inFlight: 1, lastStartAt: 0 }, one, null],
    ['a second slot free: now', { inFlight: 1, lastStartAt: 4999 }, two, 5000],
    ['both slots taken', { inFlight: 2, lastStartAt: 0 }, two, null],
  ];
  it.each(cases)('%s', (_n, load, rules, expected) => expect(nextStartAt(load, rules, 5000)).toBe(expected));
});

describe('hosts', () => {
  it('are name and port, case-insensitive', () => {
    expect(hostOf('https://Feeds.Example.com/rss')).toBe('feeds.example.com');
    expect(hostOf('http://127.0.0.1:8080/a')).toBe('127.0.0.1:8080');
  });

  const cases: Array<[string, string[], string[]]> = [
    ['one host keeps its order', ['http://a/1', 'http://a/2'], ['http://a/1', 'http://a/2']],
    ['hosts alternate', ['http://a/1', 'http://a/2', 'http://a/3', 'http://b/1', 'http://c/1', 'http://b/2'], ['http://a/1', 'http://b/1', 'http://c/1', 'http://a/2', 'http://b/2', 'http://a/3']],
    ['empty', [], []],
  ];
  it.each(cases)('interleave: %s', (_n, urls, expected) => expect(interleaveByHost(urls, (u) => u)).toEqual(expected));
});

describe('HostGate', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('lets one request at a time to a host with concurrency 1, in arrival order, other hosts meanwhile', async () => {
    const gate = new HostGate({ concurrency: 1, spacingMs: 0 });
    const log: string[] = [];
    const request = async (url: string, name: string, ms: number) => {
      const release = await gate.acquire(url);
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      release();
    };
    await Promise.all([request('http://a/1', 'a1', 30), request('http://a/2', 'a2', 5), request('http://b/1', 'b1', 5)]);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('spaces the starts of requests to one host', async () => {
    const gate = new HostGate({ concurrency: 4, spacingMs: 40 });
    const starts: number[] = [];
    await Promise.all(
      [1, 2, 3].map(async () => {
        const release = await gate.acquire('http://a/x');
        starts.push(performance.now());
        release();
      }),
    );
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(39);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(39);
  });

  it('gives up a wait when its signal aborts, and the next request still gets the slot', async () => {
    const gate = new HostGate({ concurrency: 1, spacingMs: 0 });
    const first = await gate.acquire('http://a/1');
    const stop = new AbortController();
    const waiting = gate.acquire('http://a/2', stop.signal);
    stop.abort();
    await expect(waiting).rejects.toBeInstanceOf(GateWaitAborted);
    first();
    first(); // a second release is ignored
    const after = await gate.acquire('http://a/3');
    const third = gate.acquire('http://a/4');
    let got = false;
    void third.then(() => (got = true));
    await sleep(10);
    expect(got).toBe(false);
    after();
    (await third)();
  });
});

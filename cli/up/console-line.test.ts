import { describe, expect, it } from 'vitest';
import { consoleLine, prefixed } from './console-line.ts';

const json = (o: Record<string, unknown>) => JSON.stringify({ level: 30, time: '2026-01-01T00:00:00.000Z', app: 'ops-pipeline', ...o });

describe('consoleLine', () => {
  it.each([
    { child: 'classify', what: 'a progress line: the component name and the numbers it states are not repeated', raw: json({ component: 'classify', classified: 12, dlq: 0, msg: 'classify: 12 items classified, 0 to DLQ' }), line: { level: 'info', text: '12 items classified, 0 to DLQ' } },
    { child: 'rss', what: 'a few fields after the message', raw: json({ component: 'rss', feeds: 14, known: 3, msg: 'feed state loaded' }), line: { level: 'info', text: 'feed state loaded  feeds=14  known=3' } },
    { child: 'rss', what: 'a warning, its error message as the field', raw: json({ level: 40, component: 'rss', feed: 'http://x/a.rss', err: { type: 'Error', message: 'HTTP 404', stack: 'Error…' }, msg: 'feed failed; backing off' }), line: { level: 'warn', text: 'feed failed; backing off  feed=http://x/a.rss  err=HTTP 404' } },
    { child: 'rss', what: 'another logger of the process names itself', raw: json({ level: 40, component: 'preflight', msg: 'kafka unreachable at start; waiting for it', failures: 2 }), line: { level: 'warn', text: 'preflight: kafka unreachable at start; waiting for it  failures=2' } },
    { child: 'sink', what: 'an error, long values cut', raw: json({ level: 50, component: 'sink', err: 'x'.repeat(200), msg: 'sink stopped' }), line: { level: 'error', text: `sink stopped  err=${'x'.repeat(79)}…` } },
    { child: 'sink', what: 'fatal counts as an error', raw: json({ level: 60, component: 'sink', msg: 'down' }), line: { level: 'error', text: 'down' } },
    { child: 'signals', what: 'at most four fields, objects as JSON', raw: json({ component: 'signals', a: 1, b: [2, 3], c: 'c', d: 4, e: 5, msg: 'm' }), line: { level: 'info', text: 'm  a=1  b=[2,3]  c=c  d=4' } },
    { child: 'classify', what: 'the CLI\'s own error line (plain text)', raw: 'error: classify.modelDir: /nope is not a model folder', line: { level: 'error', text: 'classify.modelDir: /nope is not a model folder' } },
    { child: 'rss', what: 'a summary row of a failed feed is no error line', raw: 'error           0 new  http://x/u.rss  (not-a-feed: …)', line: { level: 'info', text: 'error           0 new  http://x/u.rss  (not-a-feed: …)' } },
    { child: 'classify', what: 'a summary line on stdout, as it is', raw: 'classify: 313 items classified, 0 to DLQ', line: { level: 'info', text: 'classify: 313 items classified, 0 to DLQ' } },
    { child: 'classify', what: 'JSON that is not a log line, as it is', raw: '[1,2]', line: { level: 'info', text: '[1,2]' } },
  ])('$what', ({ child, raw, line }) => {
    expect(consoleLine(child, raw)).toEqual(line);
  });

  it.each([{ raw: '' }, { raw: '   ' }, { raw: '    at Object.<anonymous> (/x.ts:1:1)' }])('leaves $raw to the log file', ({ raw }) => {
    expect(consoleLine('classify', raw)).toBeUndefined();
  });
});

describe('prefixed', () => {
  it.each([
    { name: 'rss', line: { level: 'info' as const, text: 'started' }, colour: false, out: 'rss       | started' },
    { name: 'classify-2', line: { level: 'warn' as const, text: 'slow' }, colour: false, out: 'classify-2 | WARN slow' },
    { name: 'sink', line: { level: 'error' as const, text: 'gone' }, colour: false, out: 'sink      | ERROR gone' },
    { name: 'sink', line: { level: 'error' as const, text: 'gone' }, colour: true, out: 'sink      | \x1b[31mERROR gone\x1b[0m' },
    { name: 'sink', line: { level: 'info' as const, text: 'ok' }, colour: true, out: 'sink      | ok' },
  ])('$out', ({ name, line, colour, out }) => {
    expect(prefixed(name, 9, line, colour)).toBe(out);
  });
});

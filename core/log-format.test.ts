import { describe, expect, it } from 'vitest';
import { prettyLine, wantsPretty } from './log-format.ts';

describe('prettyLine', () => {
  it.each([
    ['a line of info', '{"level":30,"time":"2026-12-02T04:05:06.789Z","app":"ops-pipeline","component":"rss","feeds":3,"msg":"feed state loaded"}', '04:05:06 INFO  rss: feed state loaded feeds=3\n'],
    ['a warning with a string field that needs quotes', '{"level":40,"time":"2026-12-02T04:05:06.789Z","component":"sink","err":"connect ECONNREFUSED 127.0.0.1:5432","msg":"database failed"}', '04:05:06 WARN  sink: database failed err="connect ECONNREFUSED 127.0.0.1:5432"\n'],
    ['objects as JSON', '{"level":50,"time":"2026-12-02T04:05:06.789Z","component":"classify","tasks":["classify_0"],"msg":"x"}', '04:05:06 ERROR classify: x tasks=["classify_0"]\n'],
    ['no component', '{"level":20,"time":"2026-12-02T04:05:06.789Z","msg":"y"}', '04:05:06 DEBUG y\n'],
    ['not JSON, kept', 'plain text', 'plain text\n'],
  ])('%s', (_what, line, expected) => {
    expect(prettyLine(line)).toBe(expected);
  });
});

describe('wantsPretty', () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{}, undefined, false],
    [{ LOG_FORMAT: 'json' }, true, false],
    [{ LOG_FORMAT: 'pretty' }, false, true],
  ] as const)('%j on a terminal %s: %s', (env, tty, expected) => {
    expect(wantsPretty(env, tty)).toBe(expected);
  });
});

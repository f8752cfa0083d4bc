import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import type { DlqRecord } from './dlq-records.ts';
import { parseOffsetRange, parsePosition, parseSelection, selects } from './selection.ts';

const record = (offset: number, errorMessage: string, partition = 0): DlqRecord => ({
  partition,
  offset: String(offset),
  timestamp: 0,
  key: null,
  value: null,
  headers: {},
  dlq: { errorClass: 'BadRecordError', errorMessage, stage: 'sink', sourceTopic: 'signals', sourcePartition: 0, sourceOffset: '0' },
});

describe('positions and ranges', () => {
  it('reads <partition>:<offset> and a bare offset (partition 0)', () => {
    expect(parsePosition('2:41', 'position')).toEqual({ partition: 2, offset: 41n });
    expect(parsePosition('41', 'position')).toEqual({ partition: 0, offset: 41n });
  });

  it.each(['', 'x', '1:', ':3', '-1', '1:2:3'])('refuses position %j as a config error', (text) => {
    expect(() => parsePosition(text, 'position')).toThrow(ConfigError);
  });

  it('reads inclusive ranges, with or without a partition, and single offsets', () => {
    expect(parseOffsetRange('3-7')).toEqual({ partition: 0, from: 3n, to: 7n });
    expect(parseOffsetRange('1:12')).toEqual({ partition: 1, from: 12n, to: 12n });
    expect(parseOffsetRange('0:3-7')).toEqual({ partition: 0, from: 3n, to: 7n });
  });

  it.each(['7-3', 'a-b', '3-', '-3', '1:2:3'])('refuses range %j', (text) => {
    expect(() => parseOffsetRange(text)).toThrow(ConfigError);
  });
});

describe('selection', () => {
  it('needs --all, --offset or --reason, and --all alone', () => {
    expect(() => parseSelection({})).toThrow(/--offset <a-b>, --reason <regex> or --all/);
    expect(() => parseSelection({ all: true, reason: 'x' })).toThrow(ConfigError);
    expect(() => parseSelection({ reason: '(' })).toThrow(ConfigError);
  });

  it('selects by range and reason together; the reason as shown or as grouped', () => {
    const records = [record(1, 'schema id 17 is not in the registry'), record(2, 'open = 0 is not a positive price'), record(3, 'schema id 99 is not in the registry'), record(4, 'schema id 5 is not in the registry', 1)];
    const chosen = (o: Parameters<typeof parseSelection>[0]) => records.filter((r) => selects(parseSelection(o), r)).map((r) => `${r.partition}:${r.offset}`);
    expect(chosen({ all: true })).toEqual(['0:1', '0:2', '0:3', '1:4']);
    expect(chosen({ offset: '2-3' })).toEqual(['0:2', '0:3']);
    expect(chosen({ reason: 'schema id 17\\b' })).toEqual(['0:1']);
    expect(chosen({ reason: '^sink BadRecordError: schema id N ' })).toEqual(['0:1', '0:3', '1:4']);
    expect(chosen({ reason: 'schema id', offset: '1-2' })).toEqual(['0:1']);
    expect(chosen({ offset: '1:0-9' })).toEqual(['1:4']);
  });
});

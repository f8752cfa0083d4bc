import { describe, expect, it } from 'vitest';
import { chunkBySize } from './chunked-send.ts';

describe('chunkBySize', () => {
  const msg = (i: number, bytes: number) => ({ key: `k${i}`, value: Buffer.alloc(bytes) });

  it('keeps order and splits before a chunk would exceed the limit', () => {
    const messages = Array.from({ length: 10 }, (_, i) => msg(i, 300));
    const chunks = chunkBySize(messages, 1000);
    expect(chunks.flat()).toEqual(messages);
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 2, 2, 2]);
  });

  it('sends a message larger than the limit alone rather than dropping it', () => {
    const chunks = chunkBySize([msg(0, 10), msg(1, 5000), msg(2, 10)], 1000);
    expect(chunks.map((c) => c.map((m) => m.key))).toEqual([['k0'], ['k1'], ['k2']]);
  });

  it('counts headers and string values by their UTF-8 size', () => {
    const big = { key: 'k', value: 'é'.repeat(300), headers: { h: 'x'.repeat(300) } };
    expect(chunkBySize([big, big], 1000).length).toBe(2);
    expect(chunkBySize([], 1000)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { TopicsConfig } from '../../../schemas/catalog.ts';
import { scratchPrefix, type ScratchInputs } from './scratch-prefix.ts';

const base: ScratchInputs = { modelHash: 'm'.repeat(64), from: 1000, to: 2000, rangeDigest: 'd'.repeat(64), symbols: [] };

describe('scratch prefix', () => {
  it('is the live prefix, scratch- and eight hex digits, a valid prefix itself', () => {
    const p = scratchPrefix('prod.', base);
    expect(p).toMatch(/^prod\.scratch-[0-9a-f]{8}\.$/);
    expect(TopicsConfig.parse({ prefix: p }).prefix).toBe(p);
    expect(scratchPrefix('', base)).toMatch(/^scratch-[0-9a-f]{8}\.$/);
  });

  it('is the same for the same inputs', () => expect(scratchPrefix('prod.', { ...base })).toBe(scratchPrefix('prod.', base)));

  const changes: Array<[string, Partial<ScratchInputs>]> = [
    ['another model', { modelHash: 'n'.repeat(64) }],
    ['another start', { from: 999 }],
    ['another end', { to: 2001 }],
    ['other records in the range', { rangeDigest: 'e'.repeat(64) }],
    ['other symbols', { symbols: [{ ticker: 'ACME', names: ['Acme'] }] }],
  ];
  it.each(changes)('differs for %s', (_name, change) => expect(scratchPrefix('prod.', { ...base, ...change })).not.toBe(scratchPrefix('prod.', base)));
});

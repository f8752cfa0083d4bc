import { describe, expect, it } from 'vitest';
import { COMPONENTS } from '../cli/components.ts';
import { TOPIC_IDS, type TopicId } from '../schemas/catalog.ts';
import { CREATED_AT_HEADER, CREATED_AT_TOPICS, createdAtHeader, createdAtOf } from './created-at.ts';

describe('ops.created-at', () => {
  it.each([
    { name: 'the header a producer sets', headers: createdAtHeader(1_700_000_000_123), want: 1_700_000_000_123 },
    { name: 'as bytes, as a consumer reads it', headers: { [CREATED_AT_HEADER]: Buffer.from('1700000000123') }, want: 1_700_000_000_123 },
    { name: 'the first of repeated values', headers: { [CREATED_AT_HEADER]: ['5', '6'] }, want: 5 },
    { name: 'no headers', headers: undefined, want: undefined },
    { name: 'not a number', headers: { [CREATED_AT_HEADER]: 'soon' }, want: undefined },
    { name: 'zero', headers: { [CREATED_AT_HEADER]: '0' }, want: undefined },
  ])('$name', ({ headers, want }) => {
    expect(createdAtOf(headers)).toBe(want);
  });

  it('the topics documented as carrying it include every catalog topic a processor writes', () => {
    const written = new Set<TopicId>();
    for (const c of COMPONENTS) if (c.kind === 'processor') for (const s of c.stages) for (const o of s.outputs ?? []) if ((TOPIC_IDS as readonly string[]).includes(o)) written.add(o as TopicId);
    expect(written.size).toBeGreaterThan(0);
    for (const id of written) expect(CREATED_AT_TOPICS).toContain(id);
  });
});

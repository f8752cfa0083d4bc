import { describe, expect, it } from 'vitest';
import { PartitionMerge } from './partition-merge.ts';

const item = (source: string, offset: number, eventTime: number) => ({ source, offset: BigInt(offset), eventTime, value: `${source}@${offset}` });

describe('PartitionMerge', () => {
  it('releases in event-time order across partitions, keeping offset order within one', () => {
    const m = new PartitionMerge<string>();
    m.assign(['a', 'b']);
    m.add(item('a', 0, 10));
    m.add(item('a', 1, 5)); // late within a: stays after a@0
    expect(m.drain().map((i) => i.value)).toEqual([]); // b may still deliver something earlier
    m.add(item('b', 0, 7));
    m.add(item('b', 1, 20));
    expect(m.drain().map((i) => i.value)).toEqual(['b@0', 'a@0', 'a@1']);
    expect(m.buffered).toBe(1);
  });

  it('does not wait for a caught-up partition', () => {
    const m = new PartitionMerge<string>();
    m.assign(['a', 'b']);
    m.add(item('a', 0, 10));
    m.setCaughtUp('b', true);
    expect(m.drain().map((i) => i.value)).toEqual(['a@0']);
  });

  it('breaks event-time ties by partition name, then drains everything at the end', () => {
    const m = new PartitionMerge<string>();
    m.assign(['b', 'a', 'c']);
    m.add(item('b', 0, 1));
    m.add(item('a', 0, 1));
    expect(m.drain().map((i) => i.value)).toEqual([]);
    expect(m.drain(true).map((i) => i.value)).toEqual(['a@0', 'b@0']);
  });
});

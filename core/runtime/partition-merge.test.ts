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

  it.each([
    { name: 'an empty partition not caught up', add: [], caughtUp: false, waits: true },
    { name: 'an empty partition caught up', add: [], caughtUp: true, waits: false },
    { name: 'a partition with a buffered head', add: [5], caughtUp: false, waits: false },
  ])('waits for $name: $waits', ({ add, caughtUp, waits }) => {
    const m = new PartitionMerge<string>();
    m.assign(['a', 'b']);
    add.forEach((t, o) => m.add(item('a', o, t)));
    m.setCaughtUp('a', caughtUp);
    expect(m.waitsFor('a')).toBe(waits);
    expect(m.waitsFor('unknown')).toBe(false);
  });

  it('keeps order across a queue compaction (thousands released from one partition)', () => {
    const m = new PartitionMerge<string>();
    m.assign(['a', 'b']);
    for (let o = 0; o < 9000; o++) m.add(item('a', o, o));
    m.add(item('b', 0, 5999.5));
    expect(m.drain().map((i) => i.value)).toEqual([...Array.from({ length: 6000 }, (_, o) => `a@${o}`), 'b@0']);
    expect(m.queued('a')).toBe(3000);
    expect(m.headOffset('a')).toBe(6000n);
    m.add(item('a', 9000, 9000));
    m.setCaughtUp('b', true);
    expect(m.drain().map((i) => i.offset)).toEqual(Array.from({ length: 3001 }, (_, o) => BigInt(6000 + o)));
    expect(m.buffered).toBe(0);
  });

  it('breaks event-time ties by partition name, then drains everything at the end', () => {
    const m = new PartitionMerge<string>();
    m.assign(['b', 'a', 'c']);
    m.add(item('b', 0, 1));
    m.add(item('a', 0, 1));
    expect(m.drain().map((i) => i.value)).toEqual([]);
    expect(m.drain(true).map((i) => i.value)).toEqual(['a@0', 'b@0']);
  });

  it('fed partition by partition in any interleaving, with ended partitions caught up, releases what a full read then drain(true) releases', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const sources = ['a', 'b', 'c', 'd'].slice(0, 1 + Math.floor(rand() * 4));
      const logs = sources.map((s) => Array.from({ length: Math.floor(rand() * 12) }, (_, o) => item(s, o, Math.floor(rand() * 20))));
      const whole = new PartitionMerge<string>();
      whole.assign(sources);
      for (const log of logs) for (const i of log) whole.add(i);
      const expected = whole.drain(true).map((i) => i.value);

      const streamed = new PartitionMerge<string>();
      streamed.assign(sources);
      const out: string[] = [];
      const next = logs.map(() => 0);
      const ended = (k: number) => next[k] === logs[k]!.length;
      sources.forEach((s, k) => ended(k) && streamed.setCaughtUp(s, true));
      while (sources.some((_, k) => !ended(k))) {
        const open = sources.map((_, k) => k).filter((k) => !ended(k));
        const k = open[Math.floor(rand() * open.length)]!;
        streamed.add(logs[k]![next[k]!++]!);
        if (ended(k)) streamed.setCaughtUp(sources[k]!, true);
        out.push(...streamed.drain().map((i) => i.value));
      }
      out.push(...streamed.drain(true).map((i) => i.value));
      expect(out).toEqual(expected);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { Secret } from '../secrets.ts';
import { fromThread, sumSummaries, toThread } from './thread-transfer.ts';

describe('what crosses to a stream thread', () => {
  it('keeps a Secret through a structured clone, which alone would empty it', () => {
    const config = { kafka: { brokers: ['a:9092'], sasl: { username: 'u', password: new Secret('s3cret') } }, list: [new Secret('k')] };
    expect((structuredClone(config).kafka.sasl.password as unknown as Secret).reveal).toBeUndefined();
    const back = fromThread(structuredClone(toThread(config))) as typeof config;
    expect(back.kafka.sasl.password).toBeInstanceOf(Secret);
    expect(back.kafka.sasl.password.reveal()).toBe('s3cret');
    expect(back.list[0]!.reveal()).toBe('k');
    expect(back.kafka.brokers).toEqual(['a:9092']);
  });

  it.each([
    ['plain data', { a: 1, b: 'x', c: [1, { d: null }], e: undefined }],
    ['an object with the tag beside other keys', { __opsPipelineSecret: 'x', other: 1 }],
    ['a date', { at: new Date(0) }],
  ])('leaves %s as it is', (_name, value) => {
    expect(fromThread(structuredClone(toThread(value)))).toEqual(value);
  });
});

describe('the summary of several threads', () => {
  it.each([
    ['counts add up', [{ inputs: 2, dlq: 0 }, { inputs: 3, dlq: 1 }], { inputs: 5, dlq: 1 }],
    ['nested counts add up', [{ rows: { candles: 1 } }, { rows: { candles: 2, news: 1 } }], { rows: { candles: 3, news: 1 } }],
    ['anything else is the first thread\'s', [{ model: 'a', n: 1 }, { model: 'b', n: 1 }], { model: 'a', n: 2 }],
    ['one thread is its own summary', [{ n: 4 }], { n: 4 }],
  ])('%s', (_name, summaries, expected) => {
    expect(sumSummaries(summaries as object[])).toEqual(expected);
  });
});

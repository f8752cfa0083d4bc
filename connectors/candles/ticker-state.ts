import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../core/avro-codec.ts';
import { readToEnd } from '../../core/topic-reader.ts';
import { recordName } from '../../schemas/catalog.ts';
import type { Candle, NewsClassified } from '../../schemas/records.ts';

// What the candles source knows, all rebuilt from Kafka: the last candle produced per
// ticker (from the tail of market.candles: the topic is keyed by ticker, so each ticker's
// newest bars are at the end of its partition) and the tickers named in classified news.

export async function lastCandleTimes(kafka: Kafka, topic: string, codec: AvroCodec, tailRecords: number, interval: string): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  await readToEnd(
    kafka,
    topic,
    async (m) => {
      const c = await codec.decode<Candle>(m.value, recordName('marketCandles')).catch(() => null);
      if (c && c.interval === interval && c.ts > (last.get(c.ticker) ?? -Infinity)) last.set(c.ticker, c.ts);
    },
    { startAt: ({ high }) => high - BigInt(tailRecords) },
  );
  return last;
}

/** Tickers seen in news.classified, most recently seen last, bounded; reads only what is new. */
export class NewsTickers {
  private readonly seen = new Map<string, number>();
  private readonly next = new Map<number, bigint>();

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly codec: AvroCodec,
    private readonly max: number,
    private readonly initialTail: number,
  ) {}

  async refresh(): Promise<string[]> {
    let order = this.seen.size;
    await readToEnd(
      this.kafka,
      this.topic,
      async (m, partition) => {
        this.next.set(partition, BigInt(m.offset) + 1n);
        const n = await this.codec.decode<NewsClassified>(m.value, recordName('newsClassified')).catch(() => null);
        for (const t of n?.tickers ?? []) {
          this.seen.delete(t);
          this.seen.set(t, order++);
        }
      },
      { startAt: ({ partition, high }) => this.next.get(partition) ?? high - BigInt(this.initialTail) },
    );
    while (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return this.known();
  }

  /** The tickers seen so far, without reading the topic. */
  known(): string[] {
    return [...this.seen.keys()];
  }
}

import { createHash } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import type { AvroCodec } from '../../../core/avro-codec.ts';
import { BadRecordError } from '../../../core/errors.ts';
import { readToEnd, startAtTime } from '../../../core/topic-reader.ts';
import { recordName, topicName } from '../../../schemas/catalog.ts';
import { newsEventTime } from '../../../schemas/news-event-time.ts';
import type { NewsRaw } from '../../../schemas/records.ts';

// The live news.raw records whose event time (published_at, else fetched_at) falls in a range,
// as they are stored (key, value bytes, timestamp, headers): copied unchanged, they give the
// candidate model exactly what the live classify processor was given. Start offsets are found
// by timestamp, as the backtest finds its own (a record's timestamp is its event time). A record
// that does not decode is left out: its event time is unknown, and classify DLQs it anyway.

export interface NewsRawRange {
  messages: Message[];
  /** sha256 over the records, the same whatever order the partitions were read in. */
  digest: string;
}

function digestOf(messages: readonly Message[]): string {
  const lines = messages.map((m) => `${createHash('sha256').update(m.key ?? '').digest('hex')} ${createHash('sha256').update(m.value ?? '').digest('hex')} ${m.timestamp}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

export async function readNewsRawRange(kafka: Kafka, codec: AvroCodec, prefix: string, from: number, to: number): Promise<NewsRawRange> {
  const topic = topicName('newsRaw', prefix);
  const startAt = await startAtTime(kafka, topic, from);
  const messages: Message[] = [];
  await readToEnd(
    kafka,
    topic,
    async (m) => {
      const raw = await codec.decode<NewsRaw>(m.value, recordName('newsRaw')).catch((err: unknown) => {
        if (err instanceof BadRecordError) return null;
        throw err;
      });
      if (!raw) return;
      const t = newsEventTime(raw.published_at, raw.fetched_at);
      if (t >= from && t <= to) messages.push({ key: m.key, value: m.value, timestamp: m.timestamp, headers: m.headers });
    },
    { startAt },
  );
  return { messages, digest: digestOf(messages) };
}

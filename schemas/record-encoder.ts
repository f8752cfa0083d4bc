import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Message } from 'kafkajs';
import { AvroCodec } from '../core/avro-codec.ts';
import { newsEventTime } from './news-event-time.ts';
import { TOPICS, topicName, valueSubject, type TopicId } from './catalog.ts';
import type { TopicRecords } from './records.ts';

// Turns records into Kafka messages of a topic: the key from the catalog's key field, the
// value in the Confluent wire format under the subject's latest registered schema.

const EVENT_TIME: { [K in TopicId]: (r: TopicRecords[K]) => number } = {
  newsRaw: (r) => newsEventTime(r.published_at, r.fetched_at),
  feedsState: (r) => r.updated_at,
  newsClassified: (r) => r.event_time,
  marketCandles: (r) => r.ts,
  signals: (r) => r.ts,
};

export class RecordEncoder {
  private readonly codec: AvroCodec;
  private readonly ids = new Map<string, Promise<number>>();

  constructor(
    private readonly registry: SchemaRegistry,
    readonly prefix: string,
  ) {
    this.codec = new AvroCodec(registry);
  }

  topic(id: TopicId): string {
    return topicName(id, this.prefix);
  }

  private schemaId(topic: string): Promise<number> {
    let schemaId = this.ids.get(topic);
    if (!schemaId) {
      schemaId = this.registry.getLatestSchemaId(valueSubject(topic));
      schemaId.catch(() => this.ids.delete(topic));
      this.ids.set(topic, schemaId);
    }
    return schemaId;
  }

  /**
   * A record of topic `id` as a message. `to` writes it to another topic (an internal one) under
   * that topic's own subject, with another key (a repartition by ticker).
   */
  async message<K extends TopicId>(id: K, record: TopicRecords[K], headers?: Message['headers'], to?: { topic: string; key: string }): Promise<Message> {
    // Encoding validates the record first (BadRecordError), so the key is then a string.
    const value = await this.codec.encode(await this.schemaId(to?.topic ?? this.topic(id)), record);
    const key = to?.key ?? String((record as unknown as Record<string, unknown>)[TOPICS[id].keyField]);
    // The record's event time is the message timestamp, so a replay of a time range can find
    // its start offsets by timestamp (backtests) whatever the topic was written.
    return { key, value, headers, timestamp: String(EVENT_TIME[id](record as never)) };
  }

  async messages<K extends TopicId>(id: K, records: ReadonlyArray<TopicRecords[K]>): Promise<Message[]> {
    return Promise.all(records.map((r) => this.message(id, r)));
  }
}

import type pg from 'pg';
import { connectClient } from '../../core/db.ts';
import { logger } from '../../core/log.ts';
import { BatchWriter } from './batch-writer.ts';

// One database connection per concurrently processed partition batch, so that decoding
// the next batch in Node overlaps with PostgreSQL upserting the previous one.

const log = logger('sink');

interface Slot {
  client: pg.Client;
  writer: BatchWriter;
}

export class WriterPool {
  private readonly idle: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private readonly all: Slot[] = [];

  private constructor(private readonly url: string) {}

  static async open(url: string, size: number): Promise<WriterPool> {
    const pool = new WriterPool(url);
    try {
      for (let i = 0; i < size; i++) {
        const slot = await pool.connect();
        pool.all.push(slot);
        pool.idle.push(slot);
      }
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  private async connect(): Promise<Slot> {
    const client = await connectClient(this.url);
    // An idle connection the server drops (restart, crash) emits 'error'; unheard, that would
    // kill the process. The next write on it fails and the slot is replaced.
    client.on('error', (err) => log.warn({ err: err.message }, 'database connection lost; it is replaced on next use'));
    return { client, writer: new BatchWriter(client) };
  }

  /** Runs `fn` with a writer of its own; a connection-level failure replaces the connection. */
  use<T>(fn: (writer: BatchWriter) => Promise<T>): Promise<T> {
    return this.withSlot((slot) => fn(slot.writer));
  }

  /** Runs `fn` on a connection of the pool (outside any batch). */
  query<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    return this.withSlot((slot) => fn(slot.client));
  }

  private async withSlot<T>(fn: (slot: Slot) => Promise<T>): Promise<T> {
    const slot = this.idle.pop() ?? (await new Promise<Slot>((resolve) => this.waiting.push(resolve)));
    let healthy = true;
    try {
      return await fn(slot);
    } catch (err) {
      healthy = false;
      throw err;
    } finally {
      const next = healthy ? slot : await this.replace(slot);
      const waiter = this.waiting.shift();
      if (waiter) waiter(next);
      else this.idle.push(next);
    }
  }

  private async replace(slot: Slot): Promise<Slot> {
    await slot.client.end().catch(() => {});
    // If the database is still away, keep the dead slot: the next use fails and retries.
    const fresh = await this.connect().catch(() => slot);
    this.all[this.all.indexOf(slot)] = fresh;
    return fresh;
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((s) => s.client.end().catch(() => {})));
  }
}

import type { Transaction } from 'kafkajs';
import { CONCURRENT_TRANSACTIONS } from './kafka.ts';

// kafkajs sends AddOffsetsToTxn once, without retrying. When it is the first request of a
// transaction (a transaction with offsets and no records) that starts while the previous one's
// commit markers are still being written, the coordinator answers CONCURRENT_TRANSACTIONS,
// which the Java client retries after a short pause; so do we, instead of failing the batch.

type Offsets = Parameters<Transaction['sendOffsets']>[0];

const ATTEMPTS = 10;

function concurrentTransactions(err: unknown): boolean {
  const e = err as { type?: string; message?: string } | undefined;
  return e?.type === 'CONCURRENT_TRANSACTIONS' || CONCURRENT_TRANSACTIONS.test(e?.message ?? '');
}

export async function sendOffsetsRetrying(tx: Transaction, offsets: Offsets): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tx.sendOffsets(offsets);
    } catch (err) {
      if (!concurrentTransactions(err) || attempt >= ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(20 * 2 ** (attempt - 1), 1000)));
    }
  }
}

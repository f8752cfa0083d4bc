import { z } from 'zod';
import { BadRecordError } from '../../core/errors.ts';

// The `reason` of a signal as the engine writes it (engine.ts): what explain reads back. A reason
// of another shape (an older engine's) is a bad record here: explain cannot say what it used.

export const SignalReason = z.object({
  rule: z.string(),
  action: z.enum(['BUY', 'SELL']),
  sentiment: z.number(),
  threshold: z.number(),
  half_life_minutes: z.number(),
  news: z.array(z.object({ event_uid: z.string(), label: z.string(), score: z.number(), event_time: z.iso.datetime() })),
  copies: z.array(z.object({ event_uid: z.string(), copy_of: z.string() })).optional(),
  bar: z.object({ ts: z.iso.datetime(), close: z.number(), volume: z.number().nullable() }),
  lookback_bars: z.number().int(),
  price_move_pct: z.number(),
  volume_ratio: z.number().nullable(),
});
export type SignalReason = z.infer<typeof SignalReason>;

export function parseReason(text: string, where: { topic: string; partition: number; offset: string }): SignalReason {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BadRecordError('the signal\'s reason is not JSON', where);
  }
  const r = SignalReason.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new BadRecordError(`the signal's reason has no usable ${issue.path.join('.') || 'body'} (${issue.message}): written by an engine explain does not know`, where);
  }
  return r.data;
}

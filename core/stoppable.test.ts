import { describe, expect, it } from 'vitest';
import { stoppable, stopWhenIdle } from './stoppable.ts';

describe('stoppable', () => {
  it('closes once, however often stop is called, and settles done with the result', async () => {
    let closes = 0;
    const s = stoppable(async () => ++closes);
    await Promise.all([s.stop(), s.stop()]);
    await s.stop();
    expect(closes).toBe(1);
    expect(await s.done).toBe(1);
    expect(s.stopping).toBe(true);
  });

  it('rejects done when closing fails', async () => {
    const s = stoppable(async () => {
      throw new Error('boom');
    });
    await s.stop();
    await expect(s.done).rejects.toThrow('boom');
  });

  it('stops itself once idle', async () => {
    let idle = false;
    const s = stoppable(async () => 'closed');
    stopWhenIdle(s, () => idle);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.stopping).toBe(false);
    idle = true;
    expect(await s.done).toBe('closed');
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_SKIP, NewKeysBet } from './new-keys-bet.ts';

/** Plays outcomes in order ('w' won, 'l' lost) and returns which batches took the bet. */
function play(outcomes: string): string {
  const bet = new NewKeysBet();
  let taken = '';
  for (const o of outcomes) {
    if (!bet.take()) {
      taken += '.';
      continue;
    }
    taken += o;
    if (o === 'w') bet.won();
    else bet.lost();
  }
  return taken;
}

describe('NewKeysBet', () => {
  const cases: Array<[string, string, string]> = [
    ['fresh data always bets', 'wwww', 'wwww'],
    ['one loss skips one batch', 'lwww', 'l.ww'],
    ['losses in a row double the skip', 'llllllll', 'l.l..l..'],
    ['a win resets the skip', 'lwwlww', 'l.wl.w'],
  ];
  it.each(cases)('%s', (_name, outcomes, expected) => {
    expect(play(outcomes)).toBe(expected);
  });

  it('skips at most MAX_SKIP batches after a loss', () => {
    const bet = new NewKeysBet();
    for (let i = 0; i < 20; i++) {
      while (!bet.take());
      bet.lost();
    }
    let skipped = 0;
    while (!bet.take()) skipped++;
    expect(skipped).toBe(MAX_SKIP);
  });
});

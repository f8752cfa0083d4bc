// Whether to try copying a batch straight into its table, betting that none of its keys is
// there yet (fresh data: new bars, new headlines, new signals). A lost bet costs a rolled-back
// COPY before the staged upsert, so after a loss the bet is skipped for a number of batches
// that doubles with each loss in a row (up to MAX_SKIP) and resets at the next win: a topic
// being replayed or revised soon stops paying for it, fresh data keeps the fast path.

export const MAX_SKIP = 64;

export class NewKeysBet {
  private skip = 0;
  private toSkip = 0;

  /** Whether this batch should try the direct copy. */
  take(): boolean {
    if (this.toSkip > 0) {
      this.toSkip--;
      return false;
    }
    return true;
  }

  won(): void {
    this.skip = 0;
  }

  lost(): void {
    this.skip = Math.min(MAX_SKIP, Math.max(1, this.skip * 2));
    this.toSkip = this.skip;
  }
}

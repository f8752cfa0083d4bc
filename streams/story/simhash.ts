import { hash } from 'node:crypto';

// SimHash (Charikar 2002): each feature votes on every bit with its hash; a bit is set when more
// features vote for it than against. Two feature sets at angle θ (as vectors) differ in about
// θ/π of the bits, so the Hamming distance of two fingerprints measures how much two texts
// differ, where a digest would change entirely with one word.
//
// 256 bits, all of sha256: a headline has only some 10 to 30 features, and with 64 bits the
// distance of a one-word edit (about 10 ± 3 bits) overlaps that of two different stories that
// share most words (16 and up); with 256 the same pairs are about 40 ± 6 and 65 and up.

export const SIMHASH_BITS = 256;

/**
 * Each byte value's 8 bits spread over the 8 byte-wide lanes of two 32-bit words, most
 * significant bit in the top lane of HI: adding a digest byte's pair counts its 8 bits in two
 * additions. A lane holds 255 votes, so the lanes are emptied into wider counters every 255 features.
 */
const SPREAD_HI = new Uint32Array(256);
const SPREAD_LO = new Uint32Array(256);
for (let b = 0; b < 256; b++) {
  for (let k = 0; k < 4; k++) {
    SPREAD_HI[b]! |= ((b >> (7 - k)) & 1) << (8 * (3 - k));
    SPREAD_LO[b]! |= ((b >> (3 - k)) & 1) << (8 * (3 - k));
  }
}
const LANE_MAX = 255;
const DIGEST_BYTES = SIMHASH_BITS / 8;

/** A feature's vote: its sha256. */
export function featureDigest(feature: string): Uint8Array {
  // sha256 rather than a faster hash: the fingerprint is part of a topic's contract, so a
  // consumer in any language must be able to compute it, and every language has sha256.
  // The one-shot form: no Hash object per feature.
  return hash('sha256', feature, 'buffer');
}

/** SimHash of the features' digests (featureDigest; a feature given twice votes twice), as 64 hex digits. */
export function simhashOfDigests(digests: Iterable<Uint8Array>): string {
  // Set bits counted per position; a bit's vote is then set - unset = 2 * set - features.
  const set = new Int32Array(SIMHASH_BITS);
  const lanes = new Uint32Array(2 * DIGEST_BYTES);
  const empty = () => {
    for (let byte = 0; byte < DIGEST_BYTES; byte++) {
      for (let k = 0; k < 4; k++) {
        const shift = 8 * (3 - k);
        set[byte * 8 + k]! += (lanes[2 * byte]! >>> shift) & 0xff;
        set[byte * 8 + 4 + k]! += (lanes[2 * byte + 1]! >>> shift) & 0xff;
      }
    }
    lanes.fill(0);
  };
  let n = 0;
  for (const h of digests) {
    for (let byte = 0; byte < DIGEST_BYTES; byte++) {
      lanes[2 * byte]! += SPREAD_HI[h[byte]!]!;
      lanes[2 * byte + 1]! += SPREAD_LO[h[byte]!]!;
    }
    if (++n % LANE_MAX === 0) empty();
  }
  empty();
  let hex = '';
  for (let nibble = 0; nibble < SIMHASH_BITS / 4; nibble++) {
    let v = 0;
    for (let b = 0; b < 4; b++) v = (v << 1) | (2 * set[nibble * 4 + b]! - n > 0 ? 1 : 0);
    hex += v.toString(16);
  }
  return hex;
}

/** SimHash of the features (a feature given twice votes twice), as 64 hex digits. */
export function simhash(features: Iterable<string>): string {
  return simhashOfDigests(Array.from(features, featureDigest));
}

// Bits set in each value of a hex digit, and each hex digit's value by char code: a distance
// is 64 lookups, with no string slices or number parsing (the engine compares many pairs).
const NIBBLE_BITS = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX_VALUE[d.toString(16).charCodeAt(0)] = d;
  HEX_VALUE[d.toString(16).toUpperCase().charCodeAt(0)] = d;
}

function hexDigit(s: string, i: number): number {
  const v = HEX_VALUE[s.charCodeAt(i)] ?? -1;
  if (v < 0) throw new RangeError(`not a hex fingerprint: ${JSON.stringify(s)}`);
  return v;
}

/** Bits in which two fingerprints of the same length (hex) differ. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError(`fingerprints of different lengths: ${a.length} and ${b.length} hex digits`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += NIBBLE_BITS[hexDigit(a, i) ^ hexDigit(b, i)]!;
  return d;
}

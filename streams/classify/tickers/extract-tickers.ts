import type { SymbolEntry } from './symbol-directory.ts';

// Tickers a text is about, from three signals, in order of appearance:
//  1. cashtags: $AAPL, $BRK.B (upper case only, so "$5" and "$ai" are not tickers);
//  2. exchange prefixes: "NASDAQ: AAPL", "(OMX : OTE1V)", "LSE:VOD" (mapped to Yahoo suffixes);
//  3. company names from the symbol directory, whole words, case-sensitive, longest first.
// A bare upper-case word is never a ticker by itself: "A", "IT", "ON", "CEO" stay words.

/** Exchange names as written in news, to the Yahoo suffix of their listings. */
const EXCHANGE_SUFFIX: Record<string, string> = {
  NASDAQ: '', NYSE: '', 'NYSE AMERICAN': '', 'NYSE ARCA': '', AMEX: '', OTC: '', OTCQX: '', CBOE: '',
  LSE: '.L', LON: '.L', TSX: '.TO', 'TSX-V': '.V', TSXV: '.V', ASX: '.AX',
  XETRA: '.DE', ETR: '.DE', FWB: '.F', FRA: '.F',
  EPA: '.PA', 'EURONEXT PARIS': '.PA', AMS: '.AS', 'EURONEXT AMSTERDAM': '.AS', EBR: '.BR',
  BIT: '.MI', BME: '.MC', SIX: '.SW', SWX: '.SW',
  // OMX without a city is Helsinki in the Finnish wires this is most used on.
  OMX: '.HE', 'OMX HELSINKI': '.HE', HEL: '.HE', 'OMX STOCKHOLM': '.ST', STO: '.ST', 'OMX COPENHAGEN': '.CO', CPH: '.CO',
  OSE: '.OL', OSL: '.OL', TYO: '.T', HKEX: '.HK', HKG: '.HK',
};

const EXCHANGES = Object.keys(EXCHANGE_SUFFIX)
  .sort((a, b) => b.length - a.length)
  .map((e) => e.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&').replace(/ /g, '\\s+'));

const EXCHANGE_RE = new RegExp(`\\b(${EXCHANGES.join('|')})\\s*:\\s*([A-Z0-9]{1,6}(?:[.-][A-Z]{1,2})?)\\b`, 'gi');
const CASHTAG_RE = /(?<![\w$])\$([A-Z]{1,5}(?:[.-][A-Z]{1,2})?)(?![\w])/g;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Class shares are written BRK.B in news and BRK-B at Yahoo for US listings. */
function usClassShare(symbol: string): string {
  return symbol.replace(/\.([A-Z])$/, '-$1');
}

export class TickerExtractor {
  private readonly nameRe: RegExp | null;
  private readonly tickerOfName = new Map<string, string>();

  constructor(entries: readonly SymbolEntry[]) {
    for (const e of entries) for (const n of e.names) this.tickerOfName.set(n, e.ticker);
    const names = [...this.tickerOfName.keys()].sort((a, b) => b.length - a.length).map(escape);
    // Whole words: not inside another word; a possessive ('s) after the name is fine.
    this.nameRe = names.length ? new RegExp(`(?<![\\p{L}\\p{N}&.-])(${names.join('|')})(?![\\p{L}\\p{N}&]|-\\p{L}|\\.\\p{L})`, 'gu') : null;
  }

  extract(text: string): string[] {
    const found: Array<{ at: number; ticker: string }> = [];
    for (const m of text.matchAll(CASHTAG_RE)) found.push({ at: m.index!, ticker: usClassShare(m[1]!) });
    for (const m of text.matchAll(EXCHANGE_RE)) {
      const exchange = m[1]!.toUpperCase().replace(/\s+/g, ' ');
      const suffix = EXCHANGE_SUFFIX[exchange] ?? '';
      const symbol = m[2]!.toUpperCase();
      found.push({ at: m.index!, ticker: suffix ? `${symbol.replace(/\.[A-Z]+$/, '')}${suffix}` : usClassShare(symbol) });
    }
    if (this.nameRe) for (const m of text.matchAll(this.nameRe)) found.push({ at: m.index!, ticker: this.tickerOfName.get(m[1]!)! });
    found.sort((a, b) => a.at - b.at);
    return [...new Set(found.map((f) => f.ticker))];
  }
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../core/repo-root.ts';

// The shipped symbol directory (symbols.tsv beside this file): company names to Yahoo tickers.

export interface SymbolEntry {
  ticker: string;
  names: string[];
}

export const SYMBOLS_FILE = join(REPO_ROOT, 'streams', 'classify', 'tickers', 'symbols.tsv');

export function parseSymbols(text: string): SymbolEntry[] {
  const entries: SymbolEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#') || line.startsWith('ticker\t')) continue;
    const [ticker, name, aliases] = line.split('\t');
    if (!ticker || !name) throw new Error(`symbol directory line without ticker and name: ${JSON.stringify(line)}`);
    entries.push({ ticker: ticker.trim(), names: [name, ...(aliases ? aliases.split(';') : [])].map((n) => n.trim()).filter(Boolean) });
  }
  return entries;
}

export function loadSymbolDirectory(extra: SymbolEntry[] = []): SymbolEntry[] {
  return [...parseSymbols(readFileSync(SYMBOLS_FILE, 'utf8')), ...extra];
}

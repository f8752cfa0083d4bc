import { describe, expect, it } from 'vitest';
import { TickerExtractor } from './extract-tickers.ts';
import { loadSymbolDirectory, parseSymbols } from './symbol-directory.ts';

const extractor = new TickerExtractor(loadSymbolDirectory());

describe('ticker extraction', () => {
  // Real headlines and wire sentences (the last group verbatim from the Financial PhraseBank).
  const cases: Array<[string, string[]]> = [
    ['Apple beats estimates as iPhone sales jump', ['AAPL']],
    ["Apple's services revenue hits a record", ['AAPL']],
    ['Microsoft and Nvidia lead tech rally; Tesla slips', ['MSFT', 'NVDA', 'TSLA']],
    ['$AAPL $TSLA and $BRK.B move premarket', ['AAPL', 'TSLA', 'BRK-B']],
    ['Shares of Palantir Technologies (NASDAQ: PLTR) rose 5%', ['PLTR']],
    ['Vodafone Group (LSE: VOD) agrees merger with Three UK', ['VOD.L']],
    ['JPMorgan Chase (NYSE:JPM) raises dividend', ['JPM']],
    ['Siemens and SAP shares rise in Frankfurt', ['SIE.DE', 'SAP.DE']],
    ['Novo Nordisk cuts outlook; Ørsted shares plunge', ['NOVO-B.CO', 'ORSTED.CO']],
    ['Alphabet unit Google faces EU antitrust fine', ['GOOGL']],
    ['Target Corp. misses on sales as shoppers pull back', ['TGT']],
    // No false hits on ordinary words and acronyms.
    ['A new IT system goes ON line; CEO says AI is the future', []],
    ['Fed holds rates; markets await CPI data', []],
    ['The company hit its sales target for the year', []],
    // A known limit: a capitalised company name is taken as the company.
    ['Apple pie recipe: apples, cinnamon and sugar', ['AAPL']],
    ['pineapple prices rise in the tropics', []],
    ['Prices rose $5 as $ai tokens rallied', []],
    ['Metso-owned unit and non-Nokia phones', []],
    // Financial PhraseBank.
    ['Finnish construction and engineering company Outotec Oyj ( OMX : OTE1V ) said today it won a EUR 28 million order', ['OTE1V.HE']],
    ['Finnish power-supply solutions provider Efore Oyj ( OMX : EFO1V ) said yesterday it opened a technology research and development laboratory', ['EFO1V.HE']],
    ['Nokia shares rose 3.5 percent in Helsinki after the results', ['NOKIA.HE']],
    ['Stora Enso and UPM-Kymmene cut paper capacity', ['STERV.HE', 'UPM.HE']],
  ];
  it.each(cases)('%s', (text, tickers) => expect(extractor.extract(text)).toEqual(tickers));

  it('can be extended by config entries', () => {
    const custom = new TickerExtractor([...loadSymbolDirectory(), { ticker: 'OTE1V.HE', names: ['Outotec'] }]);
    expect(custom.extract('Outotec wins order')).toEqual(['OTE1V.HE']);
  });

  it('reads the shipped directory: unique tickers, large US and European caps present', () => {
    const entries = loadSymbolDirectory();
    expect(new Set(entries.map((e) => e.ticker)).size).toBe(entries.length);
    expect(entries.length).toBeGreaterThan(150);
    for (const t of ['AAPL', 'MSFT', 'ASML.AS', 'SAP.DE', 'NESN.SW', 'SHEL.L', 'MC.PA', 'NOKIA.HE']) expect(entries.map((e) => e.ticker)).toContain(t);
  });

  it('rejects a malformed directory line', () => {
    expect(() => parseSymbols('AAPL\n')).toThrow(/without ticker and name/);
  });
});

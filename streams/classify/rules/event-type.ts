// Event type of a news item by documented keyword rules. Each type has a pattern; when
// several match, the first in this order wins: the most specific first (a deal, an analyst's
// call), then what is said about the future over what is reported about the past (results
// that come with a cut outlook are "guidance").

export const EVENT_TYPES = ['m&a', 'analyst_rating', 'guidance', 'earnings', 'dividend_buyback', 'legal_regulatory', 'management', 'product', 'macro', 'other'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const RULES: ReadonlyArray<[EventType, RegExp]> = [
  ['m&a', /\b(acquir(e|es|ed|ing)|acquisition|merg(e|er|ers|ing)|takeover|buyout|buy-out|tender offer|to buy .{0,40}\b(stake|rival|maker|unit|company|firm)|bid for|divest(s|ed|iture)?|spin-?off|takes? over)\b/i],
  ['analyst_rating', /\b(upgrade[sd]?|downgrade[sd]?|price target|initiates? coverage|overweight|underweight|outperform|underperform|(buy|sell|hold|neutral) rating|rating (cut|raised))\b/i],
  ['guidance', /\b(guidance|outlook|forecasts?|profit warning|(raises|lifts|cuts|lowers|reaffirms|reiterates|maintains) .{0,30}(targets?|view|expectations)(?<!price targets?)|expects? .{0,40}(to (rise|fall|grow|increase|decrease|improve|decline)))\b/i],
  ['earnings', /\b(earnings|quarterly (results|profit|loss|revenue)|(first|second|third|fourth|1st|2nd|3rd|4th)[- ]quarter|q[1-4]\b|half-year|full-year (results|profit)|net (income|profit|sales|loss)|operating (profit|loss|income)|profit (rose|fell|jumped|dropped|increased|decreased|doubled)|pre-tax profit|eps\b|per share (profit|loss)|revenue(s)? (rose|fell|grew|jumped|declined|increased|decreased)|beats? estimates|miss(es|ed)? estimates|results)\b/i],
  ['dividend_buyback', /\b(dividends?|buy-?backs?|share repurchases?|repurchas(e|es|ed|ing) (of )?(its )?shares|special payout)\b/i],
  ['legal_regulatory', /\b(lawsuit|sue[sd]?|suing|court|judge|settle(s|d|ment)?|fine[sd]?|penalty|regulators?|regulatory|antitrust|probe|investigation|SEC|FTC|DOJ|FDA|EMA|approval|approves?|ban(s|ned)?|sanctions?|recall(s|ed)?|indict(ed|ment)|class action)\b/i],
  ['management', /\b(CEO|CFO|COO|chief (executive|financial|operating) officer|chairman|chairwoman|president|board of directors|resign(s|ed|ation)?|steps? down|appoint(s|ed|ment)?|names? .{0,30}(as|new) (head|chief)|hires?|fired|ousted|succession|layoffs?|job cuts|to cut .{0,20}jobs)\b/i],
  ['product', /\b(launch(es|ed)?|unveil(s|ed)?|introduc(es|ed)|new (product|model|service|device|drug|chip|version)|releases?|roll(s|ed)? out|orders?|contracts?|deal (with|to supply)|partnership|patent|plant|factory|capacity|deliver(s|ed|ies)?)\b/i],
  ['macro', /\b(inflation|interest rates?|rate (cut|hike)s?|federal reserve|the fed|fed's|central bank|ECB|bank of england|BoJ|GDP|unemployment|jobless|payrolls|jobs report|CPI|PMI|recession|tariffs?|trade war|treasury yields?|bond yields?|oil prices?|economy|economic)\b/i],
];

export function eventType(text: string): EventType {
  for (const [type, re] of RULES) if (re.test(text)) return type;
  return 'other';
}

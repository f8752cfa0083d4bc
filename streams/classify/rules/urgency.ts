// Urgency of a news item: "breaking" when the wire says so (BREAKING, URGENT, FLASH, ALERT,
// JUST IN, a "-- sources" scoop) or when the item names an event that moves a price at once
// (profit warning, bankruptcy, trading halt, takeover bid, recall, default, a plunge or a
// soar); "routine" otherwise. Rules only: the same text always gets the same urgency.

export type Urgency = 'breaking' | 'routine';

const MARKERS = /(^|\W)(BREAKING|URGENT|FLASH|ALERT|JUST IN|EXCLUSIVE|UPDATE \d+)(\W|$)|--? ?sources\b|\bsources say\b/;
const MARKET_MOVING =
  /\b(profit warning|warns on (profit|earnings)|bankrupt(cy)?|chapter 11|insolven(t|cy)|trading (halt|suspended)|halts trading|halted|takeover (bid|offer)|hostile bid|recall(s|ed)?|defaults? on|plunge[sd]?|plummet(s|ed)?|soar(s|ed)?|tumble[sd]?|crash(es|ed)?|skyrocket(s|ed)?|collapse[sd]?)\b|\b(surge[sd]?|jump(s|ed)?|rise[sn]?|rose|fall(s|en)?|fell|drop(s|ped)?|slide[sd]?|sink(s)?|sank) \d{2,}(\.\d+)? ?%/i;

export function urgency(text: string): Urgency {
  return MARKERS.test(text) || MARKET_MOVING.test(text) ? 'breaking' : 'routine';
}

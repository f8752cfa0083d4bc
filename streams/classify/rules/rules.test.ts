import { describe, expect, it } from 'vitest';
import { eventType, type EventType } from './event-type.ts';
import { urgency, type Urgency } from './urgency.ts';

describe('eventType', () => {
  const cases: Array<[string, EventType]> = [
    ['Microsoft to acquire Activision Blizzard for $69 billion', 'm&a'],
    ['Broadcom completes acquisition of VMware', 'm&a'],
    ['Pfizer agrees to buy a stake in rival biotech', 'm&a'],
    ['Apple beats estimates as iPhone sales jump', 'earnings'],
    ['Nokia second-quarter operating profit rose to EUR 1.2 bn', 'earnings'],
    ['Tesla Q3 deliveries and results due Wednesday', 'earnings'],
    ['Nike cuts full-year outlook as China demand slows', 'guidance'],
    ['Siemens issues profit warning', 'guidance'],
    ['Company expects net sales to increase in 2009', 'guidance'],
    ['Goldman upgrades Nvidia to buy, raises price target to $1,200', 'analyst_rating'],
    ['Morgan Stanley initiates coverage of Arm with overweight', 'analyst_rating'],
    ['Apple announces $110 billion share buyback', 'dividend_buyback'],
    ['Board proposes a dividend of EUR 0.50 per share', 'dividend_buyback'],
    ['EU fines Google EUR 2.4 billion in antitrust case', 'legal_regulatory'],
    ['FDA approves Eli Lilly weight-loss drug', 'legal_regulatory'],
    ['Disney CEO Bob Iger to step down in 2026', 'management'],
    ['Intel announces layoffs of 15,000 workers', 'management'],
    ['Apple unveils new iPad lineup', 'product'],
    ['Outotec won a EUR 28 million order to expand a concentrator', 'product'],
    ['Fed holds interest rates steady, signals cuts later', 'macro'],
    ['Euro zone inflation falls to 2.4% in November', 'macro'],
    ['Shares were little changed on Tuesday', 'other'],
    // The order decides between several matches.
    ['Alphabet beats estimates, announces $70 billion buyback', 'earnings'],
    ['Rival bid for takeover as quarterly results disappoint', 'm&a'],
  ];
  it.each(cases)('%s → %s', (text, expected) => expect(eventType(text)).toBe(expected));
});

describe('urgency', () => {
  const cases: Array<[string, Urgency]> = [
    ['BREAKING: Fed cuts rates by 50 basis points', 'breaking'],
    ['Exclusive: Microsoft in talks to buy TikTok -- sources', 'breaking'],
    ['Boeing shares plunge after door blowout', 'breaking'],
    ['Trading halted in Credit Suisse shares', 'breaking'],
    ['Evergrande files for Chapter 11 bankruptcy in New York', 'breaking'],
    ['Nvidia jumps 25% after blowout forecast', 'breaking'],
    ['Siemens issues profit warning', 'breaking'],
    ['Apple unveils new iPad lineup', 'routine'],
    ['Nokia second-quarter operating profit rose to EUR 1.2 bn', 'routine'],
    ['Shares rose 2% in early trade', 'routine'],
    ['The company was alerted by customers', 'routine'],
  ];
  it.each(cases)('%s → %s', (text, expected) => expect(urgency(text)).toBe(expected));
});

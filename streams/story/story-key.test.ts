import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DISTANCE, DEFAULT_WINDOW_MINUTES, sameStory, type StoryRule } from './same-story.ts';
import { createHash } from 'node:crypto';
import { hammingDistance, simhash } from './simhash.ts';
import { STORY_KEY_PATTERN, shingles, storyKey } from './story-key.ts';
import { headlineCore, titleWords } from './title-words.ts';

const MIN = 60_000;
const T0 = Date.UTC(2020, 9, 30, 11, 40);
const RULE: StoryRule = { maxDistance: DEFAULT_MAX_DISTANCE, windowMs: DEFAULT_WINDOW_MINUTES * MIN };
const item = (title: string, minutes = 0) => ({ storyKey: storyKey(title), eventTime: T0 + minutes * MIN });

describe('headlineCore: what outlets put around a headline', () => {
  it.each([
    ['UPDATE 2-Apple shares fall', 'Apple shares fall'],
    ['BREAKING: Nvidia agrees to buy Arm', 'Nvidia agrees to buy Arm'],
    ['EXCLUSIVE-Factbox: who bids for Arm', 'who bids for Arm'],
    ['Apple shares fall before the bell - Reuters', 'Apple shares fall before the bell'],
    ['Director of CDC resigns | US news', 'Director of CDC resigns'],
    ['Moments of protest during the address – video', 'Moments of protest during the address'],
    ['Apple gains 3.4% on its first day (Reuters)', 'Apple gains 3.4% on its first day'],
    ['Apple shares fall - Reuters | Markets', 'Apple shares fall'],
    // Not a suffix: too little would remain, or the tail is a clause of the headline.
    ['Apple - Reuters', 'Apple - Reuters'],
    ['Tesla plunges 21% - its worst day on record - after being passed over for S&P 500', 'Tesla plunges 21% - its worst day on record - after being passed over for S&P 500'],
  ])('%s', (title, core) => expect(headlineCore(title)).toBe(core));
});

describe('titleWords: the words that make a headline one story', () => {
  it.each([
    ["UPDATE 2-Apple's U.S. iPhone sales fall 6.7% to $64.7bn, analysts say - Reuters", ['apple', 'us', 'iphone', 'sale', 'fall', '6.7', '64.7', 'billion', 'analyst']],
    ['Apple Shares Fall Before The Bell', ['apple', 'share', 'fall', 'before', 'bell']],
    ['FBI has ‘grave concerns’ about Trump’s memo', ['fbi', 'grave', 'concern', 'about', 'trump', 'memo']],
    ['US employers add 638,000 jobs; unemployment falls to 6.9 percent', ['us', 'employer', 'add', '638000', 'job', 'unemployment', 'fall', '6.9']],
    ['Mãe de utente é a nova presidente', ['mae', 'de', 'utente', 'e', 'nova', 'presidente']],
    ['Companies cut 4-for-1', ['company', 'cut', '4', '1']],
    ['The', []],
    // Words that name members of every JavaScript object are words like any other.
    ['Constructor toString hasOwnProperty __proto__ valueOf', ['constructor', 'tostring', 'hasownproperty', 'proto', 'valueof']],
  ])('%s', (title, words) => expect(titleWords(title)).toEqual(words));
});

describe('simhash', () => {
  it('of one feature is that feature\'s sha256: a consumer can check the definition', () => {
    expect(simhash(['apple'])).toBe('3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b');
    expect(simhash([])).toBe('0'.repeat(64));
  });

  /** The definition, bit by bit: what the counting in lanes must equal. */
  const reference = (features: string[]) => {
    const votes = new Array<number>(256).fill(0);
    for (const f of features) {
      const h = createHash('sha256').update(f).digest();
      for (let bit = 0; bit < 256; bit++) votes[bit]! += (h[bit >> 3]! >> (7 - (bit & 7))) & 1 ? 1 : -1;
    }
    let hex = '';
    for (let i = 0; i < 256; i += 4) hex += (votes.slice(i, i + 4).reduce((v, x) => (v << 1) | (x > 0 ? 1 : 0), 0)).toString(16);
    return hex;
  };
  it.each([1, 2, 7, 254, 255, 256, 509, 510, 511, 1200])('of %i features is the bit-by-bit definition (lanes emptied every 255)', (count) => {
    const features = Array.from({ length: count }, (_, i) => `f${(i * 7919) % 97} ${i % 5}`);
    expect(simhash(features)).toBe(reference(features));
  });
  it('counts a feature given 600 times (every lane full more than twice over)', () => {
    const features = [...new Array<string>(600).fill('apple'), 'pear'];
    expect(simhash(features)).toBe(reference(features));
  });

  it.each([
    ['0'.repeat(64), '0'.repeat(64), 0],
    ['0'.repeat(64), 'f'.repeat(64), 256],
    ['0'.repeat(63) + '1', '0'.repeat(63) + '3', 1],
    ['8' + '0'.repeat(63), '0'.repeat(64), 1],
  ])('hammingDistance(%s, %s) = %i', (a, b, d) => expect(hammingDistance(a, b)).toBe(d));

  it('refuses fingerprints of different lengths', () => expect(() => hammingDistance('00', '0000')).toThrow(RangeError));
});

describe('storyKey', () => {
  it('is 64 hex digits, the same for the same headline (a contract: pinned)', () => {
    expect(storyKey('Apple beats estimates')).toBe('796fd329777ab4699cfc2efeab3ec456acf13bcc299516b46e6b7693d0df1349');
    expect(storyKey('APPLE BEATS ESTIMATES - Reuters')).toBe(storyKey('Apple beats estimates'));
    expect(storyKey('Apple beats estimates')).toMatch(STORY_KEY_PATTERN);
  });

  it('keys a headline with words that name object members (a PhraseBank sentence crashed classify)', () => {
    expect(storyKey('Building constructor YIT: the constructor of the toString valueOf plant')).toMatch(STORY_KEY_PATTERN);
  });

  it('is the SimHash of the shingles, with word digests kept or not', () => {
    const titles = ['Apple beats estimates', 'Apple beats estimates again as Apple shares rise', 'The', 'Shares of Nokia rise 3% - Reuters'];
    for (const title of [...titles, ...titles]) {
      const words = titleWords(title);
      expect(storyKey(title)).toBe(simhash(words.length ? shingles(words) : [title.toLowerCase()]));
    }
  });

  it('shingles are the words and the pairs of adjacent words', () => {
    expect(shingles(['apple', 'beat', 'estimate'])).toEqual(['apple', 'beat', 'estimate', 'apple beat', 'beat estimate']);
  });

  it('of a title longer than the RSS source keeps is the key of its first 1000 characters, at once', () => {
    const started = Date.now();
    expect(storyKey(`${'word('.repeat(200)}${'x('.repeat(50_000)}`)).toBe(storyKey('word('.repeat(200)));
    expect(storyKey(`${'a('.repeat(500)}${'x('.repeat(50_000)}`)).toBe(storyKey('a('.repeat(500)));
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('of a headline without words is its own text, not the key of every such headline', () => {
    expect(storyKey('The')).not.toBe(storyKey('—'));
  });
});

describe('sameStory under the default rule', () => {
  // One wire story as several outlets publish it.
  const same: Array<[string, string]> = [
    ['Apple shares fall before the bell after iPhone sales miss estimates and China revenue drops 29%', 'Apple Shares Fall Before The Bell After iPhone Sales Miss Estimates And China Revenue Drops 29 Percent - Reuters'],
    ['Apple shares fall before the bell after iPhone sales miss estimates and China revenue drops 29%', 'UPDATE 1-Apple shares fall before the bell after iPhone sales miss estimates, China revenue drops 29%'],
    ['Apple shares fall before the bell after iPhone sales miss estimates and China revenue drops 29%', 'Apple shares fall before the bell as iPhone sales miss estimates and China revenue drops 29%'],
    ['Apple shares fall before the bell after iPhone sales miss estimates and China revenue drops 29%', 'Apple shares fall before the bell after iPhone sales miss estimates and China revenue sinks 29%'],
    ['Apple reports record September-quarter revenue of $64.7 billion as Mac and services set records', 'Apple reports record September quarter revenue of $64.7bn as Mac and services set records'],
    ['Apple reports record September-quarter revenue of $64.7 billion as Mac and services set records', 'Apple Inc reports record September-quarter revenue of $64.7 billion as Mac and services set records'],
    ['Nvidia agrees to buy chip designer Arm from SoftBank for $40 billion', 'BREAKING: Nvidia agrees to buy British chip designer Arm from SoftBank for $40bn'],
    ['Porn actor Stormy Daniels casts doubt on denial of affair with Trump', 'Porn actor Stormy Daniels casts doubt on denial of affair with Donald Trump | US news'],
    ['Tesla plunges 21%, its worst day on record, after being passed over for the S&P 500', 'Tesla plunges 21% - its worst day on record - after being passed over for S&P 500'],
    ['Justice Department sues Google over its search monopoly, citing its default-search deal with Apple', 'Justice Department sues Google over search monopoly, citing default search deal with Apple (Reuters)'],
  ];
  it.each(same)('same: %s | %s', (a, b) => {
    expect(sameStory(item(a), item(b, 30), RULE)).toBe(true);
    expect(sameStory(item(b, 30), item(a), RULE)).toBe(true);
  });

  // Different stories that share most of their words.
  const different: Array<[string, string]> = [
    ['US employers add 638,000 jobs in October; unemployment rate falls to 6.9%', 'US employers add 1.4 million jobs in August; unemployment rate falls to 8.4%'],
    ['Apple shares rise before the open', 'Apple shares fall before the open'],
    ['Apple beats estimates', 'Apple misses estimates'],
    ['Apple rises 4% to a record close', 'Apple falls 4% from a record close'],
    ['Apple shares fall before the bell after iPhone sales miss estimates', 'Apple shares rise before the bell after iPhone sales beat estimates'],
    ['Announcing v201605 of the AdWords API', 'Announcing v201603 of the AdWords API'],
    ['AdWords API v201509 sunset reminder', 'AdWords API v201506 sunset reminder'],
    ["Apple's iPhone revenue falls 21% as the new models ship later than usual", 'Apple reports record September-quarter revenue of $64.7 billion as Mac and services set records'],
    ['Apple introduces iPhone 12 and iPhone 12 Pro with 5G, plus a $99 HomePod mini', 'Apple opens pre-orders for iPhone 12 and iPhone 12 Pro ahead of their October 23 release'],
    ["Apple sinks 8%, its worst day since March, as a tech sell-off drags the Nasdaq down 5%", "Tesla and Apple led Thursday's slump as the Nasdaq suffered its worst day since March"],
  ];
  it.each(different)('different: %s | %s', (a, b) => expect(sameStory(item(a), item(b, 30), RULE)).toBe(false));

  it('takes one headline twice for one story only within the window', () => {
    const title = 'Apple shares edge higher before the open';
    expect(sameStory(item(title), item(title, DEFAULT_WINDOW_MINUTES), RULE)).toBe(true);
    expect(sameStory(item(title), item(title, DEFAULT_WINDOW_MINUTES + 1), RULE)).toBe(false);
    expect(sameStory(item(title), item(title, 24 * 60), RULE)).toBe(false);
  });

  it('takes nothing for one story with a window of 0, or an item without a key', () => {
    const title = 'Apple shares edge higher before the open';
    expect(sameStory(item(title), item(title), { ...RULE, windowMs: 0 })).toBe(false);
    expect(sameStory({ storyKey: null, eventTime: T0 }, item(title), RULE)).toBe(false);
  });

  it('tightens and loosens with maxDistance', () => {
    const [a, b] = same[2]!;
    const d = hammingDistance(storyKey(a), storyKey(b));
    expect(d).toBeGreaterThan(0);
    expect(sameStory(item(a), item(b), { ...RULE, maxDistance: d })).toBe(true);
    expect(sameStory(item(a), item(b), { ...RULE, maxDistance: d - 1 })).toBe(false);
  });
});

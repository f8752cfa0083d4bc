// A headline as the words that make it one story: what outlets change when they republish a
// wire item (case, accents, quotes, punctuation, a desk prefix such as "UPDATE 2-", an outlet or
// section suffix such as " - Reuters", "percent" for "%", "bn" for "billion", filler words,
// plural or third-person -s) is taken away; numbers stay, because "rises 3%" and "rises 8%"
// are two stories.

/** Wire-desk labels in front of a headline ("UPDATE 2-", "BREAKING:", "EXCLUSIVE-", "Factbox:"). */
const DESK_PREFIX =
  /^(?:(?:update|corrected|correction|refile|rpt|wrapup|exclusive|breaking(?: news)?|urgent|flash|alert|just in|analysis|factbox|insight|timeline|explainer|live|video|watch)(?:\s*\d+)?\s*[-:–—|]+\s*)+/i;

/** A trailing " - Outlet", " | Section", " – video": a separator with spaces, then a short tail. */
const SUFFIX_SEGMENT = /^(.*\S)\s+[-–—|]\s+([^-–—|]+)$/;

/** A trailing "(Reuters)", "[video]". */
const SUFFIX_BRACKETS = /^(.*\S)\s*[([]([^)\]]*)[)\]]$/;

/** The longest tail an outlet adds (in words), and the fewest words that must remain before it. */
const MAX_TAIL_WORDS = 4;
const MIN_HEAD_WORDS = 3;

/** Words that outlets add, drop or swap without changing the story. */
const FILLER = new Set(
  'a an the of to in on at for and or as by with from into over amid than its it is are was were be been has have had that this these those s say says said per percent pct cent'.split(' '),
);

/** Outlet spellings of the same quantity word. A Map: a headline's word ("constructor") is no object key. */
const SPELLING: ReadonlyMap<string, string> = new Map(Object.entries({ bn: 'billion', bln: 'billion', mln: 'million', mn: 'million', tn: 'trillion', trn: 'trillion', usd: 'dollar', dollars: 'dollar' }));

/** The RSS source keeps no more of a title; a longer one (another producer's) is cut, which bounds the work. */
export const MAX_TITLE_CHARS = 1000;

const wordCount = (s: string) => s.trim().split(/\s+/).filter(Boolean).length;

/** Removes what outlets put around a headline: desk prefixes, outlet or section suffixes. */
export function headlineCore(title: string): string {
  let s = title.slice(0, MAX_TITLE_CHARS).trim().replace(DESK_PREFIX, '');
  for (;;) {
    const m = SUFFIX_SEGMENT.exec(s) ?? SUFFIX_BRACKETS.exec(s);
    if (!m || wordCount(m[2]!) > MAX_TAIL_WORDS || wordCount(m[1]!) < MIN_HEAD_WORDS) return s;
    s = m[1]!;
  }
}

/** -s and -ies endings, so "share falls" and "shares fall" are the same words. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The headline's words, normalised, in order. */
export function titleWords(title: string): string[] {
  const text = headlineCore(title)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // accents: é → e
    .toLowerCase()
    .replace(/['’‘`´]s\b/g, '') // possessive: Apple's → apple
    .replace(/['’‘`´]/g, '') // don't → dont
    .replace(/(\d),(?=\d{3}\b)/g, '$1') // 638,000 → 638000
    .replace(/(\d)(\p{L})/gu, '$1 $2') // $64.7bn → 64.7 bn
    .replace(/\b(\p{L})\.(?=\p{L}\b)/gu, '$1') // u.s. → us.
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' '); // a dot stays only inside a number: 6.7
  return text
    .split(/[^\p{L}\p{N}.]+/u)
    .filter(Boolean)
    .map((w) => SPELLING.get(w) ?? w)
    .filter((w) => !FILLER.has(w))
    .map(stem);
}

/**
 * Text analysis for archive search: turns a reader's query (or a snippet of an
 * article) into the same terms Whoosh's `StemmingAnalyzer()` put in the index.
 *
 * The chain is Whoosh's: RegexTokenizer (default pattern) → LowercaseFilter →
 * StopFilter (Whoosh's stop words, minimum length 2) → StemFilter with
 * `whoosh.lang.porter.stem`. Every step is ported so that the output is the
 * same token for token; tests/test_search_analysis.py checks it against Whoosh
 * on fixture text and on a whole real corpus.
 *
 * Known limit: JavaScript's Unicode tables come from the browser, Python's from
 * its own build (Unicode 14 for Python 3.11). Letters assigned in later Unicode
 * versions are word characters here but not in the index; nothing else differs.
 *
 * No dependencies; an ES module loaded directly by the search page.
 */

/** Whoosh's default English stop words (`whoosh.analysis.filters.STOP_WORDS`). */
export const STOP_WORDS = new Set([
  "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from",
  "have", "if", "in", "is", "it", "may", "not", "of", "on", "or", "tbd",
  "that", "the", "this", "to", "us", "we", "when", "will", "with", "yet",
  "you", "your",
]);

/** Tokens shorter than this (in code points) are dropped, as StopFilter's minsize=2. */
const MIN_TOKEN_LENGTH = 2;

// Whoosh's pattern is `[\w\*]+(\.?[\w\*]+)*` with Python's Unicode \w, which is
// exactly the letters (L*), numbers (N*) and underscore. `X+(\.X+)*` matches the
// same spans with no ambiguous nesting, so long hostile input cannot backtrack.
const WORD = String.raw`[\p{L}\p{N}_*]`;
const TOKEN_PATTERN = new RegExp(`${WORD}+(?:\\.${WORD}+)*`, "gu");

/**
 * Split text into raw tokens exactly as Whoosh's default RegexTokenizer does.
 * @param {string} text
 * @returns {string[]} matched spans, original case, in text order
 */
export function tokenize(text) {
  return String(text).match(TOKEN_PATTERN) ?? [];
}

/**
 * The same tokens with where they sit in the text, for highlighting a snippet.
 * @param {string} text
 * @returns {Array<{text: string, start: number, end: number}>} UTF-16 offsets, end exclusive
 */
export function tokenSpans(text) {
  return Array.from(String(text).matchAll(TOKEN_PATTERN), (match) => ({
    text: match[0],
    start: match.index,
    end: match.index + match[0].length,
  }));
}

/**
 * Analyze text like Whoosh's `StemmingAnalyzer()` with default settings.
 * @param {string} text
 * @returns {string[]} index terms in text order (stop words and 1-character tokens removed)
 */
export function analyze(text) {
  return surfaceWords(text).map(stem);
}

/**
 * The words of text as the index's spelling list has them: Whoosh's `StandardAnalyzer()`
 * (the same chain without the stemmer).
 * @param {string} text
 * @returns {string[]} lowercased words in text order (stop words and 1-character tokens removed)
 */
export function surfaceWords(text) {
  const words = [];
  for (const token of tokenize(text)) {
    const lower = token.toLowerCase();
    if (codePointLength(lower) < MIN_TOKEN_LENGTH || STOP_WORDS.has(lower)) continue;
    words.push(lower);
  }
  return words;
}

// ---------------------------------------------------------------------------
// Whoosh's Porter stemmer (whoosh/lang/porter.py), ported rule for rule.
//
// It is not the reference Porter algorithm: Whoosh calls `re.match`, which
// anchors at the start, on patterns written for `re.search`, so e.g. the
// "hopping → hop" undoubling only fires when the whole stem is two letters.
// Those quirks are in the index, so they are kept here: every regex below is
// anchored at the start exactly where Python's `match` anchors it.
// Consonants and vowels are defined with slightly different sets in different
// patterns in Whoosh; they are copied as they are.

const CONS_SEQ = "[^aeiouy]+";
const VOWEL = "[aeiouy]";
const VOWEL_SEQ = "[aeiou]+";

/** measure > 0: a vowel run followed by a consonant run. */
const MEASURE_GT_0 = new RegExp(`^(${CONS_SEQ})?${VOWEL_SEQ}${CONS_SEQ}`, "u");
/** measure == 1 over the whole stem. */
const MEASURE_EQ_1 = new RegExp(`^(${CONS_SEQ})?${VOWEL_SEQ}${CONS_SEQ}(${VOWEL_SEQ})?$`, "u");
/** measure > 1. */
const MEASURE_GT_1 = new RegExp(
  `^(${CONS_SEQ})?${VOWEL_SEQ}${CONS_SEQ}${VOWEL_SEQ}${CONS_SEQ}`, "u");
/** the stem contains a vowel. */
const HAS_VOWEL = new RegExp(`^(${CONS_SEQ})?${VOWEL}`, "u");
/** consonant-vowel-consonant ending (last not w, x or y), whole word. */
const CVC = new RegExp(`^${CONS_SEQ}${VOWEL}[^aeiouwxy]$`, "u");

const ED_ING = /^(.*)(ed|ing)$/u;
const AT_BL_IZ = /^(at|bl|iz)$/u;
const DOUBLE_CONSONANT = /^([^aeiouylsz])\1$/u;

const STEP2_SUFFIXES = new Map([
  ["ational", "ate"], ["tional", "tion"], ["enci", "ence"], ["anci", "ance"],
  ["izer", "ize"], ["bli", "ble"], ["alli", "al"], ["entli", "ent"],
  ["eli", "e"], ["ousli", "ous"], ["ization", "ize"], ["ation", "ate"],
  ["ator", "ate"], ["alism", "al"], ["iveness", "ive"], ["fulness", "ful"],
  ["ousness", "ous"], ["aliti", "al"], ["iviti", "ive"], ["biliti", "ble"],
  ["logi", "log"],
]);
const STEP3_SUFFIXES = new Map([
  ["icate", "ic"], ["ative", ""], ["alize", "al"], ["iciti", "ic"],
  ["ical", "ic"], ["ful", ""], ["ness", ""],
]);
// The shortest stem wins (lazy `.+?`), so the longest listed suffix is taken;
// alternatives are tried in Whoosh's order, kept by the Map insertion order.
const STEP2 = suffixPattern(STEP2_SUFFIXES.keys());
const STEP3 = suffixPattern(STEP3_SUFFIXES.keys());
const STEP4_SUFFIXES = suffixPattern([
  "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment",
  "ent", "ou", "ism", "ate", "iti", "ous", "ive", "ize",
]);
const STEP4_ION = /^(.+?)(s|t)(ion)$/u;
const STEP5_E = /^(.+?)e$/u;

/**
 * Stem one lowercase word with Whoosh's Porter stemmer.
 * @param {string} word a lowercased token
 * @returns {string} the stem Whoosh's `whoosh.lang.porter.stem` returns
 */
export function stem(word) {
  let w = String(word);
  if (codePointLength(w) < 3) return w;

  // A leading y is a consonant; Whoosh marks it by upper-casing it meanwhile.
  const firstIsY = w[0] === "y";
  if (firstIsY) w = "Y" + w.slice(1);

  w = step1a(w);
  w = step1b(w);
  w = step1c(w);
  w = replaceSuffix(w, STEP2, STEP2_SUFFIXES);
  w = replaceSuffix(w, STEP3, STEP3_SUFFIXES);
  w = step4(w);
  w = step5(w);

  if (firstIsY) w = "y" + w.slice(1);
  return w;
}

/** Plurals: sses → ss, ies → i, s → "" (but not ss). */
function step1a(w) {
  if (!w.endsWith("s")) return w;
  if (w.endsWith("sses") || w.endsWith("ies")) return w.slice(0, -2);
  const chars = Array.from(w);
  return chars[chars.length - 2] !== "s" ? w.slice(0, -1) : w;
}

/** Past tense and gerunds: eed → ee, ed/ing removed when the stem has a vowel. */
function step1b(w) {
  if (w.endsWith("eed")) {
    return MEASURE_GT_0.test(w.slice(0, -3)) ? w.slice(0, -1) : w;
  }
  const match = ED_ING.exec(w);
  if (!match || !HAS_VOWEL.test(match[1])) return w;
  const base = match[1];
  if (AT_BL_IZ.test(base)) return base + "e";
  if (DOUBLE_CONSONANT.test(base)) return dropLastCodePoint(base);
  if (CVC.test(base)) return base + "e";
  return base;
}

/** Terminal y → i when the stem has a vowel. */
function step1c(w) {
  if (!w.endsWith("y")) return w;
  const base = w.slice(0, -1);
  return HAS_VOWEL.test(base) ? base + "i" : w;
}

/** Steps 2 and 3: map a derivational suffix when the stem has measure > 0. */
function replaceSuffix(w, pattern, replacements) {
  const match = pattern.exec(w);
  if (match && MEASURE_GT_0.test(match[1])) return match[1] + replacements.get(match[2]);
  return w;
}

/** Remove a residual suffix when the stem has measure > 1. */
function step4(w) {
  const match = STEP4_SUFFIXES.exec(w);
  if (match) return MEASURE_GT_1.test(match[1]) ? match[1] : w;
  // Whoosh only tries -sion/-tion when no listed suffix matched at all.
  const ion = STEP4_ION.exec(w);
  if (ion) {
    const base = ion[1] + ion[2];
    if (MEASURE_GT_1.test(base)) return base;
  }
  return w;
}

/** Remove a final e, then undouble a final ll, by measure. */
function step5(w) {
  const match = STEP5_E.exec(w);
  if (match) {
    const base = match[1];
    if (MEASURE_GT_1.test(base) || (MEASURE_EQ_1.test(base) && !CVC.test(base))) w = base;
  }
  if (w.endsWith("ll") && MEASURE_GT_1.test(w)) w = w.slice(0, -1);
  return w;
}

/** `^(.+?)(s1|s2|...)$` over the given suffixes, in order. */
function suffixPattern(suffixes) {
  return new RegExp(`^(.+?)(${Array.from(suffixes).join("|")})$`, "u");
}

/** Length in code points, as Python's len() counts a str. */
function codePointLength(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function dropLastCodePoint(text) {
  return Array.from(text).slice(0, -1).join("");
}

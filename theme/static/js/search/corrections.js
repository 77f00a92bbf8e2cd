// "Did you mean": misspelled words of a query that found nothing are corrected against the
// spelling word list (words as written, with the number of articles using each), as
// plugins/archive_search/query.py corrects them.

import { analyze, surfaceWords } from "./analysis.js";

const MIN_CORRECTED_LENGTH = 4;
const MAX_EDIT_DISTANCE = 2;
const MAX_CORRECTION_TRIES = 3;
const RARE_FREQUENCY = 3;

// Plain words of a query, for spelling correction (same rules as query.py's plain_words).

/** Return [{start, end, text}] of words that are neither operators, fields, phrases nor prefixes. */
export function plainWords(query) {
  const masked = query.replace(/"[^"]*"/g, (match) => " ".repeat(match.length));
  const words = [];
  const pattern = /\S+/g;
  let match;
  let afterNot = false;
  while ((match = pattern.exec(masked)) !== null) {
    const text = match[0];
    const skip = afterNot || text === "OR" || text === "AND" || text === "NOT" ||
      text.startsWith("-") || text.includes(":") || text.includes('"') || text.endsWith("*");
    afterNot = text === "NOT";
    if (!skip) words.push({ start: match.index, end: match.index + text.length, text });
  }
  return words;
}

/**
 * Edit distance counting a swap of neighbours as one edit (optimal string alignment), or
 * limit + 1 when the lengths alone put it past `limit` (same as query.py's edit_distance).
 */
export function editDistance(first, second, limit) {
  // Code points, as Python counts them: a letter outside the BMP is one edit, not two.
  const a = Array.from(first);
  const b = Array.from(second);
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, before[j - 2] + 1);
      }
      current.push(value);
    }
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length], limit + 1);
}

function replaceSpots(query, spots, words) {
  let result = "";
  let cursor = 0;
  spots.forEach(([start, end], index) => {
    result += query.slice(cursor, start) + words[index];
    cursor = end;
  });
  return result + query.slice(cursor);
}

/**
 * Words as written within two edits of a suspect `word` (same first letter) whose index term
 * is not `term`: closest, most frequent, alphabetical; one per index term (as query.py).
 */
async function candidates(search, word, term) {
  const directory = await search.files.json(`lexicon/${search.manifest.lexicon}.json`);
  const first = String.fromCodePoint(word.codePointAt(0));
  const length = Array.from(word).length;
  const names = [];
  for (let size = length - MAX_EDIT_DISTANCE; size <= length + MAX_EDIT_DISTANCE; size += 1) {
    const name = directory[`${first}${size}`];
    if (name) names.push(name);
  }
  const groups = await Promise.all(names.map((name) => search.files.json(`lexicon/${name}.json`)));
  const ranked = [];
  for (const group of groups) {
    for (const [known, frequency] of Object.entries(group)) {
      const distance = editDistance(word, known, MAX_EDIT_DISTANCE);
      if (known !== word && distance <= MAX_EDIT_DISTANCE) ranked.push([distance, -frequency, known]);
    }
  }
  ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
  // Another inflection of the typed word would search the same term: no correction.
  const kept = [];
  const stems = new Set([term]);
  for (const [, , known] of ranked) {
    if (kept.length === MAX_CORRECTION_TRIES) break;
    const terms = analyze(known);
    if (terms.length === 1 && !stems.has(terms[0])) {
      stems.add(terms[0]);
      kept.push(known);
    }
  }
  return kept;
}

/**
 * The query with misspelled plain words replaced (null if none was): a word whose term is in
 * fewer than RARE_FREQUENCY articles is corrected as written ("shoppign" to "shopping") and
 * takes, of its options (itself if known, then its candidates) with which all the words find
 * something, the one whose best story scores highest among those as close as the first such
 * option, else its first option (as query.py).
 */
export async function correctedQuery(search, query, notes) {
  const spots = [];
  const options = [];
  // Every suspect word is looked up at once (one round trip for all their word lists).
  const looked = await Promise.all(plainWords(query).map(async (word) => {
    const terms = analyze(word.text);
    if (terms.length !== 1) return null;
    const [written] = surfaceWords(word.text);
    if (Array.from(written).length < MIN_CORRECTED_LENGTH) return null;
    const frequency = await search.frequency(terms[0]);
    if (frequency >= RARE_FREQUENCY) return null;
    return [word, written, frequency, await candidates(search, written, terms[0])];
  }));
  for (const [word, written, frequency, found] of looked.filter((item) => item && item[3].length)) {
    spots.push([word.start, word.end]);
    options.push([...(frequency ? [[word.text, 0]] : []),
      ...found.map((known) => [known, editDistance(written, known, MAX_EDIT_DISTANCE)])]);
  }
  if (!spots.length) return null;
  // The candidates' shards all at once: each trial below then finds its words in hand.
  for (const [candidate] of options.flat()) search.prefetch(candidate);
  const original = spots.map(([start, end]) => query.slice(start, end));
  let choice = options.map((found) => found[0][0]);
  for (let index = 0; index < options.length; index += 1) {
    let best = null; // [top score, edit distance] of the choice
    for (const [candidate, distance] of options[index]) {
      if (best && distance > best[1]) break;
      const trial = [...choice.slice(0, index), candidate, ...choice.slice(index + 1)];
      const outcome = await search.run(replaceSpots(query, spots, trial), "and", notes);
      if (outcome && outcome.set.ids.length) {
        // The best story's exact score (scores in long lists may be bounds until loaded).
        const { set, order } = await search.exactTop(outcome, "relevance", 1, (top) => top);
        const top = set.scores[order[0]];
        if (!best || top > best[0]) {
          best = [top, distance];
          choice = trial;
        }
      }
    }
  }
  return choice.every((word, index) => word === original[index]) ? null : replaceSpots(query, spots, choice);
}

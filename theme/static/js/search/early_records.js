// A guess at the page of a query of plain words, made as soon as its words' entries are in
// hand, so the page's records can be asked for before the engine has ranked every match.
//
// The engine asks for a page's records once it has scored and ranked every article holding
// the query's words (engine.js search()): for a common word at 50,000 articles that is 15-20
// ms of computing in Chromium after the word's shard has come, and only then the records'
// round trip. Some articles have all their scoring data in the entries already: every
// posting of a short list, and a word's top postings, which the export gives with all of the
// word's fields. Ranked alone, their best few are most often the page itself. Their records
// are asked for first and travel while the engine computes. It is only a guess: what the
// page shows is always the engine's own ranking (a wrong guess costs a record file more).

import { indexOf } from "./index_files.js";
import { bm25Scorer, idf } from "./scoring.js";

/** The plain word of `node` (a term in every text field, as the parser makes a word), or null. */
function plainWord(node) {
  if (node.kind !== "or" || !node.items.length) return null;
  const [first] = node.items;
  const same = node.items.every((item) => item.kind === "term" && item.text === first.text && item.field !== "desk");
  return same ? node.items : null;
}

/** The words of a query of plain words (one, or all of several), each as its field terms; else null. */
function plainWords(node) {
  if (!node) return null;
  const words = node.kind === "and" ? node.items.map(plainWord) : [plainWord(node)];
  return words.every(Boolean) ? words : null;
}

/**
 * Articles of one word whose score for it is complete with the data in hand, with that score
 * (Map article -> score): articles of its top postings, and of its short lists when no long
 * list of the word holds them without data. `lists`: [postings, scorer, boost] per field.
 */
function knownScores(lists) {
  const scores = new Map();
  for (const [postings, score, boost] of lists) {
    const { ids, weights, lengths } = postings;
    const known = postings.blocks?.known;
    for (let i = 0; i < ids.length; i += 1) {
      if (known && !known[i]) continue;
      scores.set(ids[i], (scores.get(ids[i]) ?? 0) + boost * score(weights[i], lengths[i]));
    }
  }
  // A word's top postings come with all its fields; an article of a short list may also be
  // in a long list without its data there: its score is not complete.
  const long = lists.filter(([postings]) => postings.blocks);
  for (const id of [...scores.keys()]) {
    if (long.some(([postings]) => {
      const at = indexOf(postings.ids, id);
      return at >= 0 && !postings.blocks.known[at];
    })) scores.delete(id);
  }
  return scores;
}

/**
 * Article numbers at ranks [from, to) of query tree `node` by relevance when the entries
 * alone settle them (see the module comment): every other article holding all the words is
 * sure to score less. Empty when the query is not plain words, when they do not settle it,
 * or when fewer than `fewest` articles have all the words (a question so answered is
 * searched for any of its words). `engine` is engine.js's ArchiveSearch (its files,
 * statistics and Whoosh's tie order).
 */
export async function likelyPage(engine, node, from, to, fewest = 1) {
  const words = plainWords(node);
  if (!words) return [];
  // Every word's lists at once: their shards come in one round trip.
  const found = await Promise.all(words.map((terms) => Promise.all(terms.map((term) => {
    const fieldIndex = engine.fieldIndex(term.field);
    return fieldIndex < 0 ? null : engine.files.postings(engine.termKey(term.field, term.text), fieldIndex);
  }))));
  let together = null;
  // Per word: its best known score and its bound in articles without their data (-Infinity:
  // every posting's data is in hand).
  const known = [];
  const unknown = [];
  for (let w = 0; w < words.length; w += 1) {
    const lists = [];
    words[w].forEach((term, t) => {
      const postings = found[w][t];
      const avgfl = engine.avgLength[engine.fieldIndex(term.field)];
      if (!postings || avgfl === null) return;
      lists.push([postings, bm25Scorer(idf(engine.count, postings.df), avgfl, engine.B, engine.K1), term.boost ?? 1]);
    });
    const scores = knownScores(lists);
    let best = 0;
    for (const value of scores.values()) best = Math.max(best, value);
    known.push(best);
    unknown.push(await unknownBound(engine, words[w], lists));
    if (together === null) {
      together = scores;
      continue;
    }
    const both = new Map();
    for (const [id, value] of together) {
      const more = scores.get(id);
      if (more !== undefined) both.set(id, value + more);
    }
    together = both;
  }
  const whoosh = (id) => engine.files.whooshNumber(id);
  const ranked = [...together].sort((a, b) => b[1] - a[1] || whoosh(a[0]) - whoosh(b[0]));
  // An article not ranked here lacks the data of at least one word: it scores at most the
  // words' best known scores, with one word or more at their bound instead, whichever is most.
  if (unknown.includes(Infinity) || ranked.length < fewest) return [];
  const most = known.reduce((sum, value, w) => sum + Math.max(value, unknown[w]), 0);
  const others = most - Math.min(...known.map((value, w) => Math.max(value, unknown[w]) - unknown[w]));
  // Only a settled page is fetched early: a wrong guess would cost a round trip of records.
  const settled = others === -Infinity || (ranked.length >= to && ranked[to - 1][1] > others);
  return settled ? ranked.slice(from, to).map(([id]) => id) : [];
}

/**
 * The most one word (`terms`, its field terms; `lists` its postings with scorers) can score
 * in an article whose data for it is not all in hand: the export's word bound (the best over
 * its ranges, engine.js wordBounded scales it to live statistics); -Infinity when every
 * posting's data is in hand; Infinity when a long list has no word bound to go by.
 */
async function unknownBound(engine, terms, lists) {
  if (!lists.some(([postings]) => postings.blocks)) return -Infinity;
  const key = engine.termKey(terms[0].field, terms[0].text);
  const bounds = await engine.files.wordBounds(key);
  if (!bounds) return Infinity;
  let scale = 0;
  for (const [fieldIndex, , df] of await engine.files.entry(key)) {
    if (typeof fieldIndex === "number") scale = Math.max(scale, engine.referenceScorer(fieldIndex, df).scale);
  }
  return Math.max(...bounds.values) * scale;
}

// The page of a query of plain words or phrases, settled as soon as its words' entries are
// in hand when they can settle it, so the page's records are asked for before the engine has
// ranked every match.
//
// The engine asks for a page's records once it has scored and ranked every article holding
// the query's words (engine.js search()): for a common word at 50,000 articles that is 15-20
// ms of computing in Chromium after the word's shard has come, and only then the records'
// round trip. Some articles have all their scoring data in the entries already: every
// posting of a short list, and a word's top postings, which the export gives with all of the
// word's fields. When the best of them score above what any other article can (the words'
// bounds outside their tops), they are the page, scored and ordered as the engine would:
// their records are asked for at once, and for plain words the rest of the answer is only
// which articles have all the words (the total and facets). A phrase's page is only fetched
// early: its total needs its positions in every article, so the engine still evaluates it.
// Nothing is fetched on a guess: a wrong one would cost a round trip of records.

import { indexOf } from "./index_files.js";
import { intersectSets, makeSet, unionSets } from "./result_sets.js";
import { bm25Scorer, idf } from "./scoring.js";

/**
 * Whether `items` (an "or" node's) name each text field at most once with its query boost, as
 * a word typed without a field is searched: the export's word bounds are for that. `engine`:
 * engine.js's ArchiveSearch.
 */
export function asTyped(engine, items) {
  const boostOf = (name) => engine.manifest.fields.find((field) => field.name === name)?.boost ?? 1;
  return new Set(items.map((item) => item.field)).size === items.length &&
    items.every((item) => engine.avgLength[engine.fieldIndex(item.field)] != null && (item.boost ?? 1) === boostOf(item.field));
}

/** The plain word of `node` (a term in every text field, as the parser makes a word), or null. */
function plainWord(engine, node) {
  if (node.kind !== "or" || !node.items.length) return null;
  const [first] = node.items;
  const same = node.items.every((item) => item.kind === "term" && item.text === first.text);
  return same && asTyped(engine, node.items) ? node.items : null;
}

/** The phrase of `node` (the same phrase in each text field, as the parser makes one), or null. */
function phrase(engine, node) {
  if (node.kind !== "or" || !node.items.length) return null;
  const words = node.items[0].words?.join(" ");
  const same = node.items.every((item) => item.kind === "phrase" && item.words.join(" ") === words);
  return same && asTyped(engine, node.items) ? node.items : null;
}

/**
 * The parts of a query of plain words and phrases, all required: [{words, phrase}], `words`
 * each word's field terms (a phrase's words in its fields, with its boosts), `phrase` the
 * phrase's field items (null for a plain word). Null for any other query.
 */
function queryParts(engine, node) {
  if (!node) return null;
  const parts = [];
  for (const item of node.kind === "and" ? node.items : [node]) {
    const word = plainWord(engine, item);
    const items = word ? null : phrase(engine, item);
    if (word) {
      parts.push({ words: [word], phrase: null });
    } else if (items) {
      const words = items[0].words.map((text) => items.map((field) => ({ kind: "term", field: field.field, text, boost: field.boost })));
      parts.push({ words, phrase: items });
    } else {
      return null;
    }
  }
  return parts;
}

/**
 * The postings of `parts` (queryParts): per part, per word, per field term, null where the
 * term is not in the field. Every list is asked for at once: their shards come in one round trip.
 */
function partPostings(engine, parts) {
  return Promise.all(parts.map((part) => Promise.all(part.words.map((terms) => Promise.all(terms.map((term) => {
    const fieldIndex = engine.fieldIndex(term.field);
    return fieldIndex < 0 ? null : engine.files.postings(engine.termKey(term.field, term.text), fieldIndex);
  }))))));
}

/** Per part of plain words (`found`: partPostings's), the set of articles holding its word in any field. */
function wordMatches(found) {
  return found.map(([lists]) => unionSets(lists.filter(Boolean).map((postings) =>
    makeSet(postings.ids, new Float64Array(postings.ids.length)))));
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
 * The articles at ranks [from, to) of query tree `node` by relevance, with their scores, when
 * the entries alone settle them (see the module comment): every other article holding all
 * the words is sure to score less. {page: [[article, score]], matches}: `matches`, for a query
 * of plain words alone, is every article having all of them (sorted), so the whole answer is
 * known; null with a phrase (only its positions in every article would say). Null when the
 * query is not plain words and phrases, when they do not settle it, or when fewer than
 * `fewest` articles answer it (a question so answered is searched for any of its words).
 * `engine` is engine.js's ArchiveSearch (its files, statistics and Whoosh's tie order).
 */
export async function settledPage(engine, node, from, to, fewest = 1) {
  const parts = queryParts(engine, node);
  if (!parts) return null;
  const found = await partPostings(engine, parts);
  // Per part: its known articles' scores. Per word of the query: its best known score and its
  // bound in articles without their data (unknownBound).
  const partScores = [];
  const known = [];
  const unknown = [];
  for (let p = 0; p < parts.length; p += 1) {
    const wordScores = [];
    const scorers = [];
    for (let w = 0; w < parts[p].words.length; w += 1) {
      const lists = [];
      parts[p].words[w].forEach((term, t) => {
        const postings = found[p][w][t];
        const avgfl = engine.avgLength[engine.fieldIndex(term.field)];
        lists.push(!postings || avgfl === null ? null
          : [postings, bm25Scorer(idf(engine.count, postings.df), avgfl, engine.B, engine.K1), term.boost ?? 1]);
      });
      scorers.push(lists);
      const present = lists.filter(Boolean);
      const scores = knownScores(present);
      let best = 0;
      for (const value of scores.values()) best = Math.max(best, value);
      known.push(best);
      unknown.push(await unknownBound(engine, parts[p].words[w], present));
      wordScores.push(scores);
    }
    partScores.push(parts[p].phrase ? await phraseScores(engine, parts[p], wordScores, scorers) : wordScores[0]);
  }
  // The parts' scores are added up as the engine adds them (result_sets.js intersectSets:
  // the part with the fewest matches first), so the sums are the same numbers.
  const plain = parts.every((part) => !part.phrase);
  const matched = plain ? wordMatches(found) : null;
  const order = parts.map((_, p) => p);
  if (matched) order.sort((a, b) => matched[a].ids.length - matched[b].ids.length);
  const together = [];
  for (const [id, first] of partScores[order[0]]) {
    let sum = first;
    for (const p of order.slice(1)) {
      const more = partScores[p].get(id);
      if (more === undefined) {
        sum = undefined;
        break;
      }
      sum += more;
    }
    if (sum !== undefined) together.push([id, sum]);
  }
  const whoosh = (id) => engine.files.whooshNumber(id);
  const ranked = together.sort((a, b) => b[1] - a[1] || whoosh(a[0]) - whoosh(b[0]));
  if (unknown.includes(Infinity) || ranked.length < fewest) return null;
  // An article not ranked here lacks the data of at least one word: it scores at most the
  // words' best known scores, with one word or more at their bound instead, whichever is most
  // (a phrase scores at most what its words score together).
  const most = known.reduce((sum, value, w) => sum + Math.max(value, unknown[w]), 0);
  const others = most - Math.min(...known.map((value, w) => Math.max(value, unknown[w]) - unknown[w]));
  // Only a settled page is answered early: a wrong guess would cost a round trip of records.
  if (others !== -Infinity && (ranked.length < to || ranked[to - 1][1] <= others)) return null;
  return { page: ranked.slice(from, to), matches: matched ? intersectSets(matched).ids : null };
}

/**
 * The articles at ranks [from, to) of query tree `node` newest first, as soon as its words'
 * entries are in hand: for plain words these give every article holding all of them, and
 * newest first needs nothing else to order them (articles are numbered by publication).
 * Null for a phrase (only its positions say which articles have it), any other kind of query,
 * or when fewer than `fewest` articles have all the words (a question so answered is searched
 * for any of its words). `engine` is engine.js's ArchiveSearch.
 * {page: article numbers newest first, lists: the postings of the query's words}.
 */
export async function newestPage(engine, node, from, to, fewest = 1) {
  const parts = queryParts(engine, node);
  if (!parts || parts.some((part) => part.phrase)) return null;
  const found = await partPostings(engine, parts);
  const lists = found.flat(2).filter(Boolean);
  const { ids } = intersectSets(wordMatches(found));
  if (ids.length < Math.max(1, fewest)) return null;
  const page = [];
  for (let at = ids.length - 1 - from; at >= 0 && at > ids.length - 1 - to; at -= 1) page.push(ids[at]);
  return { page, lists };
}

/**
 * Articles with all of a phrase's data in hand that have the phrase, with their score (Map):
 * as engine.js phraseSet scores it, in each field where the phrase is, its words' scores there
 * added up and boosted. `wordScores`: each word's known scores (knownScores); `scorers`: each
 * word's [postings, scorer, boost] per phrase field (null where the word is not in the field).
 */
async function phraseScores(engine, part, wordScores, scorers) {
  const [first, ...rest] = wordScores;
  const ids = [...first.keys()].filter((id) => rest.every((scores) => scores.has(id)));
  const scores = new Map();
  for (let f = 0; f < part.phrase.length; f += 1) {
    const lists = scorers.map((fields) => fields[f]);
    // Whoosh gives up on a phrase in a field where one of its words is not.
    if (lists.some((list) => !list)) continue;
    const fieldIndex = engine.fieldIndex(part.phrase[f].field);
    const hasPhrase = await engine.files.phraseTest(part.phrase[f].words, fieldIndex);
    for (const id of ids) {
      const at = lists.map(([postings]) => indexOf(postings.ids, id));
      if (at.includes(-1) || !hasPhrase(id)) continue;
      let sum = 0;
      lists.forEach(([postings, score], w) => { sum += score(postings.weights[at[w]], postings.lengths[at[w]]); });
      const boost = part.phrase[f].boost ?? 1;
      scores.set(id, (scores.get(id) ?? 0) + (boost === 1 ? sum : sum * boost));
    }
  }
  return scores;
}

/**
 * The most one word (`terms`, its field terms; `lists` its postings with scorers) can score
 * in an article whose data for it is not all in hand: the export's word bound (the best over
 * its ranges, scaled to live statistics as engine.js wordBounded does); -Infinity when every
 * posting's data is in hand; Infinity when a long list has no word bound to go by.
 */
async function unknownBound(engine, terms, lists) {
  if (!lists.some(([postings]) => postings.blocks)) return -Infinity;
  const key = engine.termKey(terms[0].field, terms[0].text);
  const bounds = await engine.files.wordBounds(key);
  if (!bounds) return Infinity;
  return Math.max(...bounds.values) * (await engine.wordBoundScale(key));
}

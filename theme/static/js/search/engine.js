// Archive search engine: runs a reader's query against the static index exported by
// plugins/archive_search, ranking exactly as Whoosh's searcher ranks the same index.
//
// Contract with the search page (ui.js):
//
//   import {openArchiveSearch} from "./engine.js";
//   const s = await openArchiveSearch(baseUrl);      // folder holding manifest.json;
//                                                     // relative to the page is fine
//   const r = await s.search(query, {sort: "relevance" | "newest", page: 1, pageSize: 10});
//   r = {query, mode: "all" | "any", corrected: null | string, total, allTotal,
//        hits: [{score, doc: {headline, url, date, desk, byline, tags, excerpt}}],
//        facets: {desk: {slug: n}, year: {"2023": n}},
//        highlight: [analyzed terms], suggestion: null | string, message: null | string}
//
// search() never throws for anything a reader types: an unusable query comes back with
// total 0 and a `message`. It throws only when the index itself cannot be fetched.
// `doc.url` is site-relative as exported; `doc.date` is ISO 8601 with offset; `doc.tags` are
// tag names; `doc.desk` is the desk slug; `doc.excerpt` is the opening of the story's text.
// `mode` "any" means no article had all the words (or, for a question of four words or more,
// fewer than three did: `allTotal` says how many) and
// results are for any of them (desk:, tag: and date: still required); `corrected` is the query
// actually searched after misspelled words were replaced (the page offers the original
// spelling as a link); `message` explains a cut query, a refused prefix (under three letters)
// or a query with nothing to search for. `hits[].score` is Whoosh's score (relevance).
//
// Query language (a subset of Whoosh's default parser, as configured in
// plugins/archive_search/query.py): words (all required), `OR` between words, `-word` or
// `NOT word`, `"exact phrase"`, `prefix*` (3 letters or more), `desk:slug`, `tag:slug`, `byline:name`,
// `headline:` / `summary:` / `body:` words, `date:2023`, `date:2023-03`, `date:2023-03-16`,
// `date:[2022-01 to 2023-06]` (either end may be left out). Everything else is plain text.
//
// The work is split by what it does: query_parser.js (text -> query tree), index_files.js
// (fetching and decoding the export), scoring.js (Whoosh's BM25F), result_sets.js (combining
// matches), corrections.js ("did you mean"). This module evaluates a query tree and answers.

import { correctedQuery, plainWords } from "./corrections.js";
import { asTyped, newestPage, settledPage } from "./early_records.js";
import { IndexFiles } from "./index_files.js";
import { limitQuery, parseQuery, positiveTerms } from "./query_parser.js";
import { boostSet, EMPTY, intersectSets, makeSet, subtractSet, unionSets } from "./result_sets.js";
import { bm25Scorer, idf, referenceFrequency } from "./scoring.js";
import { madeUpIndex, WARM_UP_QUERIES } from "./warm_up.js";

export { decodeNumbers } from "./numbers.js";
export { editDistance, plainWords } from "./corrections.js";
export { limitQuery, MAX_QUERY_CHARS, MAX_QUERY_WORDS } from "./query_parser.js";

const NOTHING_TO_SEARCH =
  "Nothing to search for: add a specific word (very common words, and excluded words alone, find nothing).";
// Same as query.py: a query of QUESTION_WORDS plain words or more is a question, and when
// fewer than FEW_RESULTS stories have all its words, any of the words are searched instead.
const QUESTION_WORDS = 4;
const FEW_RESULTS = 3;
// A prefix spanning more shards than this is refused rather than downloading the dictionary.
const MAX_PREFIX_SHARDS = 32;
// Letters of the word being typed from which its shard is fetched while typing (before, its
// shard table only).
const TYPED_SHARD_LETTERS = 4;
// Articles whose blocks are fetched ahead in the first round, besides those of the page's own
// articles (twice as many in each further round). 10 rather than 5, with the phrase bound
// (phraseBounded): 27 reader queries took 107 round trips instead of 116 at 100,000 articles
// (1,343 files instead of 1,432) and 125 instead of 134 on the 2,225 BBC stories exported in
// blocks of 8 postings (1,449 files instead of 1,367). Every article that can still reach the
// page at once after the first round saved a few more (103 and 122) for many more files on
// the latter (1,661), where bounds leave many articles open.
const CONTENDERS = 10;

/**
 * Whether a long list an evaluation used (`used`: postings -> the blocks version it was scored
 * at) has had blocks come since: its scores there are bounds where the blocks now say known.
 */
function staleScores(used) {
  for (const [postings, version] of used) {
    if (postings.blocks.version !== version) return true;
  }
  return false;
}

/**
 * How many stories must have all the words of `query` for it to be answered so: a question
 * that fewer answer is searched for any of its words instead (see search()).
 */
function fewestAnswers(query) {
  return plainWords(query).length >= QUESTION_WORDS ? FEW_RESULTS : 1;
}

class ArchiveSearch {
  constructor(files) {
    const { manifest } = files;
    this.files = files;
    this.manifest = manifest;
    this.count = manifest.count; // Whoosh's document count, deleted documents included
    this.articles = manifest.articles; // articles exported, numbered 0 .. articles - 1
    this.B = manifest.bm25.B;
    this.K1 = manifest.bm25.K1;
    this.fieldNames = manifest.fields.map((field) => field.name);
    this.avgLength = manifest.fields.map((field) =>
      "length" in field ? field.length / (manifest.count || 1) || 1 : null);
    // Pages (ranks and query) that settledAnswer left to the full evaluation.
    this.evaluatedPages = new Set();
    // The query whose page pageAhead() last looked at, as typed so far.
    this.aheadQuery = null;
  }

  fieldIndex(name) {
    return this.fieldNames.indexOf(name);
  }

  termKey(field, text) {
    return field === "desk" || field === "tag" ? `${field}:${text}` : text;
  }

  /** Articles of a desk, from the desk codes the facets use anyway (Whoosh weight 1 each). */
  async deskSet(slug) {
    const codes = await this.files.deskCodes();
    const code = this.manifest.desks.findIndex((desk) => desk.toLowerCase() === slug);
    const ids = [];
    if (code >= 0) codes.forEach((value, id) => { if (value === code) ids.push(id); });
    return makeSet(ids, ids.map(() => 1));
  }

  /**
   * Term matches scored as Whoosh scores them (BM25F for text, the weight for desk/tag). An
   * article of a long list whose scoring data is not in hand yet gets its block's best score
   * (among the postings outside the list's top), a bound:
   * search() loads the blocks of the articles it shows before trusting their scores.
   */
  async termSet(field, text, context) {
    if (field === "desk") return this.deskSet(text);
    const fieldIndex = this.fieldIndex(field);
    const postings = fieldIndex < 0 ? null : await this.files.postings(this.termKey(field, text), fieldIndex);
    if (!postings) return EMPTY;
    const avgfl = this.avgLength[fieldIndex];
    if (avgfl === null) return makeSet(postings.ids, postings.weights.slice());
    context.lists.add(postings);
    // A list's scores change only when blocks of it arrive: computed once per arrival.
    const version = postings.blocks ? postings.blocks.version : 0;
    const kind = context.lower ? "lowerScored" : "scored";
    const before = postings[kind];
    if (before?.version !== version) {
      const loaded = postings.blocks ? postings.blocks.loaded.slice() : null;
      postings[kind] = { version, loaded, set: makeSet(postings.ids, this.scores(postings, fieldIndex, context.lower, before)) };
    }
    if (postings.blocks && context.used) context.used.set(postings, Math.min(context.used.get(postings) ?? version, version));
    return postings[kind].set;
  }

  /**
   * Score of each posting of a scored list; where its data is not in hand yet, a bound from
   * above (its block's best), or from below (0) when `lower`. With `before` (the list's
   * scores when fewer of its blocks were in: {loaded, set}), only the blocks loaded since are
   * scored again.
   */
  scores(postings, fieldIndex, lower = false, before = undefined) {
    const avgfl = this.avgLength[fieldIndex];
    const termIdf = idf(this.count, postings.df);
    const score = bm25Scorer(termIdf, avgfl, this.B, this.K1);
    if (!postings.blocks) {
      const { weights, lengths } = postings;
      const scores = new Float64Array(weights.length);
      for (let i = 0; i < scores.length; i += 1) scores[i] = score(weights[i], lengths[i]);
      return scores;
    }
    const { best, known, loaded } = postings.blocks;
    const size = this.manifest.blockPostings;
    if (before) {
      const scores = before.set.scores.slice();
      loaded.forEach((isLoaded, block) => {
        if (!isLoaded || before.loaded[block]) return;
        const end = Math.min(scores.length, (block + 1) * size);
        for (let i = block * size; i < end; i += 1) scores[i] = score(postings.weights[i], postings.lengths[i]);
      });
      return scores;
    }
    const reference = this.referenceScorer(fieldIndex, postings.df);
    const bounds = best.map(([weight, length]) => (lower ? 0 : reference.score(weight, length) * reference.scale));
    const scores = new Float64Array(postings.ids.length);
    for (let i = 0; i < scores.length; i += 1) {
      scores[i] = known[i] ? score(postings.weights[i], postings.lengths[i]) : bounds[Math.floor(i / size)];
    }
    return scores;
  }

  /**
   * The export lays score blocks out with reference statistics (manifest.blockReference: an
   * article count and average field lengths at least the live ones, document frequencies
   * rounded up to `frequencyBits` binary digits and a multiple of `frequencyStep`). `score` is a posting's
   * score with them, `scale` turns such a score into a bound of its live score: the ratio of
   * the idfs (a longer average only lowers a live score), with a hair of headroom for the last
   * bit of a logarithm or a power computed in Python.
   */
  referenceScorer(fieldIndex, df) {
    const { count, lengthSteps, frequencyBits, frequencyStep } = this.manifest.blockReference;
    const average = 2 ** (lengthSteps[fieldIndex] / 32);
    const referenceIdf = idf(count, referenceFrequency(df, frequencyBits, frequencyStep));
    const liveIdf = idf(this.count, df);
    const scale = (liveIdf / referenceIdf) * Math.max(1, this.avgLength[fieldIndex] / average) * (1 + 1e-9);
    return { scale, score: bm25Scorer(referenceIdf, average, this.B, this.K1) };
  }

  async prefixSet(node, context) {
    const words = await this.files.prefixTerms(node.text, MAX_PREFIX_SHARDS);
    if (words === null) {
      context.notes.add(`“${node.text}*” matches too many words; type a few more letters.`);
      return EMPTY;
    }
    node.expanded = words;
    const fieldIndex = this.fieldIndex(node.field);
    const found = await Promise.all(words.map((word) => this.files.postings(word, fieldIndex)));
    const inField = words.map((word, i) => [word, found[i]]).filter(([, postings]) => postings);
    if (inField.length === 0) return EMPTY;
    // query.py's ScoredPrefix: every expanded word adds its BM25F score.
    return unionSets(await Promise.all(inField.map(([word]) => this.termSet(node.field, word, context))));
  }

  async phraseSet(node, context) {
    const fieldIndex = this.fieldIndex(node.field);
    // Positions or follower sets come in the same round trip as the terms.
    this.files.phraseFiles(node.words).catch(() => {});
    const found = await Promise.all(node.words.map((word) => this.files.postings(word, fieldIndex)));
    // Whoosh gives up on a phrase as soon as one of its words is not in the field.
    if (found.some((postings) => !postings)) return EMPTY;
    const sets = await Promise.all(node.words.map((word) => this.termSet(node.field, word, context)));
    const candidates = intersectSets(sets);
    if (!candidates.ids.length) return EMPTY;
    const hasPhrase = await this.files.phraseTest(node.words, fieldIndex);
    const ids = [];
    const scores = [];
    for (let i = 0; i < candidates.ids.length; i += 1) {
      if (hasPhrase(candidates.ids[i])) {
        ids.push(candidates.ids[i]);
        scores.push(candidates.scores[i]);
      }
    }
    return makeSet(ids, scores);
  }

  /** Articles whose day lies in [start, end] (yyyymmdd, null = open end): [first, end) numbers. */
  async dayRange(start, end) {
    const days = await this.files.days();
    const epochDay = (value) => Math.floor(Date.UTC(Math.floor(value / 10000), Math.floor(value / 100) % 100 - 1, value % 100) / 86400000);
    const firstFrom = (day) => {
      // first article published on `day` or later
      let lo = 0;
      let hi = days.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (days[mid][0] >= day) hi = mid;
        else lo = mid + 1;
      }
      return lo < days.length ? days[lo][1] : this.articles;
    };
    const lo = start === null ? 0 : firstFrom(epochDay(start));
    const hi = end === null ? this.articles : firstFrom(epochDay(end) + 1);
    return [lo, Math.max(lo, hi)];
  }

  /**
   * Matches of query tree `node`. `context.notes` collects notes for the reader,
   * `context.lists` the scored posting lists used (to load the blocks of shown articles).
   */
  async evaluate(node, context) {
    switch (node.kind) {
      case "term":
        return boostSet(await this.termSet(node.field, node.text, context), node.boost);
      case "prefix":
        return boostSet(await this.prefixSet(node, context), node.boost);
      case "phrase":
        return boostSet(await this.phraseSet(node, context), node.boost);
      case "range": {
        const [lo, hi] = await this.dayRange(node.start, node.end);
        const ids = [];
        for (let id = lo; id < hi; id += 1) ids.push(id);
        return makeSet(ids, ids.map(() => 1));
      }
      case "andnot": {
        const [positive, negative] = await Promise.all([
          this.evaluate(node.positive, context), this.evaluate(node.negative, context)]);
        return subtractSet(positive, negative);
      }
      case "and":
        return intersectSets(await Promise.all(node.items.map((item) => this.evaluate(item, context))));
      default:
        return this.wordBounded(node, unionSets(await Promise.all(node.items.map((item) => this.evaluate(item, context)))), context);
    }
  }

  /**
   * What turns word `key`'s bounds (files.wordBounds: reference scores summed over its fields)
   * into bounds of live scores: the largest of its fields' scales (referenceScorer).
   */
  async wordBoundScale(key) {
    let scale = 0;
    for (const [fieldIndex, , df] of await this.files.entry(key)) {
      if (typeof fieldIndex === "number") scale = Math.max(scale, this.referenceScorer(fieldIndex, df).scale);
    }
    return scale;
  }

  /**
   * `set` (the matches of an "or" node) with tighter bounds when the node is one word in
   * several text fields: an article whose scoring data is not all in hand cannot score more
   * for the word than the export's bound for its range of articles (its fields' bounds added
   * up are looser). A phrase in several text fields is bounded by its words' bounds
   * (phraseBounded). Exact scores are left as they are.
   */
  async wordBounded(node, set, context) {
    if (context.lower) return set; // a lower bound stays what it is
    const [first] = node.items;
    // The export's bound is for the word as typed without a field: each text field once, with
    // its query boost (`oil OR headline:oil` counts the headline twice and is not bounded so).
    if (first.kind === "phrase") {
      const words = first.words.join(" ");
      const asPhrase = node.items.every((item) => item.kind === "phrase" && item.words.join(" ") === words);
      return asPhrase && asTyped(this, node.items) ? this.phraseBounded(node, set, context) : set;
    }
    const oneWord = node.items.every((item) => item.kind === "term" && item.text === first.text) && asTyped(this, node.items);
    if (!oneWord || !(await this.files.wordBounds(first.text))) return set;
    const inexact = this.inexactArticles(await this.fieldLists([first.text], node.items), set.ids);
    if (!inexact) return set;
    const scores = set.scores.slice();
    await this.boundWord(first.text, set.ids, scores, inexact);
    return makeSet(set.ids, scores);
  }

  /**
   * Lower `scores` (word `text`'s scores over its text fields, of the articles `ids`) to the
   * export's bound of the word for each article's range where `inexact` marks the article (its
   * scoring data not all in hand). Nothing for a word without bounds.
   */
  async boundWord(text, ids, scores, inexact) {
    const bounds = await this.files.wordBounds(text);
    if (!bounds) return;
    const scale = await this.wordBoundScale(text);
    const { values, range } = bounds;
    for (let i = 0; i < scores.length; i += 1) {
      if (inexact[i]) scores[i] = Math.min(scores[i], values[Math.floor(ids[i] / range)] * scale);
    }
  }

  /**
   * `set` (the matches of a phrase in each text field, as typed) with tighter bounds: a phrase
   * scores its words' scores in the fields where it is, so an article whose scoring data is
   * not all in hand scores at most the sum of its words' scores over all their fields, each
   * word bounded as wordBounded bounds it (added up per field, the lists' block bounds are
   * looser: 50,000 articles, `"general election"` fetched 116 score blocks). Exact scores are
   * left as they are.
   */
  async phraseBounded(node, set, context) {
    const { ids } = set;
    const { words } = node.items[0];
    const inexact = await Promise.all(words.map(async (text) =>
      this.inexactArticles(await this.fieldLists([text], node.items), ids)));
    if (inexact.every((flags) => !flags)) return set;
    const sums = new Float64Array(ids.length);
    const open = new Uint8Array(ids.length); // inexact for one of the words
    for (const [at, text] of words.entries()) {
      // The word's score in each of the phrase's fields, walking each field's list once (an
      // article with the phrase in a field has the word there).
      const scores = new Float64Array(ids.length);
      for (const item of node.items) {
        const { ids: fieldIds, scores: fieldScores } = await this.termSet(item.field, text, context);
        const boost = item.boost ?? 1;
        for (let i = 0, j = 0; i < ids.length && j < fieldIds.length; i += 1) {
          const id = ids[i];
          while (j < fieldIds.length && fieldIds[j] < id) j += 1;
          if (fieldIds[j] === id) scores[i] += fieldScores[j] * boost;
        }
      }
      const flags = inexact[at];
      if (flags) {
        await this.boundWord(text, ids, scores, flags);
        for (let i = 0; i < ids.length; i += 1) open[i] |= flags[i];
      }
      for (let i = 0; i < ids.length; i += 1) sums[i] += scores[i];
    }
    const bounded = set.scores.slice();
    for (let i = 0; i < bounded.length; i += 1) {
      // A hair of headroom: the sums are added in another order than the phrase's scores, and
      // a bound a rounding below an article's score could leave it out of a tie.
      if (open[i]) bounded[i] = Math.min(bounded[i], sums[i] * (1 + 1e-12));
    }
    return makeSet(ids, bounded);
  }

  /** The long posting lists (with score blocks) of `words` in the fields of `items`. */
  async fieldLists(words, items) {
    const found = await Promise.all(items.flatMap((item) =>
      words.map((word) => this.files.postings(word, this.fieldIndex(item.field)))));
    return found.filter((postings) => postings?.blocks);
  }

  /**
   * Which articles of sorted `ids` have a posting in one of `lists` whose scoring data is not
   * in hand: a Uint8Array (1 for those), or null when none has.
   */
  inexactArticles(lists, ids) {
    const inexact = new Uint8Array(ids.length);
    let any = false;
    // Each list walked once, its articles found in `ids` from where the last one was found.
    for (const postings of lists) {
      const { known } = postings.blocks;
      let i = 0;
      for (let j = 0; j < postings.ids.length; j += 1) {
        if (known[j]) continue;
        const id = postings.ids[j];
        while (i < ids.length && ids[i] < id) i += 1;
        if (ids[i] === id) {
          inexact[i] = 1;
          any = true;
        }
      }
    }
    return any ? inexact : null;
  }


  /** Counts of `ids` (sorted) by desk slug and by year ("2023"). */
  async facets(ids) {
    const codes = await this.files.deskCodes();
    const perDesk = new Array(this.manifest.desks.length).fill(0);
    for (const id of ids) perDesk[codes[id]] += 1;
    const desk = {};
    perDesk.forEach((n, code) => { if (n) desk[this.manifest.desks[code]] = n; });
    return { desk, year: this.files.yearCounts(ids) };
  }

  /**
   * Matches of `query` under the default group ("and" | "or"), or null if it is empty:
   * {node, set, context}; scores in long lists may still be bounds (see exactTop).
   */
  async run(query, group, notes) {
    const node = parseQuery(this.manifest.fields, query, group, notes);
    if (!node) return null;
    // `used`: the blocks version each long list was scored at (staleScores).
    const context = { notes, lists: new Set(), used: new Map() };
    const set = await this.evaluate(node, context);
    return { node, set, context };
  }

  /**
   * Start fetching, without waiting, what `query` needs first: the shard of each of its words
   * (a phrase's positions too). The page calls it as the reader types and the corrector for
   * its candidates, so the search that follows finds them in hand. A word being typed (the
   * last one, when `typing` and no space follows it) gets its shard table, and from
   * TYPED_SHARD_LETTERS letters on the shard that would hold it as typed so far.
   * With `pageAhead` (a page size), once that word has as many letters, the first page of the
   * query as typed in `sort` order too, when its words' entries settle it (pageAhead()).
   */
  prefetch(query, { typing = false, pageAhead = 0, sort = "relevance" } = {}) {
    const whole = limitQuery(String(query ?? "")).query;
    let text = whole;
    const partial = typing && /\S$/.test(text) ? /\S+$/.exec(text)[0] : null;
    if (partial) text = text.slice(0, -partial.length);
    const quiet = (pending) => pending.catch(() => {});
    const visit = (node) => {
      if (!node) return;
      if (node.kind === "term" && node.field !== "desk") quiet(this.files.entry(this.termKey(node.field, node.text)));
      if (node.kind === "phrase") {
        quiet(Promise.all([...node.words.map((word) => this.files.entry(word)), this.files.phraseFiles(node.words)]));
      }
      if (node.kind === "andnot") [node.positive, node.negative].forEach(visit);
      node.items?.forEach(visit);
    };
    visit(parseQuery(this.manifest.fields, text, "and", new Set()));
    const last = partial && parseQuery(this.manifest.fields, partial, "and", new Set());
    // A plain word is searched in every text field: an "or" of one term per field.
    const word = last?.kind === "or" && last.items.every((item) => item.kind === "term") ? last.items[0] : last;
    if (word?.kind !== "term" || word.field === "desk") return;
    // Once the word being typed has a few letters, the shard that would hold it as typed so
    // far: the words sort together, so the finished word is mostly in the same shard.
    const key = this.termKey(word.field, word.text);
    const lettered = word.text.length >= TYPED_SHARD_LETTERS;
    quiet(lettered ? this.files.entry(key) : this.files.shardOf(key));
    if (pageAhead && lettered) quiet(this.pageAhead(whole.trim(), pageAhead, sort));
  }

  /**
   * Start fetching the records of the first page of `query` in `sort` order when its words'
   * entries alone settle that page (early_records.js), as search() would answer it: a reader
   * who presses Enter on the words typed so far finds the page's records in hand (newest
   * first, the score blocks its articles' scores need too). Nothing is fetched for a page the
   * entries do not settle, nor for one the reader has typed past.
   */
  async pageAhead(query, pageSize, sort = "relevance") {
    const ahead = `${sort} ${query}`;
    if (ahead === this.aheadQuery) return;
    this.aheadQuery = ahead;
    const node = parseQuery(this.manifest.fields, query, "and", new Set());
    const fewest = fewestAnswers(query);
    if (sort === "newest") {
      await this.newestAhead(node, 0, pageSize, fewest, () => this.aheadQuery === ahead);
      return;
    }
    const settled = await settledPage(this, node, 0, pageSize, fewest);
    if (settled && this.aheadQuery === ahead) this.files.prefetchRecords(settled.page.map(([id]) => id));
  }

  /**
   * Fetch the records of the articles at ranks [from, to) of query tree `node` newest first,
   * and the score blocks they need, as soon as the words' entries name them
   * (early_records.js newestPage), while the engine is still scoring every match: the
   * page's one round trip starts that much sooner. Nothing when the entries do not name the
   * page (a phrase, a question too few articles answer) or `current()` says it is no longer
   * wanted.
   */
  async newestAhead(node, from, to, fewest, current = () => true) {
    const found = await newestPage(this, node, from, to, fewest);
    if (!found || !current()) return;
    this.files.prefetchRecords(found.page);
    await this.files.loadBlocks(this.files.missingBlocks(found.lists, found.page));
  }

  /** Frequency of `term` summed over the scored text fields (0 when unknown). */
  async frequency(term) {
    const entry = await this.files.entry(term);
    if (!entry) return 0;
    let total = 0;
    for (const [fieldIndex, , df] of entry) {
      if (typeof fieldIndex === "number" && this.avgLength[fieldIndex] !== null) total += df;
    }
    return total;
  }

  /** The outcome's query evaluated again with the blocks in hand now (its set). */
  rescore(outcome) {
    outcome.context.used = new Map();
    return this.evaluate(outcome.node, outcome.context);
  }

  /**
   * The outcome's set with exact scores for the articles `wanted(order)` picks from the
   * first `count` of the ranked order, and that order: blocks of long lists that those articles need are loaded
   * and the query re-evaluated until none is missing. An article ranked after them then has
   * an exact score at most its bound, which is at most theirs; at equal scores Whoosh's
   * number decides, as it did for the bound, so it cannot move ahead of them. With `pageFrom`
   * (the first position of the page shown), the records of the page's articles whose place
   * is already certain are fetched in the same round trip as the blocks.
   */
  async exactTop(outcome, sort, count, wanted, pageFrom = null) {
    let { set } = outcome;
    const { lists } = outcome.context;
    for (let round = 0; ; round += 1) {
      // Blocks fetched elsewhere (the page looked ahead, another search) may have come while
      // the query was evaluated: a list scored before they came holds bounds where the blocks
      // now say "known", so it is scored again before its scores are trusted.
      while (staleScores(outcome.context.used)) set = await this.rescore(outcome);
      const order = this.rank(set, sort, count);
      const shown = wanted(order).map((i) => set.ids[i]);
      if (!this.files.missingBlocks(lists, shown).length) return { set, order };
      let ahead = [];
      if (sort === "newest") {
        // The page's articles are known already (only their scores are not): their records
        // come in the same round trip as the blocks.
        if (pageFrom !== null) this.files.prefetchRecords(shown);
      } else {
        const lower = await this.evaluate(outcome.node, { ...outcome.context, lower: true, used: null });
        // Articles sure to be on the page whatever their missing data: records now too.
        if (pageFrom !== null) this.files.prefetchRecords(this.certainOnPage(set, lower, order, pageFrom, count));
        // Blocks the next rounds would ask for come in this one (a round trip each saved); a
        // query that needs another round has loose bounds, so each round looks further ahead.
        if (set.ids.length > count) ahead = this.contenders(set, lower, count, shown, CONTENDERS * 2 ** round);
      }
      await this.files.loadBlocks(this.files.missingBlocks(lists, [...shown, ...ahead]));
      set = await this.rescore(outcome);
    }
  }

  /**
   * Articles among the first positions `order` of `set` (bounds from above where scoring data
   * is missing; `lower`: the same articles, bounds from below) that rank in [from, to)
   * whatever their missing data turns out to be: fewer than `to` others can reach their bound
   * from below (an equal score counts, as Whoosh's number may put it first) and at least
   * `from` others are above their bound from above.
   */
  certainOnPage(set, lower, order, from, to) {
    const uppers = Float64Array.from(set.scores).sort();
    const lowers = from > 0 ? Float64Array.from(lower.scores).sort() : null;
    // Number of values in sorted `values` that are >= value (strict: > value).
    const atLeast = (values, value, strict) => {
      let lo = 0;
      let hi = values.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (values[mid] < value || (strict && values[mid] === value)) lo = mid + 1;
        else hi = mid;
      }
      return values.length - lo;
    };
    const sure = [];
    for (const i of order) {
      const mayPass = atLeast(uppers, lower.scores[i], false) - 1; // less the article itself
      const surelyAbove = lowers ? atLeast(lowers, set.scores[i], true) : 0;
      if (mayPass < to && surelyAbove >= from) sure.push(set.ids[i]);
    }
    return sure;
  }

  /**
   * Articles besides `shown` that could still reach the first `count` of `set` (scores:
   * bounds from above where data is missing) given `lower` (the same articles, bounds from
   * below): those whose bound from above is at least the `count`-th best bound from below.
   * The highest bounds first, at most `most` of them (a loose bound is not worth its blocks
   * before the others are in).
   */
  contenders(set, lower, count, shown, most) {
    const floor = Float64Array.from(lower.scores).sort().reverse()[count - 1];
    const skip = new Set(shown);
    const open = [];
    for (let i = 0; i < set.ids.length; i += 1) {
      if (set.scores[i] >= floor && set.scores[i] !== lower.scores[i] && !skip.has(set.ids[i])) open.push(i);
    }
    open.sort((a, b) => set.scores[b] - set.scores[a]);
    return open.slice(0, most).map((i) => set.ids[i]);
  }

  /**
   * Positions in `set` of its first `count` articles: newest first, or by score (highest
   * first, then Whoosh's document number, as its searcher breaks ties). Only the first
   * `count` are ordered: a page needs no more, and most articles fall out at one comparison.
   */
  rank(set, sort, count) {
    const { ids, scores } = set;
    if (sort === "newest") {
      const order = [];
      for (let i = ids.length - 1; i >= 0 && order.length < count; i -= 1) order.push(i);
      return order;
    }
    const whoosh = (i) => this.files.whooshNumber(ids[i]);
    const before = (a, b) => scores[a] > scores[b] || (scores[a] === scores[b] && whoosh(a) < whoosh(b));
    const top = [];
    // Score of the last article kept once `count` are: most articles are below it, and are
    // passed over at one comparison of numbers.
    let floor = -Infinity;
    for (let i = 0; i < ids.length; i += 1) {
      if (scores[i] < floor) continue;
      if (top.length === count && !before(i, top[count - 1])) continue;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(top[mid], i)) lo = mid + 1;
        else hi = mid;
      }
      top.splice(lo, 0, i);
      if (top.length > count) top.pop();
      if (top.length === count) floor = scores[top[count - 1]];
    }
    return top;
  }

  /**
   * The answer to `query` (relevance, ranks [from, to)) when its words' entries alone settle
   * its page (early_records.js): for plain words, the whole answer, without scoring every
   * article that has them; with a phrase, null once the page's records are on their way (they
   * travel while the query is evaluated). Null when the entries do not settle it.
   */
  async settledAnswer(query, from, to, notes) {
    // A page not answered here once is evaluated in full when asked again (its blocks may
    // have come since, but the evaluation is right either way, and in memory it is quick).
    const key = `${from} ${to} ${query}`;
    if (this.evaluatedPages.has(key)) return null;
    const node = parseQuery(this.manifest.fields, query, "and", notes);
    let settled;
    try {
      settled = await settledPage(this, node, from, to, fewestAnswers(query));
    } catch {
      return null; // the evaluation that follows meets the same failure and reports it
    }
    if (!settled?.matches) this.evaluatedPages.add(key);
    if (!settled) return null;
    const ids = settled.page.map(([id]) => id);
    this.files.prefetchRecords(ids);
    if (!settled.matches) return null;
    const [records, facets] = await Promise.all([Promise.all(ids.map((id) => this.files.record(id))), this.facets(settled.matches)]);
    return {
      query, mode: "all", corrected: null, total: settled.matches.length, allTotal: settled.matches.length,
      hits: settled.page.map(([, score], k) => ({ score, doc: records[k] })),
      facets, highlight: [...positiveTerms(node)], suggestion: null,
      message: notes.size ? [...notes].join(" ") : null,
    };
  }

  async search(rawQuery, options = {}) {
    const sort = options.sort === "newest" ? "newest" : "relevance";
    const pageSize = Math.max(1, Math.min(100, Math.floor(Number(options.pageSize) || 10)));
    const page = Math.max(1, Math.floor(Number(options.page) || 1));
    const { query, message: limitMessage } = limitQuery(String(rawQuery ?? ""));
    const notes = new Set();
    if (limitMessage) notes.add(limitMessage);
    const empty = (message) => ({
      query, mode: "all", corrected: null, total: 0, allTotal: 0, hits: [], facets: { desk: {}, year: {} },
      highlight: [], suggestion: null, message,
    });
    if (!query.trim()) return empty("Type a word to search for.");

    let mode = "all";
    let corrected = null;
    if (sort === "relevance") {
      const answer = await this.settledAnswer(query, (page - 1) * pageSize, page * pageSize, notes);
      if (answer) return answer;
    } else {
      // Not waited for: the evaluation below needs the same entries and finds the page's
      // files on their way; a failure here is met and reported there.
      this.newestAhead(parseQuery(this.manifest.fields, query, "and", new Set()), (page - 1) * pageSize,
        page * pageSize, fewestAnswers(query)).catch(() => {});
    }
    let outcome = await this.run(query, "and", notes);
    if (!outcome) {
      return empty([...notes, NOTHING_TO_SEARCH].join(" "));
    }
    let allTotal = outcome.set.ids.length;
    if (!allTotal) {
      const fixed = await correctedQuery(this, query, notes);
      if (fixed) {
        const retry = await this.run(fixed, "and", notes);
        if (retry && retry.set.ids.length) {
          outcome = retry;
          corrected = fixed;
          allTotal = retry.set.ids.length;
        }
      }
      if (!outcome.set.ids.length) {
        const anyOutcome = await this.run(fixed ?? query, "or", notes);
        if (anyOutcome && anyOutcome.set.ids.length) {
          outcome = anyOutcome;
          mode = "any";
          corrected = fixed;
        }
      }
    } else if (allTotal < fewestAnswers(query)) {
      // A question few stories answer with all its words: any of the words, if that finds more.
      const anyOutcome = await this.run(query, "or", notes);
      if (anyOutcome && anyOutcome.set.ids.length > allTotal) {
        outcome = anyOutcome;
        mode = "any";
      }
    }
    const { node } = outcome;
    // Relevance needs exact scores for every article down to the last one shown; newest
    // first only for the shown ones (their scores are part of the answer).
    const { set, order } = await this.exactTop(outcome, sort, page * pageSize, (ranked) =>
      sort === "newest" ? ranked.slice((page - 1) * pageSize) : ranked, (page - 1) * pageSize);
    const shown = order.slice((page - 1) * pageSize, page * pageSize);
    const [records, facets] = await Promise.all([
      Promise.all(shown.map((i) => this.files.record(set.ids[i]))),
      this.facets(set.ids),
    ]);
    return {
      query,
      mode,
      corrected,
      total: set.ids.length,
      allTotal,
      hits: shown.map((i, k) => ({ score: set.scores[i], doc: records[k] })),
      facets,
      highlight: [...positiveTerms(node)],
      suggestion: null,
      message: notes.size ? [...notes].join(" ") : null,
    };
  }
}

/**
 * Answers of the engine's own code run on a made-up index in memory (warm_up.js): the page
 * calls it while idle, so a reader's first query finds that code compiled. Fetches nothing.
 */
export async function warmUp(search) {
  const [manifest, fetcher, base] = madeUpIndex(search.manifest);
  const madeUp = new ArchiveSearch(new IndexFiles(base, manifest, fetcher));
  const answers = [];
  for (const [query, sort] of WARM_UP_QUERIES) answers.push(await madeUp.search(query, { sort, page: 1, pageSize: 10 }));
  return answers;
}

/**
 * Open the archive's search index in `baseUrl` (the folder holding manifest.json).
 * `options.fetch` replaces the global fetch (tests serve files from disk with it).
 */
export async function openArchiveSearch(baseUrl, options = {}) {
  const fetcher = options.fetch ?? ((url) => fetch(url));
  const folder = String(baseUrl).endsWith("/") ? String(baseUrl) : `${baseUrl}/`;
  const base = new URL(folder, globalThis.document?.baseURI ?? undefined).href;
  const response = await fetcher(new URL("manifest.json", base).href);
  if (!response.ok) throw new Error(`search index: ${base}manifest.json answered ${response.status}`);
  const manifest = await response.json();
  const files = new IndexFiles(base, manifest, fetcher);
  // Every answer with results counts them by desk: fetch the codes while the reader types.
  files.deskCodes().catch(() => {});
  return new ArchiveSearch(files);
}

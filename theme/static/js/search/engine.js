// Archive search engine: runs a reader's query against the static index exported by
// plugins/archive_search, ranking exactly as Whoosh's searcher ranks the same index.
//
// Contract with the search page (ui.js):
//
//   import {openArchiveSearch} from "./engine.js";
//   const s = await openArchiveSearch(baseUrl);      // folder holding manifest.json;
//                                                     // relative to the page is fine
//   const r = await s.search(query, {sort: "relevance" | "newest", page: 1, pageSize: 10});
//   r = {query, mode: "all" | "any", corrected: null | string, total,
//        hits: [{score, doc: {headline, url, date, desk, byline, tags, summary, excerpt}}],
//        facets: {desk: {slug: n}, year: {"2023": n}},
//        highlight: [analyzed terms], suggestion: null | string, message: null | string}
//
// search() never throws for anything a reader types: an unusable query comes back with
// total 0 and a `message`. It throws only when the index itself cannot be fetched.
// `doc.url` is site-relative as exported; `doc.date` is ISO 8601 with offset; `doc.tags` are
// tag names; `doc.desk` is the desk slug. `mode` "any" means no article had all the words and
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

import { analyze, stem, surfaceWords } from "./analysis.js";

/** Whoosh's one-byte field lengths (whoosh.util.numeric._length_byte_cache). */
const LENGTHS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20, 21, 23, 25, 26, 28, 30, 32, 34, 36,
  38, 40, 42, 45, 47, 49, 52, 54, 57, 60, 63, 66, 69, 72, 75, 79, 82, 86, 89, 93, 97, 101, 106, 110,
  114, 119, 124, 129, 134, 139, 145, 150, 156, 162, 169, 175, 182, 189, 196, 203, 211, 219, 227, 235,
  244, 253, 262, 271, 281, 291, 302, 313, 324, 336, 348, 360, 373, 386, 399, 414, 428, 443, 459, 475,
  491, 508, 526, 544, 563, 583, 603, 623, 645, 667, 690, 714, 738, 763, 789, 816, 844, 873, 903, 933,
  965, 998, 1032, 1066, 1103, 1140, 1178, 1218, 1259, 1302, 1345, 1391, 1438, 1486, 1536, 1587, 1641,
  1696, 1753, 1811, 1872, 1935, 1999, 2066, 2135, 2207, 2280, 2356, 2435, 2516, 2600, 2687, 2777, 2869,
  2965, 3063, 3165, 3271, 3380, 3492, 3608, 3728, 3852, 3980, 4112, 4249, 4390, 4536, 4686, 4842, 5002,
  5168, 5340, 5517, 5700, 5889, 6084, 6286, 6494, 6709, 6932, 7161, 7398, 7643, 7897, 8158, 8428, 8707,
  8995, 9293, 9601, 9918, 10247, 10586, 10936, 11298, 11671, 12057, 12456, 12868, 13294, 13733, 14187,
  14656, 15141, 15641, 16159, 16693, 17244, 17814, 18403, 19011, 19640, 20289, 20959, 21652, 22367,
  23106, 23869, 24658, 25472, 26314, 27183, 28081, 29009, 29967, 30957, 31979, 33035, 34126, 35254,
  36418, 37620, 38863, 40146, 41472, 42841, 44256, 45717, 47227, 48786, 50397, 52061, 53780, 55556,
  57390, 59285, 61242, 63264, 65352, 67510, 69739, 72041, 74419, 76876, 79414, 82035, 84743, 87541,
  90430, 93416, 96499, 99684, 102975, 106374,
];

// Limits shared with plugins/archive_search/query.py (the two must agree for parity).
export const MAX_QUERY_CHARS = 200;
export const MAX_QUERY_WORDS = 32;
const MIN_CORRECTED_LENGTH = 4;
const NOTHING_TO_SEARCH =
  "Nothing to search for: add a specific word (very common words, and excluded words alone, find nothing).";
const MAX_EDIT_DISTANCE = 2;
const MAX_CORRECTION_TRIES = 3;
const RARE_FREQUENCY = 3;
// A prefix spanning more shards than this is refused rather than downloading the dictionary.
const MAX_PREFIX_SHARDS = 32;
// Shorter prefixes (after stemming) are refused by both this engine and query.py.
const MIN_PREFIX_CHARS = 3;

const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DIGIT_VALUE = new Map([...DIGITS].map((char, value) => [char, value]));

/** Decode the exported integer text (plugins/archive_search/encoding.py). */
export function decodeNumbers(text) {
  const numbers = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < text.length; i += 1) {
    const digit = DIGIT_VALUE.get(text[i]);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      numbers.push(value);
      value = 0;
      shift = 0;
    }
  }
  return numbers;
}

/** Whoosh's BM25 (whoosh.scoring.bm25), same operations in the same order. */
function bm25(idf, tf, fl, avgfl, B, K1) {
  return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)));
}

// ---------------------------------------------------------------------------------------------
// Result sets: sorted article numbers with a score each.

function makeSet(ids, scores) {
  return { ids, scores };
}

const EMPTY = makeSet([], []);

function unionSets(sets) {
  const live = sets.filter((set) => set.ids.length);
  if (live.length === 0) return EMPTY;
  if (live.length === 1) return live[0];
  const sums = new Map();
  for (const set of live) {
    for (let i = 0; i < set.ids.length; i += 1) {
      const id = set.ids[i];
      sums.set(id, (sums.get(id) ?? 0) + set.scores[i]);
    }
  }
  const ids = [...sums.keys()].sort((a, b) => a - b);
  return makeSet(ids, ids.map((id) => sums.get(id)));
}

function intersectSets(sets) {
  if (sets.length === 0) return EMPTY;
  const ordered = [...sets].sort((a, b) => a.ids.length - b.ids.length);
  let ids = ordered[0].ids;
  let scores = ordered[0].scores;
  for (const other of ordered.slice(1)) {
    const lookup = new Map();
    for (let i = 0; i < other.ids.length; i += 1) lookup.set(other.ids[i], other.scores[i]);
    const nextIds = [];
    const nextScores = [];
    for (let i = 0; i < ids.length; i += 1) {
      const extra = lookup.get(ids[i]);
      if (extra !== undefined) {
        nextIds.push(ids[i]);
        nextScores.push(scores[i] + extra);
      }
    }
    ids = nextIds;
    scores = nextScores;
    if (!ids.length) return EMPTY;
  }
  return makeSet(ids, scores);
}

function subtractSet(set, removed) {
  if (!removed.ids.length) return set;
  const gone = new Set(removed.ids);
  const ids = [];
  const scores = [];
  for (let i = 0; i < set.ids.length; i += 1) {
    if (!gone.has(set.ids[i])) {
      ids.push(set.ids[i]);
      scores.push(set.scores[i]);
    }
  }
  return makeSet(ids, scores);
}

// ---------------------------------------------------------------------------------------------
// Query parsing: the reader's text becomes the tree Whoosh's parser would build.
//
// Nodes: {kind: "term", field, text} | {kind: "phrase", field, words} |
// {kind: "prefix", field, text} | {kind: "range", start, end} (yyyymmdd, null = open) |
// {kind: "and" | "or", items} | {kind: "andnot", positive, negative} | null (matches nothing).

const FIELD_PATTERN = /^([\p{L}\p{N}_][\p{L}\p{N}_]*):/u;
const RANGE_PATTERN = /^\[\s*(\S*?)\s*\bto\b\s*(\S*?)\s*\]/i;

/** Split the query into units: words, phrases, ranges, operators; `-` marks negation. */
function lexQuery(text) {
  const units = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i += 1;
      continue;
    }
    const rest = text.slice(i);
    // Whoosh reads "-word*" as a prefix that starts with "-", not as an exclusion.
    const dashedPrefix = /^-[^\s*]+\*(?=\s|$)/.exec(rest);
    if (dashedPrefix) {
      units.push({ type: "word", field: null, text: dashedPrefix[0], negated: false });
      i += dashedPrefix[0].length;
      continue;
    }
    let negated = false;
    let body = rest;
    if (body.startsWith("-")) {
      negated = true;
      body = body.slice(1);
    } else if (/^NOT\s/.test(body)) {
      negated = true;
      body = body.replace(/^NOT\s+/, "");
    }
    const consumedPrefix = rest.length - body.length;
    const fieldMatch = FIELD_PATTERN.exec(body);
    let field = null;
    let afterField = body;
    if (fieldMatch) {
      field = fieldMatch[1];
      afterField = body.slice(fieldMatch[0].length);
    }
    let unit = null;
    let length = 0;
    if (afterField.startsWith('"') && afterField.indexOf('"', 1) > 0) {
      const close = afterField.indexOf('"', 1);
      unit = { type: "phrase", field, text: afterField.slice(1, close) };
      length = close + 1;
    } else if (field && RANGE_PATTERN.test(afterField)) {
      const match = RANGE_PATTERN.exec(afterField);
      unit = { type: "range", field, start: match[1], end: match[2] };
      length = match[0].length;
    } else {
      const word = /^\S+/.exec(afterField);
      if (!word) {
        // A lone "-" or "field:" with nothing after it: plain text.
        const whole = /^\S+/.exec(rest)[0];
        units.push({ type: "word", field: null, text: whole, negated: false });
        i += whole.length;
        continue;
      }
      length = word[0].length;
      const wordText = word[0];
      if (!negated && !field && (wordText === "OR" || wordText === "AND")) {
        unit = { type: "op", op: wordText };
      } else {
        unit = { type: "word", field, text: wordText };
      }
    }
    unit.negated = negated;
    units.push(unit);
    i += consumedPrefix + (fieldMatch ? fieldMatch[0].length : 0) + length;
  }
  return units;
}

function parseDay(text, ceiling) {
  const match = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = match[2] ? Number(match[2]) : null;
  const day = match[3] ? Number(match[3]) : null;
  if (month !== null && (month < 1 || month > 12)) return undefined;
  if (year < 1) return undefined;
  const lastDay = (m) => new Date(Date.UTC(year, m, 0)).getUTCDate();
  if (day !== null && (day < 1 || day > lastDay(month))) return undefined;
  if (month === null) return year * 10000 + (ceiling ? 1231 : 101);
  if (day === null) return year * 10000 + month * 100 + (ceiling ? lastDay(month) : 1);
  return year * 10000 + month * 100 + day;
}

class QueryBuilder {
  constructor(manifest, group, notes) {
    this.notes = notes;
    this.textFields = manifest.fields.filter((f) => "length" in f).map((f) => f.name);
    this.known = new Set([...this.textFields, "desk", "tag", "date"]);
    // Query-time field boosts for words typed without a field (query.py's QUERY_FIELD_BOOSTS).
    this.boosts = new Map(manifest.fields.map((f) => [f.name, f.boost ?? 1]));
    this.group = group; // "and" | "or"
  }

  /**
   * Query node for text in one field, as Whoosh's parser.term_query would build it; `boost`
   * multiplies the score of its words (term, phrase and prefix nodes carry it).
   */
  fieldQuery(field, text, kind, boost = 1) {
    if (field === "desk") {
      const value = text.toLowerCase();
      return value ? { kind: "term", field, text: value } : null;
    }
    if (field === "tag") {
      const values = text.split(",").map((v) => v.trim().toLowerCase()).filter(Boolean);
      return this.combine(values.map((value) => ({ kind: "term", field, text: value })));
    }
    if (kind === "prefix") {
      const prefix = stem(text.toLowerCase());
      if (prefix.length < MIN_PREFIX_CHARS) {
        this.notes.add(`“${prefix}*” is too short to search as a beginning; type at least ${MIN_PREFIX_CHARS} letters.`);
        return null;
      }
      return boosted({ kind: "prefix", field, text: prefix }, boost);
    }
    const tokens = analyze(text);
    if (kind === "phrase") {
      if (tokens.length === 0) return null;
      if (tokens.length === 1) return boosted({ kind: "term", field, text: tokens[0] }, boost);
      return boosted({ kind: "phrase", field, words: tokens }, boost);
    }
    return this.combine(tokens.map((token) => boosted({ kind: "term", field, text: token }, boost)));
  }

  combine(items) {
    const live = items.filter(Boolean);
    if (live.length === 0) return null;
    if (live.length === 1) return live[0];
    return { kind: this.group, items: live };
  }

  /** Node for one lexed unit (null when it analyzes to nothing). */
  unitQuery(unit) {
    if (unit.type === "range") {
      if (unit.field !== "date") return null;
      const start = unit.start ? parseDay(unit.start, false) : null;
      const end = unit.end ? parseDay(unit.end, true) : null;
      if (start === undefined || end === undefined) return null;
      return { kind: "range", start, end };
    }
    let field = unit.field;
    let text = unit.text;
    if (field && !this.known.has(field)) {
      // Whoosh searches an unknown field's whole "name:value" as text.
      text = `${field}:${text}`;
      field = null;
    }
    const kind = unit.type === "phrase" ? "phrase" : text.endsWith("*") && text.length > 1 && !/\s/.test(text) ? "prefix" : "word";
    const value = kind === "prefix" ? text.slice(0, -1) : text;
    if (kind === "prefix" && /[*]/.test(value)) return this.unitQuery({ ...unit, text: value.replace(/\*/g, " ") });
    if (field === "date") {
      if (kind === "phrase") return null;
      const start = parseDay(value, false);
      const end = parseDay(value, true);
      return start === undefined ? null : { kind: "range", start, end };
    }
    if (field) return this.fieldQuery(field, value, kind);
    const perField = this.textFields.map((name) => this.fieldQuery(name, value, kind, this.boosts.get(name)));
    const live = perField.filter(Boolean);
    if (!live.length) return null;
    return live.length === 1 ? live[0] : { kind: "or", items: live };
  }

  /** The whole query: negations apart, then AND, then OR, then the default group. */
  build(units) {
    const negatives = [];
    const rest = [];
    for (const unit of units) (unit.negated ? negatives : rest).push(unit);
    const nodes = rest.map((unit) => (unit.type === "op" ? unit : { node: this.unitQuery(unit) }));
    const joined = this.applyOperator(this.applyOperator(nodes, "AND", "and"), "OR", "or");
    const positive = this.combine(joined.filter((item) => item.type !== "op").map((item) => item.node));
    const negative = negatives.map((unit) => this.unitQuery(unit)).filter(Boolean);
    if (!positive) return null;
    if (!negative.length) return positive;
    return {
      kind: "andnot",
      positive,
      negative: negative.length === 1 ? negative[0] : { kind: "or", items: negative },
    };
  }

  applyOperator(items, op, kind) {
    const out = [];
    let i = 0;
    while (i < items.length) {
      const item = items[i];
      if (item.type === "op" && item.op === op) {
        const left = out.length ? out[out.length - 1] : null;
        const right = items[i + 1];
        if (left && left.type !== "op" && right && right.type !== "op") {
          out[out.length - 1] = { node: joinNodes(kind, [left.node, right.node]) };
          i += 2;
          continue;
        }
        i += 1; // an operator without a word on each side is ignored, as in Whoosh
        continue;
      }
      out.push(item);
      i += 1;
    }
    return out;
  }
}

/** `node` with a score multiplier (Whoosh's query boost), left off when it is 1. */
function boosted(node, boost) {
  if (boost !== undefined && boost !== 1) node.boost = boost;
  return node;
}

/** `set` with every score multiplied by `boost` (Whoosh's WrappingMatcher). */
function boostSet(set, boost) {
  if (boost === undefined || boost === 1) return set;
  return makeSet(set.ids, set.scores.map((score) => score * boost));
}

function joinNodes(kind, nodes) {
  const live = nodes.filter(Boolean);
  if (!live.length) return null;
  if (live.length === 1) return live[0];
  return { kind, items: live };
}

function nodeKey(node) {
  // Whoosh tells queries apart by their boost too: `oil OR headline:oil` keeps both.
  const boost = node.boost === undefined ? "" : `^${node.boost}`;
  switch (node.kind) {
    case "term": return `T${node.field}\u0000${node.text}${boost}`;
    case "prefix": return `P${node.field}\u0000${node.text}${boost}`;
    case "phrase": return `Q${node.field}\u0000${node.words.join("\u0000")}${boost}`;
    case "range": return `R${node.start}\u0000${node.end}`;
    case "andnot": return `N(${nodeKey(node.positive)})(${nodeKey(node.negative)})`;
    default: return `${node.kind}(${node.items.map(nodeKey).join(",")})`;
  }
}

/** Whoosh's normalize(): flatten, merge date ranges in an AND, drop duplicates and nulls. */
function normalize(node) {
  if (!node) return null;
  if (node.kind === "andnot") {
    const positive = normalize(node.positive);
    const negative = normalize(node.negative);
    if (!positive) return null;
    return negative ? { kind: "andnot", positive, negative } : positive;
  }
  if (node.kind === "phrase" && node.words.length === 1) {
    return boosted({ kind: "term", field: node.field, text: node.words[0] }, node.boost);
  }
  if (node.kind !== "and" && node.kind !== "or") return node;
  let items = [];
  for (const item of node.items.map(normalize)) {
    if (!item) continue;
    if (item.kind === node.kind) items.push(...item.items);
    else items.push(item);
  }
  if (node.kind === "and") {
    const ranges = items.filter((item) => item.kind === "range");
    if (ranges.length > 1) {
      const merged = ranges.reduce((a, b) => ({
        kind: "range",
        start: a.start === null ? b.start : b.start === null ? a.start : Math.max(a.start, b.start),
        end: a.end === null ? b.end : b.end === null ? a.end : Math.min(a.end, b.end),
      }));
      items = [merged, ...items.filter((item) => item.kind !== "range")];
    }
  }
  const seen = new Set();
  items = items.filter((item) => {
    const key = nodeKey(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (!items.length) return null;
  if (items.length === 1) return items[0];
  return { kind: node.kind, items };
}

function isFilter(node) {
  return (node.kind === "term" && (node.field === "desk" || node.field === "tag")) || node.kind === "range";
}

/** Any of the words, but desk:, tag: and date: still required (as query.py's _filters_required). */
function filtersRequired(node) {
  if (!node) return node;
  if (node.kind === "andnot") return { ...node, positive: filtersRequired(node.positive) };
  if (node.kind !== "or") return node;
  const filters = node.items.filter(isFilter);
  const words = node.items.filter((item) => !isFilter(item));
  if (!filters.length || !words.length) return node;
  return normalize({ kind: "and", items: [words.length === 1 ? words[0] : { kind: "or", items: words }, ...filters] });
}

/** Analyzed words the page may highlight: every term of the query that is not negated. */
function positiveTerms(node, out = new Set()) {
  if (!node) return out;
  if (node.kind === "term" && node.field !== "desk" && node.field !== "tag") out.add(node.text);
  if (node.kind === "phrase") node.words.forEach((word) => out.add(word));
  if (node.kind === "prefix" && node.expanded) node.expanded.forEach((word) => out.add(word));
  if (node.kind === "andnot") positiveTerms(node.positive, out);
  if (node.items) node.items.forEach((item) => positiveTerms(item, out));
  return out;
}

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------

class ArchiveSearch {
  constructor(base, manifest, fetcher) {
    this.base = base;
    this.manifest = manifest;
    this.fetcher = fetcher;
    this.cache = new Map();
    this.count = manifest.count; // Whoosh's document count, deleted documents included
    this.articles = manifest.articles; // articles exported, numbered 0 .. articles - 1
    this.B = manifest.bm25.B;
    this.K1 = manifest.bm25.K1;
    this.fieldNames = manifest.fields.map((field) => field.name);
    this.avgLength = manifest.fields.map((field) =>
      "length" in field ? field.length / (manifest.count || 1) || 1 : null);
    this.tableFirsts = manifest.shardTables.map((table) => table[0]);
    this.decoded = new Map();
  }

  json(path) {
    if (!this.cache.has(path)) {
      const url = new URL(path, this.base).href;
      const pending = this.fetcher(url).then((response) => {
        if (!response.ok) throw new Error(`search index: ${url} answered ${response.status}`);
        return response.json();
      });
      pending.catch(() => this.cache.delete(path));
      this.cache.set(path, pending);
    }
    return this.cache.get(path);
  }

  /** Index of the last entry of sorted `firsts` that is <= `term` (-1 if none). */
  static lastAtMost(firsts, term) {
    let lo = 0;
    let hi = firsts.length - 1;
    if (hi < 0 || term < firsts[0]) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= term) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  async table(index) {
    return this.json(`tables/${this.manifest.shardTables[index][1]}.json`);
  }

  /** [table index, row index, row] of the shard that would hold `term`, or null. */
  async shardOf(term) {
    const tableIndex = ArchiveSearch.lastAtMost(this.tableFirsts, term);
    if (tableIndex < 0) return null;
    const rows = await this.table(tableIndex);
    const rowIndex = ArchiveSearch.lastAtMost(rows.map((row) => row[0]), term);
    return rowIndex < 0 ? null : [tableIndex, rowIndex, rows[rowIndex]];
  }

  async entry(key) {
    const place = await this.shardOf(key);
    if (!place) return null;
    const shard = await this.json(`terms/${place[2][1]}.json`);
    return shard[key] ?? null;
  }

  /** Postings of `key` in field number `fieldIndex`: {ids, weights, lengths} or null. */
  async postings(key, fieldIndex) {
    const cacheKey = `${fieldIndex}\u0000${key}`;
    if (this.decoded.has(cacheKey)) return this.decoded.get(cacheKey);
    const entry = await this.entry(key);
    const item = entry && entry.find((part) => part[0] === fieldIndex);
    let result = null;
    if (item) {
      const numbers = decodeNumbers(item[1]);
      const scored = this.avgLength[fieldIndex] !== null;
      const step = scored ? 3 : 2;
      const ids = [];
      const weights = [];
      const lengths = [];
      let id = 0;
      for (let i = 0; i < numbers.length; i += step) {
        id += numbers[i];
        ids.push(id);
        weights.push(numbers[i + 1]);
        if (scored) lengths.push(numbers[i + 2]);
      }
      // Whoosh's document frequency (it counts deleted documents until optimized).
      result = { ids, weights, lengths, df: scored ? item[2] : ids.length };
    }
    this.decoded.set(cacheKey, result);
    return result;
  }

  fieldIndex(name) {
    return this.fieldNames.indexOf(name);
  }

  termKey(field, text) {
    return field === "desk" || field === "tag" ? `${field}:${text}` : text;
  }

  /** Articles of a desk, from the desk codes the facets use anyway (Whoosh weight 1 each). */
  async deskSet(slug) {
    const codes = await this.deskCodes();
    const code = this.manifest.desks.findIndex((desk) => desk.toLowerCase() === slug);
    const ids = [];
    if (code >= 0) codes.forEach((value, id) => { if (value === code) ids.push(id); });
    return makeSet(ids, ids.map(() => 1));
  }

  async deskCodes() {
    if (!this.codes) this.codes = decodeNumbers(await this.json(this.manifest.deskCodes));
    return this.codes;
  }

  /** Term matches scored as Whoosh scores them (BM25F for text, the weight for desk/tag). */
  async termSet(field, text) {
    if (field === "desk") return this.deskSet(text);
    const fieldIndex = this.fieldIndex(field);
    const postings = fieldIndex < 0 ? null : await this.postings(this.termKey(field, text), fieldIndex);
    if (!postings) return EMPTY;
    const avgfl = this.avgLength[fieldIndex];
    if (avgfl === null) return makeSet(postings.ids, postings.weights.slice());
    const idf = Math.log(this.count / (postings.df + 1)) + 1;
    const scores = postings.ids.map((_, i) =>
      bm25(idf, postings.weights[i], LENGTHS[postings.lengths[i]], avgfl, this.B, this.K1));
    return makeSet(postings.ids, scores);
  }

  /** Text terms of the dictionary starting with `prefix` (null when the prefix is too broad). */
  async expandPrefix(prefix) {
    const place = (await this.shardOf(prefix)) ?? [0, -1, null];
    let [tableIndex, rowIndex] = place;
    const names = place[2] ? [place[2][1]] : [];
    let rows = await this.table(tableIndex);
    // Following shards belong to the prefix while their first term starts with it.
    for (;;) {
      rowIndex += 1;
      if (rowIndex >= rows.length) {
        tableIndex += 1;
        if (tableIndex >= this.tableFirsts.length) break;
        rows = await this.table(tableIndex);
        rowIndex = 0;
      }
      if (!rows[rowIndex][0].startsWith(prefix)) break;
      names.push(rows[rowIndex][1]);
      if (names.length > MAX_PREFIX_SHARDS) return null;
    }
    const words = [];
    for (const name of names) {
      const shard = await this.json(`terms/${name}.json`);
      for (const key of Object.keys(shard)) {
        if (key.startsWith(prefix) && !key.includes(":")) words.push(key);
      }
    }
    return words.sort();
  }

  async prefixSet(node, notes) {
    const words = await this.expandPrefix(node.text);
    if (words === null) {
      notes.add(`“${node.text}*” matches too many words; type a few more letters.`);
      return EMPTY;
    }
    node.expanded = words;
    const fieldIndex = this.fieldIndex(node.field);
    const inField = [];
    for (const word of words) {
      const postings = await this.postings(word, fieldIndex);
      if (postings) inField.push([word, postings]);
    }
    if (inField.length === 0) return EMPTY;
    // query.py's ScoredPrefix: every expanded word adds its BM25F score.
    return unionSets(await Promise.all(inField.map(([word]) => this.termSet(node.field, word))));
  }

  async phraseSet(node) {
    const fieldIndex = this.fieldIndex(node.field);
    for (const word of node.words) {
      // Whoosh gives up on a phrase as soon as one of its words is not in the field.
      if (!(await this.postings(word, fieldIndex))) return EMPTY;
    }
    const sets = await Promise.all(node.words.map((word) => this.termSet(node.field, word)));
    const candidates = intersectSets(sets);
    if (!candidates.ids.length) return EMPTY;
    const positions = await Promise.all(node.words.map((word) => this.positions(word, fieldIndex)));
    const ids = [];
    const scores = [];
    for (let i = 0; i < candidates.ids.length; i += 1) {
      const id = candidates.ids[i];
      let starts = positions[0].get(id);
      for (let w = 1; w < positions.length && starts.length; w += 1) {
        const next = new Set(positions[w].get(id));
        starts = starts.filter((start) => next.has(start + w));
      }
      if (starts.length) {
        ids.push(id);
        scores.push(candidates.scores[i]);
      }
    }
    return makeSet(ids, scores);
  }

  /** Map article -> positions of `word` in field `fieldIndex`. */
  async positions(word, fieldIndex) {
    const cacheKey = `pos\u0000${fieldIndex}\u0000${word}`;
    if (this.decoded.has(cacheKey)) return this.decoded.get(cacheKey);
    const place = await this.shardOf(word);
    const shard = await this.json(`positions/${place[2][1]}.json`);
    const item = (shard[word] || []).find((part) => part[0] === fieldIndex);
    const postings = await this.postings(word, fieldIndex);
    const numbers = decodeNumbers(item[1]);
    const map = new Map();
    let cursor = 0;
    for (const id of postings.ids) {
      const count = numbers[cursor];
      cursor += 1;
      const places = [];
      let position = 0;
      for (let k = 0; k < count; k += 1) {
        position += numbers[cursor];
        cursor += 1;
        places.push(position);
      }
      map.set(id, places);
    }
    this.decoded.set(cacheKey, map);
    return map;
  }

  /** Articles whose day lies in [start, end] (yyyymmdd, null = open end). */
  async dayRange(start, end) {
    if (!this.days) {
      // (gap in days since 1970-01-01, gap in articles) for each day that has articles
      const numbers = decodeNumbers(await this.json(this.manifest.calendar));
      this.days = [];
      let day = 0;
      let article = 0;
      for (let i = 0; i < numbers.length; i += 2) {
        day += numbers[i];
        article += numbers[i + 1];
        this.days.push([day, article]);
      }
    }
    const epochDay = (value) => Math.floor(Date.UTC(Math.floor(value / 10000), Math.floor(value / 100) % 100 - 1, value % 100) / 86400000);
    const firstFrom = (day) => {
      // first article published on `day` or later
      let lo = 0;
      let hi = this.days.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.days[mid][0] >= day) hi = mid;
        else lo = mid + 1;
      }
      return lo < this.days.length ? this.days[lo][1] : this.articles;
    };
    const lo = start === null ? 0 : firstFrom(epochDay(start));
    const hi = end === null ? this.articles : firstFrom(epochDay(end) + 1);
    return [lo, Math.max(lo, hi)];
  }

  async evaluate(node, notes) {
    switch (node.kind) {
      case "term":
        return boostSet(await this.termSet(node.field, node.text), node.boost);
      case "prefix":
        return boostSet(await this.prefixSet(node, notes), node.boost);
      case "phrase":
        return boostSet(await this.phraseSet(node), node.boost);
      case "range": {
        const [lo, hi] = await this.dayRange(node.start, node.end);
        const ids = [];
        for (let id = lo; id < hi; id += 1) ids.push(id);
        return makeSet(ids, ids.map(() => 1));
      }
      case "andnot": {
        const [positive, negative] = await Promise.all([
          this.evaluate(node.positive, notes), this.evaluate(node.negative, notes)]);
        return subtractSet(positive, negative);
      }
      case "and":
        return intersectSets(await Promise.all(node.items.map((item) => this.evaluate(item, notes))));
      default:
        return unionSets(await Promise.all(node.items.map((item) => this.evaluate(item, notes))));
    }
  }

  /** Whoosh's document number for our article number (ties go to the lower one). */
  whooshNumber(id) {
    const runs = this.manifest.whooshOrder;
    this.runStarts ??= runs.map((run) => run[0]);
    const run = runs[ArchiveSearch.lastAtMost(this.runStarts, id)];
    return run[1] + (id - run[0]);
  }

  yearOf(id) {
    const months = this.manifest.months;
    this.monthStarts ??= months.map((month) => month[1]);
    return String(Math.floor(months[ArchiveSearch.lastAtMost(this.monthStarts, id)][0] / 100));
  }

  async facets(ids) {
    const codes = await this.deskCodes();
    const desk = {};
    const year = {};
    for (const id of ids) {
      const slug = this.manifest.desks[codes[id]];
      desk[slug] = (desk[slug] ?? 0) + 1;
      const y = this.yearOf(id);
      year[y] = (year[y] ?? 0) + 1;
    }
    return { desk, year };
  }

  async record(id) {
    const size = this.manifest.docGroupSize;
    const group = this.manifest.docGroups[Math.floor(id / size)];
    return this.json(`docs/${group}/${id}.json`);
  }

  parse(query, group, notes) {
    try {
      const node = normalize(new QueryBuilder(this.manifest, group, notes).build(lexQuery(query)));
      return group === "or" ? filtersRequired(node) : node;
    } catch (error) {
      // A reader's query must never break the page: treat what cannot be parsed as empty.
      return null;
    }
  }

  /** Matches of `query` under the default group ("and" | "or"), or null if it is empty. */
  async run(query, group, notes) {
    const node = this.parse(query, group, notes);
    if (!node) return null;
    const set = await this.evaluate(node, notes);
    return { node, set };
  }

  /** Frequency of `term` summed over the scored text fields (0 when unknown). */
  async frequency(term) {
    const entry = await this.entry(term);
    if (!entry) return 0;
    let total = 0;
    for (const [fieldIndex, , df] of entry) {
      if (this.avgLength[fieldIndex] !== null) total += df;
    }
    return total;
  }

  /**
   * Words as written within two edits of a suspect `word` (same first letter) whose index term
   * is not `term`: closest, most frequent, alphabetical; one per index term (as query.py).
   */
  async candidates(word, term) {
    const directory = await this.json(`lexicon/${this.manifest.lexicon}.json`);
    const first = String.fromCodePoint(word.codePointAt(0));
    const length = Array.from(word).length;
    const names = [];
    for (let size = length - MAX_EDIT_DISTANCE; size <= length + MAX_EDIT_DISTANCE; size += 1) {
      const name = directory[`${first}${size}`];
      if (name) names.push(name);
    }
    const groups = await Promise.all(names.map((name) => this.json(`lexicon/${name}.json`)));
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
  async corrected(query, notes) {
    const spots = [];
    const options = [];
    for (const word of plainWords(query)) {
      const terms = analyze(word.text);
      if (terms.length !== 1) continue;
      const [written] = surfaceWords(word.text);
      if (Array.from(written).length < MIN_CORRECTED_LENGTH) continue;
      const frequency = await this.frequency(terms[0]);
      if (frequency >= RARE_FREQUENCY) continue;
      const found = await this.candidates(written, terms[0]);
      if (found.length) {
        spots.push([word.start, word.end]);
        options.push([...(frequency ? [[word.text, 0]] : []),
          ...found.map((known) => [known, editDistance(written, known, MAX_EDIT_DISTANCE)])]);
      }
    }
    if (!spots.length) return null;
    const original = spots.map(([start, end]) => query.slice(start, end));
    let choice = options.map((found) => found[0][0]);
    for (let index = 0; index < options.length; index += 1) {
      let best = null; // [top score, edit distance] of the choice
      for (const [candidate, distance] of options[index]) {
        if (best && distance > best[1]) break;
        const trial = [...choice.slice(0, index), candidate, ...choice.slice(index + 1)];
        const outcome = await this.run(replaceSpots(query, spots, trial), "and", notes);
        if (outcome && outcome.set.ids.length) {
          const top = outcome.set.scores.reduce((a, b) => (b > a ? b : a), -Infinity);
          if (!best || top > best[0]) {
            best = [top, distance];
            choice = trial;
          }
        }
      }
    }
    return choice.every((word, index) => word === original[index]) ? null : replaceSpots(query, spots, choice);
  }

  rank(set, sort) {
    const order = set.ids.map((_, i) => i);
    if (sort === "newest") {
      order.sort((a, b) => set.ids[b] - set.ids[a]);
    } else {
      const whoosh = set.ids.map((id) => this.whooshNumber(id));
      order.sort((a, b) => set.scores[b] - set.scores[a] || whoosh[a] - whoosh[b]);
    }
    return order;
  }

  async search(rawQuery, options = {}) {
    const sort = options.sort === "newest" ? "newest" : "relevance";
    const pageSize = Math.max(1, Math.min(100, Math.floor(Number(options.pageSize) || 10)));
    const page = Math.max(1, Math.floor(Number(options.page) || 1));
    const { query, message: limitMessage } = limitQuery(String(rawQuery ?? ""));
    const notes = new Set();
    if (limitMessage) notes.add(limitMessage);
    const empty = (message) => ({
      query, mode: "all", corrected: null, total: 0, hits: [], facets: { desk: {}, year: {} },
      highlight: [], suggestion: null, message,
    });
    if (!query.trim()) return empty("Type a word to search for.");

    let mode = "all";
    let corrected = null;
    let outcome = await this.run(query, "and", notes);
    if (!outcome) {
      return empty([...notes, NOTHING_TO_SEARCH].join(" "));
    }
    if (!outcome.set.ids.length) {
      const fixed = await this.corrected(query, notes);
      if (fixed) {
        const retry = await this.run(fixed, "and", notes);
        if (retry && retry.set.ids.length) {
          outcome = retry;
          corrected = fixed;
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
    }
    const { node, set } = outcome;
    const order = this.rank(set, sort);
    const shown = order.slice((page - 1) * pageSize, page * pageSize);
    const [records, facets] = await Promise.all([
      Promise.all(shown.map((i) => this.record(set.ids[i]))),
      this.facets(set.ids),
    ]);
    return {
      query,
      mode,
      corrected,
      total: set.ids.length,
      hits: shown.map((i, k) => ({ score: set.scores[i], doc: records[k] })),
      facets,
      highlight: [...positiveTerms(node)],
      suggestion: null,
      message: notes.size ? [...notes].join(" ") : null,
    };
  }
}

/** Cut an over-long query the way query.py does; return it with a message saying so. */
export function limitQuery(query) {
  let text = query;
  let message = null;
  if (text.length > MAX_QUERY_CHARS) {
    text = text.slice(0, MAX_QUERY_CHARS);
    message = `Only the first ${MAX_QUERY_CHARS} characters were searched.`;
  }
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length > MAX_QUERY_WORDS) {
    text = words.slice(0, MAX_QUERY_WORDS).join(" ");
    message = `Only the first ${MAX_QUERY_WORDS} words were searched.`;
  }
  return { query: text, message };
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
  return new ArchiveSearch(base, manifest, fetcher);
}

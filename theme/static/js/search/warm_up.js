// A made-up index held in memory, for running the engine once before the reader's first query.
//
// The browser compiles each function when it is first called and optimizes a loop only after
// it has run a while, so a reader's first query of a visit ran the engine's code cold: at
// 50,000 articles a common word's first search spent about 40 ms more computing than the same
// search later (Chromium). Searching this index while the page is idle gets that done before
// the reader asks. Nothing here is fetched: madeUpFetch answers from memory.

const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** Queries that take the engine's paths of a reader's queries: a common word whose lists
 * have score blocks, two words, a rare word and a prefix, by relevance and newest first. */
export const WARM_UP_QUERIES = [
  ["alpha", "relevance"], ["alpha gamma", "relevance"], ["gamma", "relevance"], ["gamm*", "relevance"],
  ["alpha", "newest"], ["beta alpha", "relevance"], ['"alpha beta"', "relevance"],
];
const BASE = "https://warm-up.invalid/";
const MADE_UP_ARTICLES = 6000;
// Share of the articles holding the common word, and the rarer ones.
const SPREAD = { alpha: 3, beta: 7, gamma: 400, gammas: 900 };

/** Integers as the export writes them (encoding.py): five bits a digit, 32 = more follow. */
function encode(numbers) {
  let text = "";
  for (let value of numbers) {
    while (value >= 32) {
      text += DIGITS[(value % 32) | 32];
      value = Math.floor(value / 32);
    }
    text += DIGITS[value];
  }
  return text;
}

// Every TOP_EVERY-th posting of a list is one of its top postings, and scores above the
// others (their blocks' bounds stay below it), so a relevance search is certain of its page
// at once; newest first loads the score blocks of its page, as a reader's would.
const TOP_EVERY = 97;
// Each word's bound over all its fields, per range of articles (export.py's word bounds).
const WORD_BOUND = 1;

/** Weight and one-byte length of the posting at list position `at`, in `article`. */
function posting(at, article) {
  return at % TOP_EVERY === 0 ? [5, 20 + (article % 8)] : [1 + (article % 3), 40 + ((article * 13) % 60)];
}

const idsMade = new Map();

/** Sorted article numbers as the export writes them (encoding.py encode_articles): gaps, or
 * "~" and a bitmap of six articles a digit when they cover more than a fifth of their range. */
function encodeArticles(ids) {
  if (!ids.length || ids.length * 5 <= ids[ids.length - 1]) return encode(ids.map((id, i) => id - (i ? ids[i - 1] : 0)));
  const digits = new Array(Math.floor(ids[ids.length - 1] / 6) + 1).fill(0);
  for (const id of ids) digits[Math.floor(id / 6)] |= 1 << (id % 6);
  return `~${digits.map((digit) => DIGITS[digit]).join("")}`;
}

/** Positions of `word` in an article, in the export's form (count, then gaps): "alpha beta"
 * is a phrase wherever both are. */
const PLACES = { alpha: [1, 3], beta: [1, 4], gamma: [2, 1, 8], gammas: [1, 9] };

/** Articles holding `word` in `field`, sorted. */
function listIds(word, field, articles) {
  const key = `${word} ${field} ${articles}`;
  if (!idsMade.has(key)) {
    const ids = [];
    for (let id = field; id < articles; id += SPREAD[word]) ids.push(id);
    idsMade.set(key, ids);
  }
  return idsMade.get(key);
}

/** A field's entry for `word` in a terms shard, long (score blocks) or short, as export.py writes it. */
function listEntry(word, field, articles, blockPostings) {
  const ids = listIds(word, field, articles);
  const gaps = ids.map((id, i) => id - (i ? ids[i - 1] : 0));
  if (ids.length <= 3 * blockPostings) {
    return [field, encode(gaps.flatMap((gap, i) => [gap, ...posting(i, ids[i])])), ids.length];
  }
  // Each block's best (weight, length) among its postings outside the top.
  const best = [];
  for (let start = 0; start < ids.length; start += blockPostings) best.push(3, 40);
  // The top postings: (gap in list position, weight, length).
  const top = [];
  for (let at = 0; at < ids.length; at += TOP_EVERY) top.push(at ? TOP_EVERY : 0, ...posting(at, ids[at]));
  return [field, encodeArticles(ids), ids.length, encode(best), `${word}-${field}`, encode(top)];
}

/**
 * A fetch answering for the made-up export of `manifest`'s shape (its fields, article count,
 * block size): one shard table, one shard, score blocks, records and desk codes, all computed.
 * Returns [its manifest, the fetch, the base URL the fetch answers for].
 */
export function madeUpIndex(manifest) {
  // Enough articles for lists with score blocks and loops long enough to be optimized.
  const articles = Math.min(manifest.articles, MADE_UP_ARTICLES);
  const size = manifest.blockPostings;
  const scored = manifest.fields.map((field, index) => ("length" in field ? index : -1)).filter((i) => i >= 0);
  const shard = {};
  const places = {};
  for (const word of Object.keys(SPREAD)) {
    places[word] = scored.map((field) => [field, encode(listIds(word, field, articles).flatMap(() => PLACES[word]))]);
    shard[word] = scored.map((field) => listEntry(word, field, articles, size));
    if (shard[word].some((entry) => entry.length === 6)) {
      const range = 512;
      const bounds = Array.from({ length: Math.ceil(articles / range) }, () => WORD_BOUND * 1000);
      shard[word].push(["word", range, encode(bounds)]);
    }
  }
  const made = {
    ...manifest,
    articles,
    // Each made-up list's blocks go by one name (`${word}-${field}`), however many there are.
    blockRun: Infinity,
    shardTables: [["", "table"]],
    deskCodes: "desks.json",
    docGroups: Array.from({ length: Math.ceil(articles / manifest.docGroupSize) }, () => "group"),
  };
  const files = new Map([
    ["tables/table.json", [["", "shard"]]],
    ["terms/shard.json", shard],
    ["positions/shard.json", places],
    ["desks.json", encode(Array.from({ length: articles }, (_, id) => id % Math.max(1, manifest.desks.length)))],
  ]);
  const answer = (path) => {
    if (files.has(path)) return files.get(path);
    const block = /^scores\/(\w+)-(\d+)-(\d+)\.json$/.exec(path);
    if (block) {
      const [word, field, number] = [block[1], Number(block[2]), Number(block[3])];
      const ids = listIds(word, field, articles);
      const numbers = [];
      for (let at = number * size; at < Math.min(ids.length, (number + 1) * size); at += 1) {
        numbers.push(...posting(at, ids[at]));
      }
      return encode(numbers);
    }
    const record = /^docs\/group\/(\d+)\.json$/.exec(path);
    if (record) {
      const id = Number(record[1]);
      return {
        headline: `Alpha beta story ${id}`, url: `warm-up/${id}/`, date: "2024-03-16T09:30:00+02:00",
        desk: manifest.desks[0] ?? "news", byline: ["A. Writer"], tags: [],
        excerpt: "The alpha and the beta of a made-up story, told in a few plain words for gamma readers.",
      };
    }
    return null;
  };
  const fetch = async (url) => {
    const body = answer(url.slice(BASE.length));
    return { ok: body !== null, status: body === null ? 404 : 200, json: async () => body };
  };
  return [made, fetch, BASE];
}

// The exported index as the engine reads it (plugins/archive_search/export.py): fetches each
// file once per visit, decodes postings once, and looks terms up through the shard table.

import { decodeArticles, decodeNumbers, hasPhrase, PositionsText } from "./numbers.js";

/** Index of the last entry of sorted `firsts` that is <= `value` (-1 if none). */
export function lastAtMost(firsts, value) {
  let lo = 0;
  let hi = firsts.length - 1;
  if (hi < 0 || value < firsts[0]) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (firsts[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** First position at or after `from` in sorted `values` holding `value` or more. */
function firstAtLeast(values, value, from) {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of `value` in sorted `values`, or -1. */
export function indexOf(values, value) {
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < value) lo = mid + 1;
    else if (values[mid] > value) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * The path of score block `block` of a list whose blocks go by `folder` (export.py's
 * score_block): twelve characters per run of `run` blocks, the run's own name.
 */
export function scoreBlockPath(folder, block, run) {
  const at = 12 * Math.floor(block / run);
  return `scores/${folder.slice(at, at + 12)}-${block}.json`;
}

/**
 * The file (0 .. buckets - 1) of a shard's follower sets holding those of following word
 * `word`: FNV-1a over its code points, as export.py's follower_bucket computes it.
 */
export function followerBucket(word, buckets) {
  let value = 0x811c9dc5;
  for (const character of word) value = Math.imul(value ^ character.codePointAt(0), 0x01000193) >>> 0;
  return value % buckets;
}

/**
 * A long list's entry [field, article numbers (decodeArticles), df, best (weight, length) per
 * block among the postings not in the top, the blocks' name (a name per run of blocks), top
 * postings (gap in list position, weight, length)].
 */
function blockedPostings(item) {
  const ids = decodeArticles(item[1]);
  const pairs = decodeNumbers(item[3]);
  const best = [];
  for (let i = 0; i < pairs.length; i += 2) best.push([pairs[i], pairs[i + 1]]);
  const weights = new Array(ids.length);
  const lengths = new Array(ids.length);
  const known = new Uint8Array(ids.length); // 1 where the weight and length are in hand
  const top = decodeNumbers(item[5]);
  for (let i = 0, at = 0; i < top.length; i += 3) {
    at += top[i];
    weights[at] = top[i + 1];
    lengths[at] = top[i + 2];
    known[at] = 1;
  }
  return {
    ids, weights, lengths, df: item[2],
    blocks: { best, folder: item[4], loaded: new Array(best.length).fill(false), known, version: 0 },
  };
}

export class IndexFiles {
  /** `base`: absolute URL of the export folder; `fetcher(url)` answers like fetch(). */
  constructor(base, manifest, fetcher) {
    this.base = base;
    this.manifest = manifest;
    this.fetcher = fetcher;
    this.cache = new Map(); // path -> promise of its parsed JSON
    this.decoded = new Map(); // postings and positions decoded once per visit
    this.tableFirsts = manifest.shardTables.map((table) => table[0]);
    // Fields scored with BM25F carry their total length; desk and tag do not.
    this.scored = manifest.fields.map((field) => "length" in field);
  }

  /** Parsed JSON of `path` (relative to the export folder), fetched once. */
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

  async table(index) {
    return this.json(`tables/${this.manifest.shardTables[index][1]}.json`);
  }

  /** [table index, row index, row] of the shard that would hold `term`, or null. */
  async shardOf(term) {
    const tableIndex = lastAtMost(this.tableFirsts, term);
    if (tableIndex < 0) return null;
    const rows = await this.table(tableIndex);
    const rowIndex = lastAtMost(rows.map((row) => row[0]), term);
    return rowIndex < 0 ? null : [tableIndex, rowIndex, rows[rowIndex]];
  }

  /** The shard entry of `key`: [[field index, postings, df], ...], or null. */
  async entry(key) {
    const place = await this.shardOf(key);
    if (!place) return null;
    const shard = await this.json(`terms/${place[2][1]}.json`);
    return shard[key] ?? null;
  }

  /**
   * Postings of `key` in field number `fieldIndex`: {ids, weights, lengths, df, blocks} or null.
   * A long list comes with `blocks` ({best: [[weight, length]], folder, loaded, known,
   * version}): its weights and lengths are known (known[i] = 1) for its top postings and the
   * blocks loaded so far (loadBlocks, which counts up `version`); the others are undefined,
   * bounded by their block's best.
   */
  postings(key, fieldIndex) {
    const cacheKey = `${fieldIndex}\u0000${key}`;
    // The promise is kept, not its value: callers asking at once (the engine and the page
    // guess of early_records.js) share one decoding.
    if (!this.decoded.has(cacheKey)) {
      const pending = this.decodedPostings(key, fieldIndex);
      pending.catch(() => this.decoded.delete(cacheKey));
      this.decoded.set(cacheKey, pending);
    }
    return this.decoded.get(cacheKey);
  }

  async decodedPostings(key, fieldIndex) {
    const entry = await this.entry(key);
    const item = entry && entry.find((part) => part[0] === fieldIndex);
    let result = null;
    if (item && item.length === 6) {
      result = blockedPostings(item);
    } else if (item) {
      const numbers = decodeNumbers(item[1]);
      const scored = this.scored[fieldIndex];
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
      result = { ids, weights, lengths, df: scored ? item[2] : ids.length, blocks: null };
    }
    return result;
  }

  /**
   * Bounds of a word with long lists: {range, values}; values[k] is at least the word's score
   * over all its fields, with the reference statistics (engine.js referenceScorer), for any
   * article in [k * range, (k + 1) * range) outside its top articles (those have all their
   * scoring data with the entry). Null for other words.
   */
  async wordBounds(key) {
    const cacheKey = `word\u0000${key}`;
    if (!this.decoded.has(cacheKey)) {
      const item = (await this.entry(key))?.find((part) => part[0] === "word");
      this.decoded.set(cacheKey, item ? { range: item[1], values: decodeNumbers(item[2]).map((v) => v / 1000) } : null);
    }
    return this.decoded.get(cacheKey);
  }

  /**
   * Blocks of long posting lists that the articles `ids` need for their exact scores and that
   * are not loaded yet: [[postings, block number], ...]. `lists` are the postings a query used.
   */
  missingBlocks(lists, ids) {
    const missing = [];
    for (const postings of lists) {
      if (!postings.blocks) continue;
      const wanted = new Set();
      for (const id of ids) {
        const at = indexOf(postings.ids, id);
        if (at >= 0 && !postings.blocks.known[at]) wanted.add(Math.floor(at / this.manifest.blockPostings));
      }
      for (const block of wanted) missing.push([postings, block]);
    }
    return missing;
  }

  /** Fetch the given blocks ([[postings, block number], ...]) and fill in their weights and lengths. */
  async loadBlocks(missing) {
    const size = this.manifest.blockPostings;
    await Promise.all(missing.map(async ([postings, block]) => {
      const numbers = decodeNumbers(await this.json(scoreBlockPath(postings.blocks.folder, block, this.manifest.blockRun)));
      if (postings.blocks.loaded[block]) return;
      for (let i = 0, at = block * size; i < numbers.length; i += 2, at += 1) {
        postings.weights[at] = numbers[i];
        postings.lengths[at] = numbers[i + 1];
        postings.blocks.known[at] = 1;
      }
      postings.blocks.loaded[block] = true;
      postings.blocks.version += 1;
    }));
  }

  /**
   * Positions of `word` in field `fieldIndex` (the word must be in the field): `.get(article)`
   * gives the article's positions, decoded when asked for.
   */
  async positions(word, fieldIndex) {
    const cacheKey = `pos\u0000${fieldIndex}\u0000${word}`;
    if (this.decoded.has(cacheKey)) return this.decoded.get(cacheKey);
    const [shard, postings] = await Promise.all([this.positionsShard(word), this.postings(word, fieldIndex)]);
    const item = (shard[word] || []).find((part) => part[0] === fieldIndex);
    const positions = new PositionsText(postings.ids, item[1]);
    this.decoded.set(cacheKey, positions);
    return positions;
  }

  /**
   * The positions file of the shard holding `word` (parsed JSON; {} when no shard would hold
   * it). It has the terms file's name, so it can be fetched alongside the terms file.
   */
  async positionsShard(word) {
    const place = await this.shardOf(word);
    return place ? this.json(`positions/${place[2][1]}.json`) : {};
  }

  /**
   * The file of follower sets that holds those of `next` for the common words of the shard
   * holding `word` (parsed JSON; it names every common word of the shard). The sets are cut
   * by the following word into the number of files the shard's table row ends with. Null
   * when the row names none.
   */
  async followersFile(word, next) {
    const place = await this.shardOf(word);
    if (!place || !place[2][2]) return null;
    const [, , name, buckets] = place[2];
    return this.json(`followers/${name}-${followerBucket(next, buckets)}.json`);
  }

  /**
   * Fetches what says which articles have the phrase `words` (analyzed, in order): for two
   * words, the first one's follower sets of the second when the first is common; else every
   * word's positions. Started with the terms, so both come in one round trip.
   */
  async phraseFiles(words) {
    if (words.length === 2 && (await this.followersFile(words[0], words[1]))?.[words[0]]) return;
    await Promise.all(words.map((word) => this.positionsShard(word)));
  }

  /**
   * A test of whether article `id` has the phrase `words` in field `fieldIndex` (every word
   * being in the field): the first word's follower set of the second for two words whose
   * first is common, else the words' positions.
   */
  async phraseTest(words, fieldIndex) {
    if (words.length === 2) {
      const followed = await this.followedBy(words[0], fieldIndex, words[1]);
      if (followed) return (id) => followed.has(id);
    }
    const positions = await Promise.all(words.map((word) => this.positions(word, fieldIndex)));
    return (id) => hasPhrase(positions, id);
  }

  /**
   * The articles (a Set) where `next` follows `word` in field `fieldIndex` (`word` being in
   * the field), from `word`'s follower sets: places in its list there, or "!" and the places
   * where `next` does not follow. Null when `word` is not common (it has no follower sets).
   */
  async followedBy(word, fieldIndex, next) {
    const items = (await this.followersFile(word, next))?.[word];
    if (!items) return null;
    const cacheKey = `next\u0000${fieldIndex}\u0000${word}\u0000${next}`;
    if (this.decoded.has(cacheKey)) return this.decoded.get(cacheKey);
    const { ids } = await this.postings(word, fieldIndex);
    const text = items.find((item) => item[0] === fieldIndex)?.[1][next];
    const found = new Set();
    if (text !== undefined) {
      const misses = text.startsWith("!");
      // Places written as gaps, as a list's article numbers are (encoding.py encode_gaps).
      const places = new Set(decodeArticles(misses ? text.slice(1) : text));
      ids.forEach((id, at) => { if (places.has(at) !== misses) found.add(id); });
    }
    this.decoded.set(cacheKey, found);
    return found;
  }

  /**
   * Dictionary terms (text fields only) starting with `prefix`, sorted; null when they span
   * more than `maxShards` shards (the prefix is too broad to fetch).
   */
  async prefixTerms(prefix, maxShards) {
    const place = (await this.shardOf(prefix)) ?? [0, -1, null];
    let [tableIndex, rowIndex] = place;
    const names = place[2] ? [place[2][1]] : [];
    // Tables starting with the prefix hold more of its shards: fetched with this one.
    for (let t = tableIndex + 1; t < this.tableFirsts.length && this.tableFirsts[t].startsWith(prefix); t += 1) {
      this.table(t).catch(() => {});
    }
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
      if (names.length > maxShards) return null;
    }
    const words = [];
    // All the prefix's shards at once: one round trip, not one per shard.
    for (const shard of await Promise.all(names.map((name) => this.json(`terms/${name}.json`)))) {
      for (const key of Object.keys(shard)) {
        if (key.startsWith(prefix) && !key.includes(":")) words.push(key);
      }
    }
    return words.sort();
  }

  /** Desk code of every article (index into manifest.desks). */
  async deskCodes() {
    if (!this.codes) this.codes = decodeNumbers(await this.json(this.manifest.deskCodes));
    return this.codes;
  }

  /** [epoch day, first article of that day] for each day that has articles, in order. */
  async days() {
    if (!this.dayTable) {
      // (gap in days since 1970-01-01, gap in articles) for each day that has articles
      const numbers = decodeNumbers(await this.json(this.manifest.calendar));
      const days = [];
      let day = 0;
      let article = 0;
      for (let i = 0; i < numbers.length; i += 2) {
        day += numbers[i];
        article += numbers[i + 1];
        days.push([day, article]);
      }
      this.dayTable = days;
    }
    return this.dayTable;
  }

  /** Whoosh's document number for our article number (ties go to the lower one). */
  whooshNumber(id) {
    const runs = this.manifest.whooshOrder;
    this.runStarts ??= runs.map((run) => run[0]);
    const run = runs[lastAtMost(this.runStarts, id)];
    return run[1] + (id - run[0]);
  }

  /** Number of articles of sorted `ids` published in each year: {"2023": n}. */
  yearCounts(ids) {
    // [yyyymm, first article of the month] in order: a year is a range of article numbers,
    // so its count is the distance between two positions in `ids`.
    const months = this.manifest.months;
    const counts = {};
    let from = 0;
    for (let m = 0; m < months.length && from < ids.length; m += 1) {
      const year = Math.floor(months[m][0] / 100);
      while (m + 1 < months.length && Math.floor(months[m + 1][0] / 100) === year) m += 1;
      const end = m + 1 < months.length ? firstAtLeast(ids, months[m + 1][1], from) : ids.length;
      if (end > from) counts[String(year)] = end - from;
      from = end;
    }
    return counts;
  }

  /** Start fetching the records of articles `ids` without waiting (record() then finds them). */
  prefetchRecords(ids) {
    for (const id of ids) this.record(id).catch(() => {});
  }

  /** The result record of article `id`: {headline, url, date, desk, byline, tags, excerpt}. */
  async record(id) {
    const size = this.manifest.docGroupSize;
    const group = this.manifest.docGroups[Math.floor(id / size)];
    return this.json(`docs/${group}/${id}.json`);
  }
}

// Checks of early_records.js: the records of a page settled by the words' entries alone are
// asked for before the query is evaluated, and are exactly the page's; nothing is fetched for a
// page the entries do not settle. Needs SEARCH_EXPORT_DIR: the fictional archive exported with
// tiny score blocks and tops, so that common words have lists of both kinds
// (tests/test_search_engine_js.py sets it up and runs this file).
import { test } from "node:test";
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { openArchiveSearch } from "../../theme/static/js/search/engine.js";
import { newestPage, settledPage } from "../../theme/static/js/search/early_records.js";
import { parseQuery } from "../../theme/static/js/search/query_parser.js";
import { diskFetch, requestsSettled } from "./disk_fetch.mjs";

const folder = process.env.SEARCH_EXPORT_DIR;
const QUERIES = ["council", "larkmere", "bus", "council bus", "library lending", "rovers cup", "elm street",
  "energy prices", "council library", "larkmere council", "profits", "goal", '"elm street"', '"bus lanes"',
  '"county cup"', '"the rovers" cup', 'council "bus lanes"', '"street elm"', '"lanes bus"'];
const PAGE_SIZE = 2;
const recordOf = (url) => /\/docs\/[^/]+\/(\d+)\.json$/.exec(url)?.[1];

test("a page the entries settle has its records asked for first, and only the page's", async () => {
  let settled = 0;
  let open = 0;
  let phrases = 0;
  for (const query of QUERIES) {
    for (const page of [1, 2]) {
      const counter = { bytes: 0, files: [] };
      const engine = await openArchiveSearch(pathToFileURL(folder).href, { fetch: diskFetch(counter) });
      await engine.files.deskCodes();
      const node = parseQuery(engine.manifest.fields, query, "and", new Set());
      const from = (page - 1) * PAGE_SIZE;
      const guessed = (await settledPage(engine, node, from, from + PAGE_SIZE))?.page.map(([id]) => id) ?? [];
      const before = counter.files.length;
      const answer = await engine.search(query, { page, pageSize: PAGE_SIZE });
      const fetched = counter.files.slice(before).map(recordOf).filter(Boolean).map(Number);
      const shown = [];
      for (const id of guessed) shown.push((await engine.files.record(id)).url);
      assert.equal(fetched.length, answer.hits.length, `${query} page ${page}: a record fetched and not shown`);
      if (guessed.length) {
        settled += 1;
        if (query.includes('"')) phrases += 1;
        assert.deepEqual(shown, answer.hits.map((hit) => hit.doc.url), `${query} page ${page}`);
      } else if (answer.hits.length) {
        open += 1;
      }
    }
  }
  assert.ok(settled > 0 && open > 0, `settled ${settled}, open ${open}: both kinds should occur`);
  assert.ok(phrases > 0, "a phrase's page is settled too");
});

test("a settled page of plain words is the whole answer; a phrase's has its records asked for first", async () => {
  const counter = { bytes: 0, files: [] };
  const engine = await openArchiveSearch(pathToFileURL(folder).href, { fetch: diskFetch(counter) });
  await engine.files.deskCodes();
  const settled = [];
  for (const query of QUERIES) {
    const node = parseQuery(engine.manifest.fields, query, "and", new Set());
    if (await settledPage(engine, node, 0, PAGE_SIZE)) settled.push(query);
  }
  const plain = settled.filter((query) => !query.includes('"'));
  const phrases = settled.filter((query) => query.includes('"'));
  assert.ok(plain.length && phrases.length, `settled: ${settled}`);
  const opened = async () => {
    const asked = []; // every request, when it is made
    const disk = diskFetch({ bytes: 0, files: [] });
    const search = await openArchiveSearch(pathToFileURL(folder).href, { fetch: (url) => { asked.push(url); return disk(url); } });
    await search.files.deskCodes();
    let evaluated = null;
    const run = search.run.bind(search);
    search.run = async (...args) => {
      evaluated ??= asked.length; // requests made before the evaluation started
      return run(...args);
    };
    return { search, asked, evaluatedAt: () => evaluated };
  };
  for (const query of plain) {
    const early = await opened();
    const answer = await early.search.search(query, { pageSize: PAGE_SIZE });
    assert.equal(early.evaluatedAt(), null, `${query}: answered from the entries`);
    // The same query evaluated in full gives the same answer, to the last bit of each score.
    const full = await opened();
    full.search.settledAnswer = async () => null;
    assert.deepEqual(answer, await full.search.search(query, { pageSize: PAGE_SIZE }), query);
  }
  for (const query of phrases) {
    const early = await opened();
    await early.search.search(query, { pageSize: PAGE_SIZE });
    assert.ok(early.asked.slice(0, early.evaluatedAt()).some((url) => recordOf(url)), `${query}: records asked for before evaluating`);
  }
});

/** An engine on the export with every request counted, and its desk codes in hand. */
async function counted() {
  const counter = { bytes: 0, files: [] };
  const engine = await openArchiveSearch(pathToFileURL(folder).href, { fetch: diskFetch(counter) });
  await engine.files.deskCodes();
  return { engine, counter };
}

const PLAIN = QUERIES.filter((query) => !query.includes('"'));

test("newest first, the entries name the page: its records and blocks come ahead, the answer unchanged", async () => {
  let named = 0;
  let scored = 0;
  for (const query of PLAIN) {
    for (const page of [1, 2]) {
      const from = (page - 1) * PAGE_SIZE;
      const fresh = await counted();
      const node = parseQuery(fresh.engine.manifest.fields, query, "and", new Set());
      const found = await newestPage(fresh.engine, node, from, from + PAGE_SIZE);
      const answer = await fresh.engine.search(query, { sort: "newest", page, pageSize: PAGE_SIZE });
      if (!found) continue;
      named += 1;
      const urls = [];
      for (const id of found.page) urls.push((await fresh.engine.files.record(id)).url);
      assert.deepEqual(urls, answer.hits.map((hit) => hit.doc.url), `${query} page ${page}`);
      // Typed first: Enter asks for no record and no score block, and answers the same (the
      // page is looked ahead once the word being typed has four letters).
      const typed = await counted();
      if (page === 1 && /\S{4}$/.test(query)) {
        typed.engine.prefetch(query, { typing: true, pageAhead: PAGE_SIZE, sort: "newest" });
        await requestsSettled(typed.counter);
        const before = typed.counter.files.length;
        const again = await typed.engine.search(query, { sort: "newest", pageSize: PAGE_SIZE });
        const late = typed.counter.files.slice(before).filter((url) => /\/(docs|scores)\//.test(url));
        assert.deepEqual(late, [], `${query}: fetched after Enter`);
        assert.deepEqual(again, answer, query);
        if (fresh.counter.files.some((url) => url.includes("/scores/"))) scored += 1;
      }
    }
  }
  assert.ok(named >= 8, `only ${named} pages named by the entries`);
  assert.ok(scored > 0, "a page needing score blocks was among them");
});

test("answers stay exact when another search's score blocks arrive while a query is scored", async () => {
  for (const query of QUERIES) {
    const alone = {};
    for (const sort of ["relevance", "newest"]) {
      alone[sort] = await (await counted()).engine.search(query, { sort, pageSize: PAGE_SIZE });
    }
    // Both orders at once on one engine, each loading blocks the other one scores with.
    const { engine } = await counted();
    const [relevance, newest] = await Promise.all([
      engine.search(query, { pageSize: PAGE_SIZE }), engine.search(query, { sort: "newest", pageSize: PAGE_SIZE })]);
    assert.deepEqual(relevance, alone.relevance, `${query} by relevance`);
    assert.deepEqual(newest, alone.newest, `${query} newest first`);
  }
});

test("a query's scores are checked again when blocks arrive while it waits on a phrase's positions", async () => {
  for (const query of ['council "bus lanes"', '"elm street"']) {
    const alone = await (await counted()).engine.search(query, { pageSize: PAGE_SIZE });
    // Positions are held back until every block of the query's long lists has come: the
    // lists were scored with bounds before that, and the blocks now say "known".
    const disk = diskFetch({ bytes: 0, files: [] });
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    let held;
    const asked = new Promise((resolve) => { held = resolve; });
    const engine = await openArchiveSearch(pathToFileURL(folder).href, {
      fetch: async (url) => {
        if (url.includes("/positions/")) {
          held();
          await gate;
        }
        return disk(url);
      },
    });
    await engine.files.deskCodes();
    engine.settledAnswer = async () => null; // the evaluation itself is what is checked
    const pending = engine.search(query, { pageSize: PAGE_SIZE });
    await asked;
    let loaded = 0;
    for (const value of engine.files.decoded.values()) {
      const postings = await value;
      if (!postings?.blocks) continue;
      const all = postings.blocks.loaded.map((_, block) => [postings, block]);
      await engine.files.loadBlocks(all);
      loaded += all.length;
    }
    release();
    assert.ok(loaded > 0, `${query}: no long list to load blocks of`);
    assert.deepEqual(await pending, alone, query);
  }
});

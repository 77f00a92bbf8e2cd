// Unit checks of the search engine that need no Whoosh: decoding, corrections' building blocks,
// hostile queries, sorting and facets. Exact parity with Whoosh is tests/test_search_parity.py.
// Needs SEARCH_EXPORT_DIR: an index exported from the fictional Larkmere archive
// (tests/test_search_engine_js.py sets it up and runs this file).
import { test } from "node:test";
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import {
  decodeNumbers, editDistance, limitQuery, openArchiveSearch, plainWords, MAX_QUERY_CHARS, warmUp,
} from "../../theme/static/js/search/engine.js";
import { diskFetch, requestsSettled } from "./disk_fetch.mjs";

const folder = process.env.SEARCH_EXPORT_DIR;
const open = () => openArchiveSearch(pathToFileURL(folder).href, { fetch: diskFetch({ bytes: 0, files: [] }) });

test("numbers decode from the export's text form", () => {
  // 5 -> "F"; 33 -> "h" (1 | 32) then "B" (1)
  assert.deepEqual(decodeNumbers("FhB"), [5, 33]);
  assert.deepEqual(decodeNumbers(""), []);
});

test("edit distance counts a swap as one edit and stops at its limit", () => {
  assert.equal(editDistance("driscol", "driscoll", 2), 1);
  assert.equal(editDistance("zelinksi", "zelinski", 2), 1);
  assert.equal(editDistance("zelenskiy", "zelinski", 2), 2);
  assert.equal(editDistance("abc", "xyzabc", 2), 3);
  assert.equal(editDistance("unviel", "unveil", 2), 1); // a swap is one edit
});

test("only plain words are offered for correction", () => {
  const words = plainWords('bakrey -cake NOT bread desk:news "elm strete" pre* OR rovers').map((w) => w.text);
  assert.deepEqual(words, ["bakrey", "rovers"]);
});

test("over-long queries are cut with a message", () => {
  assert.equal(limitQuery("x".repeat(10000)).query.length, MAX_QUERY_CHARS);
  assert.match(limitQuery("w ".repeat(500)).message, /first 32 words/);
});

test("hostile queries come back with an answer, never an exception", async () => {
  const engine = await open();
  const hostile = ["x".repeat(10000), Array.from({ length: 500 }, (_, i) => `w${i}`).join(" "),
    '"unpaired quote', ".*+?[](){}|^$\\", "date:[to]", "-", ":", "*", "desk:", "\u0000\ud800",
    "NOT", "OR OR OR", 'tag:"', "date:[2022-13 to 2023-99]", "l*"];
  for (const query of hostile) {
    const answer = await engine.search(query);
    assert.equal(typeof answer.total, "number", query);
    assert.ok(Array.isArray(answer.hits), query);
  }
  assert.match((await engine.search("x".repeat(10000))).message, /first 200 characters/);
  assert.match((await engine.search("the of and")).message, /Nothing to search for/);
});

test("newest first is ordered by date and facets count every match", async () => {
  const engine = await open();
  const answer = await engine.search("larkmere", { sort: "newest", pageSize: 50 });
  const dates = answer.hits.map((hit) => hit.doc.date);
  assert.ok(dates.length > 2);
  assert.deepEqual(dates, [...dates].sort().reverse());
  const deskTotal = Object.values(answer.facets.desk).reduce((a, b) => a + b, 0);
  const yearTotal = Object.values(answer.facets.year).reduce((a, b) => a + b, 0);
  assert.equal(deskTotal, answer.total);
  assert.equal(yearTotal, answer.total);
});

test("a misspelled name is corrected and a long question falls back to any word", async () => {
  const engine = await open();
  const typo = await engine.search("zelinksi contract");
  assert.equal(typo.corrected, "zelinski contract");
  assert.equal(typo.mode, "all");
  assert.ok(typo.hits[0].doc.headline.includes("Zelinski"));
  const question = await engine.search("what did the council decide about bus lanes on elm street");
  assert.equal(question.mode, "any");
  assert.equal(question.hits[0].doc.headline, "Larkmere council approves bus lanes on Elm Street");
});

test("markup in a headline stays text in the record", async () => {
  const engine = await open();
  const answer = await engine.search("onerror");
  assert.equal(answer.hits[0].doc.headline, "<img src=x onerror=alert(1)> headline with markup stays text");
});

test("while typing, the word being typed brings its shard from the fourth letter", async () => {
  const counter = { bytes: 0, files: [] };
  const engine = await openArchiveSearch(pathToFileURL(folder).href, { fetch: diskFetch(counter) });
  const settle = () => requestsSettled(counter);
  const terms = () => counter.files.filter((url) => url.includes("/terms/"));
  engine.prefetch("lar", { typing: true });
  await settle();
  assert.deepEqual(terms(), [], "three letters: only the shard table");
  assert.ok(counter.files.some((url) => url.includes("/tables/")));
  engine.prefetch("lark", { typing: true });
  await settle();
  assert.equal(terms().length, 1);
  const before = counter.files.length;
  const answer = await engine.search("larkmere");
  assert.ok(answer.total > 0);
  assert.deepEqual(counter.files.slice(before).filter((url) => url.includes("/terms/")), [],
    "the finished word is in the shard fetched while typing");
  engine.prefetch("desk:spor", { typing: true });
  await settle();
  assert.equal(terms().length, 1, "a desk is not looked up in the shards");
});

test("while typing, the page Enter would show comes ahead, and only the latest one", async () => {
  const counter = { bytes: 0, files: [] };
  const engine = await openArchiveSearch(pathToFileURL(folder).href, { fetch: diskFetch(counter) });
  const records = (from = 0) => counter.files.slice(from).filter((url) => url.includes("/docs/"));
  // Typed on before the first page was settled: only the second one's records are fetched.
  engine.prefetch("larkmere", { typing: true, pageAhead: 10 });
  engine.prefetch("larkmere council", { typing: true, pageAhead: 10 });
  await requestsSettled(counter);
  const ahead = records();
  const before = counter.files.length;
  const answer = await engine.search("larkmere council");
  assert.ok(answer.hits.length > 1);
  assert.deepEqual(records(before), [], "Enter finds the page's records in hand");
  assert.equal(new Set(ahead).size, answer.hits.length, "the page's records and no others");
  const alone = await engine.search("larkmere");
  assert.notDeepEqual(alone.hits.map((hit) => hit.doc.url), answer.hits.map((hit) => hit.doc.url),
    "the two queries have different pages, so the check above tells them apart");
  // Without pageAhead (the page's filters or newest first) nothing but the word's shard.
  const quiet = { bytes: 0, files: [] };
  const other = await openArchiveSearch(pathToFileURL(folder).href, { fetch: diskFetch(quiet) });
  other.prefetch("larkmere council", { typing: true });
  await requestsSettled(quiet);
  assert.deepEqual(quiet.files.filter((url) => url.includes("/docs/")), []);
});

test("articles sure to be on the page are told apart from those whose place is open", async () => {
  const engine = await open();
  // Bounds from above (set) and below (lower) of four articles, ranked by the bounds from above.
  const set = { ids: [10, 11, 12, 13], scores: [10, 9, 5, 4] };
  const lower = { ids: [10, 11, 12, 13], scores: [10, 6, 5, 1] };
  const order = [0, 1, 2, 3];
  // First two places: 12 may still fall behind 10 and 11 or not (its 5 reaches 5).
  assert.deepEqual(engine.certainOnPage(set, lower, order, 0, 2), [10, 11]);
  // Places 3 and 4: 10 and 11 are surely above 12 and 13; 11 may still be first or second.
  assert.deepEqual(engine.certainOnPage(set, lower, order, 2, 4), [12, 13]);
  // An equal score may go either way (Whoosh's number decides): not sure.
  assert.deepEqual(engine.certainOnPage({ ids: [1, 2], scores: [3, 3] }, { ids: [1, 2], scores: [3, 3] }, [0, 1], 0, 1), []);
});

test("the warm-up searches a made-up index in memory, score blocks included, and fetches nothing", async () => {
  const counter = { bytes: 0, files: [] };
  const engine = await openArchiveSearch(pathToFileURL(folder).href, { fetch: diskFetch(counter) });
  await engine.files.deskCodes();
  const before = counter.files.length;
  // As large as an archive whose common words have score blocks.
  for (const articles of [engine.manifest.articles, 20000]) {
    const answers = await warmUp({ manifest: { ...engine.manifest, articles, count: articles } });
    assert.equal(answers.length, 7);
    for (const answer of answers) {
      assert.ok(answer.total > 0 && answer.hits.length > 0, answer.query);
      assert.ok(answer.hits.every((hit) => hit.doc && typeof hit.doc.headline === "string"), answer.query);
    }
    const scores = answers[0].hits.map((hit) => hit.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  }
  assert.equal(counter.files.length, before);
});

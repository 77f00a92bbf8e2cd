// The search page's pure parts: URL state and snippet highlighting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { asYouTypeQuery, engineQuery, readersPart, readState, stateUrl, uncorrectable, withChanges } from "../../theme/static/js/search/url_state.js";
import { highlightRuns } from "../../theme/static/js/search/highlight.js";
import { analyze } from "../../theme/static/js/search/analysis.js";

const PAGE = "https://example.github.io/archive/search/";

test("a state survives the round trip through the URL", () => {
  const state = { q: "bus lanes & \"Elm St\"", sort: "newest", page: 3, desk: "news", year: "2023", exact: true };
  assert.deepEqual(readState(stateUrl(PAGE, state)), state);
  assert.equal(stateUrl(PAGE, state).pathname, "/archive/search/");
});

test("defaults stay out of the URL and bad values fall back", () => {
  const plain = { q: "", sort: "relevance", page: 1, desk: "", year: "", exact: false };
  assert.equal(stateUrl(PAGE, plain).href, PAGE);
  assert.deepEqual(readState(`${PAGE}?sort=oldest&page=-4&year=20x3&exact=yes`), plain);
});

test("changing the query or a filter goes back to page 1, paging does not", () => {
  const state = readState(`${PAGE}?q=council&page=4`);
  assert.equal(withChanges(state, { desk: "news" }).page, 1);
  assert.equal(withChanges(state, { page: 5 }).page, 5);
});

const DESKS = ["news", "business", "sport"];

test("filters exclude the other desks and years, in front of the reader's words", () => {
  const state = readState(`${PAGE}?q=+council+&desk=news&year=2022`);
  assert.equal(engineQuery(state, DESKS),
    "-desk:business -desk:sport -date:[to 2021] -date:[2023 to] council");
  assert.equal(engineQuery(readState(`${PAGE}?q=council&desk=weather`), DESKS), "desk:weather council");
  assert.equal(engineQuery(readState(PAGE), DESKS), "");
  assert.equal(readersPart("-desk:business -desk:sport -date:[to 2021] -date:[2023 to] councel", state, DESKS),
    "councel");
});

test("highlighting marks words whose analyzed form is a query term", () => {
  const text = "Councils debated; the council's vote <img src=x> passed, councillors left.";
  const runs = highlightRuns(text, analyze("council"));
  assert.equal(runs.map((run) => run.text).join(""), text);
  assert.deepEqual(runs.filter((run) => run.marked).map((run) => run.text), ["Councils", "council"]);
  assert.deepEqual(highlightRuns(text, ["councillor*"]).filter((run) => run.marked).map((run) => run.text),
    ["councillors"]);
  assert.deepEqual(highlightRuns(text, []), [{ text, marked: false }]);
});

test("searching as typed quotes the words the engine would respell, and only those", () => {
  assert.equal(uncorrectable("Lena Driscol bus-lanes -ferry desk:news elect* OR \"old pier\""),
    "\"Lena\" \"Driscol\" bus-lanes -ferry desk:news elect* OR \"old pier\"");
  assert.equal(engineQuery(readState(`${PAGE}?q=Driscol&exact=1&desk=sport`), DESKS),
    "-desk:news -desk:business \"Driscol\"");
});

test("while typing, the last word is searched as a prefix once it is long enough", () => {
  assert.equal(asYouTypeQuery("ferry harbo"), "ferry harbo*");
  assert.equal(asYouTypeQuery("ferry ha"), null);
  assert.equal(asYouTypeQuery("ferry the"), null);
  assert.equal(asYouTypeQuery("harbour "), "harbour");
  assert.equal(asYouTypeQuery("ferry desk:news"), "ferry desk:news");
  assert.equal(asYouTypeQuery("ferry -storm"), "ferry -storm");
  assert.equal(asYouTypeQuery("   "), null);
});

// Unit checks of the search client's analyzer that need no Python; parity with
// Whoosh itself is proved by tests/test_search_analysis.py.
import { test } from "node:test";
import assert from "node:assert/strict";
import { analyze, tokenize, tokenSpans, stem, STOP_WORDS } from "../../theme/static/js/search/analysis.js";

test("stop words and one-character tokens leave the query", () => {
  assert.deepEqual(analyze("The mayor and a council of 9"), ["mayor", "council"]);
  for (const word of STOP_WORDS) assert.deepEqual(analyze(word.toUpperCase()), []);
});

test("tokens keep inner dots, underscores and stars but split on other punctuation", () => {
  assert.deepEqual(tokenize("v2.7.5 snake_case O'Neil co-op ferr* end."),
    ["v2.7.5", "snake_case", "O", "Neil", "co", "op", "ferr*", "end"]);
});

test("non-Latin scripts are words and lowercase like Python", () => {
  assert.deepEqual(analyze("КИЇВ ΟΔΥΣΣΕΥΣ"), ["київ", "οδυσσευς"]);
});

test("words shorter than three letters are not stemmed", () => {
  assert.equal(stem("is"), "is");
  assert.equal(stem("ties"), "ti");
});

test("hostile input is analyzed without throwing", () => {
  const hostile = ["(".repeat(10000), "a.".repeat(5000) + "!", "\u0000\uffff\ud800", "x ".repeat(500)];
  for (const text of hostile) assert.ok(Array.isArray(analyze(text)));
  assert.equal(analyze("a.".repeat(5000) + "b").length, 1);
});

test("token spans point at the tokens in the text", () => {
  const text = "Elm St. — bus-lanes 2.5km";
  const spans = tokenSpans(text);
  assert.deepEqual(spans.map((s) => s.text), tokenize(text));
  for (const span of spans) assert.equal(text.slice(span.start, span.end), span.text);
});

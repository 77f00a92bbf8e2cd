/**
 * Which words of a snippet to highlight: a word is marked when the analyzer
 * turns it into one of the terms the query matched, so "Councils" lights up
 * for a search on "council" exactly as the index matched it. Pure; no DOM.
 */

import { analyze, tokenSpans } from "./analysis.js";

/**
 * Split `text` into runs to show plainly or marked.
 * @param {string} text snippet or headline text from the index
 * @param {Iterable<string>} terms analyzed query terms; a term ending in "*" marks words starting with it
 * @returns {Array<{text: string, marked: boolean}>} runs that join back to `text`
 */
export function highlightRuns(text, terms) {
  const source = String(text ?? "");
  const exact = new Set();
  const prefixes = [];
  for (const term of terms ?? []) {
    if (term.endsWith("*")) prefixes.push(term.slice(0, -1).toLowerCase());
    else exact.add(term);
  }
  const runs = [];
  let shown = 0;
  for (const span of tokenSpans(source)) {
    if (!matches(span.text, exact, prefixes)) continue;
    if (span.start > shown) runs.push({ text: source.slice(shown, span.start), marked: false });
    runs.push({ text: span.text, marked: true });
    shown = span.end;
  }
  if (shown < source.length) runs.push({ text: source.slice(shown), marked: false });
  return runs;
}

/** Index terms of each word met in snippets so far: a page of results repeats most words. */
const termsOfWord = new Map();
const REMEMBERED_WORDS = 20_000;

function termsOf(word) {
  let terms = termsOfWord.get(word);
  if (terms === undefined) {
    if (termsOfWord.size >= REMEMBERED_WORDS) termsOfWord.clear();
    terms = analyze(word);
    termsOfWord.set(word, terms);
  }
  return terms;
}

function matches(word, exact, prefixes) {
  if (exact.size && termsOf(word).some((term) => exact.has(term))) return true;
  const lower = word.toLowerCase();
  return prefixes.some((prefix) => prefix && lower.startsWith(prefix));
}

/**
 * The search page's state as it lives in the page URL, so that results can be
 * linked and the back button returns to them: `?q=…&sort=newest&page=2&desk=…&year=…`.
 * Defaults are left out of the URL. Pure functions; no DOM.
 */

import { analyze } from "./analysis.js";
import { plainWords } from "./engine.js";

export const SORTS = ["relevance", "newest"];
const DEFAULT_SORT = "relevance";
/** Longer page numbers in a URL are nonsense; they are read as the first page. */
const MAX_PAGE = 100000;

/**
 * @typedef {object} SearchState
 * @property {string} q       the query as the reader typed it
 * @property {string} sort    "relevance" or "newest"
 * @property {number} page    1-based result page
 * @property {string} desk    desk slug filter, or ""
 * @property {string} year    four-digit year filter, or ""
 * @property {boolean} exact  search the words as typed, without spelling correction
 */

/**
 * Read the search state from a URL's query string; anything malformed falls back to the default.
 * @param {URL|string} url
 * @returns {SearchState}
 */
export function readState(url) {
  const params = new URL(url).searchParams;
  const sort = params.get("sort");
  const page = Number.parseInt(params.get("page") ?? "", 10);
  const year = params.get("year") ?? "";
  return {
    q: params.get("q") ?? "",
    sort: SORTS.includes(sort) ? sort : DEFAULT_SORT,
    page: Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : 1,
    desk: params.get("desk") ?? "",
    year: /^\d{4}$/.test(year) ? year : "",
    exact: params.get("exact") === "1",
  };
}

/**
 * The URL of the search page showing `state`, keeping `pageUrl`'s path.
 * @param {URL|string} pageUrl the current search page URL
 * @param {SearchState} state
 * @returns {URL}
 */
export function stateUrl(pageUrl, state) {
  const url = new URL(pageUrl);
  url.hash = "";
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.sort && state.sort !== DEFAULT_SORT) params.set("sort", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  if (state.desk) params.set("desk", state.desk);
  if (state.year) params.set("year", state.year);
  if (state.exact) params.set("exact", "1");
  url.search = params.toString();
  return url;
}

/**
 * A copy of `state` with `changes`; any change other than the page goes back to page 1.
 * @param {SearchState} state
 * @param {Partial<SearchState>} changes
 * @returns {SearchState}
 */
export function withChanges(state, changes) {
  const next = { ...state, ...changes };
  if (!("page" in changes)) next.page = 1;
  return next;
}

/**
 * The query the engine runs: the reader's words (kept from spelling correction
 * when `exact`) plus the chosen filters, in the query language's own `desk:`
 * and `date:` terms.
 * @param {SearchState} state
 * @returns {string}
 */
export function engineQuery(state) {
  const words = state.exact ? uncorrectable(state.q) : state.q;
  const parts = [words.trim()];
  if (state.desk) parts.push(`desk:${state.desk}`);
  if (state.year) parts.push(`date:${state.year}`);
  return parts.filter(Boolean).join(" ");
}

/**
 * The same query with each word the engine could respell put in quotes.
 * The engine corrects only plain words that analyze to one term, and a quoted
 * single word is that same one-term query to Whoosh, so results are those of
 * the words as typed.
 * @param {string} query
 * @returns {string}
 */
export function uncorrectable(query) {
  let result = "";
  let cursor = 0;
  for (const word of plainWords(query)) {
    if (analyze(word.text).length !== 1) continue;
    result += `${query.slice(cursor, word.start)}"${word.text}"`;
    cursor = word.end;
  }
  return result + query.slice(cursor);
}

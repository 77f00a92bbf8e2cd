/**
 * The search page's state as it lives in the page URL, so that results can be
 * linked and the back button returns to them: `?q=…&sort=newest&page=2&desk=…&year=…`
 * (defaults left out), and the query in the engine's language that a state
 * stands for: filters, searching as typed, the prefix searched while typing.
 * Pure functions; no DOM.
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
 * Query-language terms that keep results to the chosen desk and year.
 * They exclude every other desk and the years around the chosen one: Whoosh
 * applies exclusions as a mask, so they hold whether the words are all
 * required or any may match, and scores stay those of the words alone.
 * @param {SearchState} state
 * @param {Iterable<string>} deskSlugs every desk of the archive
 * @returns {string} "" when no filter is chosen
 */
export function filterTerms(state, deskSlugs) {
  const terms = [];
  const desks = [...deskSlugs];
  if (state.desk && desks.includes(state.desk)) {
    for (const slug of desks) if (slug !== state.desk) terms.push(`-desk:${slug}`);
  } else if (state.desk) {
    // A desk the site's settings do not list can only be asked for directly.
    terms.push(`desk:${state.desk}`);
  }
  if (state.year) {
    const year = Number(state.year);
    terms.push(`-date:[to ${year - 1}]`, `-date:[${year + 1} to]`);
  }
  return terms.join(" ");
}

/**
 * The query the engine runs: the filters first (so that a query cut for length
 * loses the reader's last words, never a filter), then the reader's words,
 * kept from spelling correction when `exact`.
 * @param {SearchState} state
 * @param {Iterable<string>} deskSlugs every desk of the archive
 * @returns {string}
 */
export function engineQuery(state, deskSlugs) {
  const words = (state.exact ? uncorrectable(state.q) : state.q).trim();
  return [filterTerms(state, deskSlugs), words].filter(Boolean).join(" ");
}

/**
 * The reader's part of a query the engine reports back (e.g. its respelling),
 * without the filter terms engineQuery put in front.
 * @param {string} reported
 * @param {SearchState} state
 * @param {Iterable<string>} deskSlugs
 * @returns {string}
 */
export function readersPart(reported, state, deskSlugs) {
  const filters = filterTerms(state, deskSlugs);
  return filters && reported.startsWith(`${filters} `) ? reported.slice(filters.length + 1) : reported;
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

/** A last word shorter than this is not searched as a prefix while typing (too many words start so). */
const MIN_PREFIX_CHARS = 3;

/**
 * What to search while the reader is still typing: the text so far with its
 * last word as a prefix (`harbo` → `harbo*`), or null when there is nothing
 * worth searching yet. A finished word (text ends in a space) or one the query
 * language treats specially (operator, field, phrase, exclusion) is left as typed.
 * @param {string} text the search box's current value
 * @returns {string|null}
 */
export function asYouTypeQuery(text) {
  if (!text.trim()) return null;
  if (/\s$/.test(text)) return text.trim();
  const last = /\S+$/.exec(text)[0];
  const special = /["*:]/.test(last) || last.startsWith("-") || ["OR", "AND", "NOT"].includes(last);
  if (special) return text;
  if (Array.from(last).length < MIN_PREFIX_CHARS || analyze(last).length !== 1) return null;
  return `${text}*`;
}

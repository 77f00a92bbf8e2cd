// Query parsing: a reader's text becomes the tree Whoosh's parser would build for it (a subset
// of Whoosh's default parser, as configured in plugins/archive_search/query.py).

import { analyze, stem } from "./analysis.js";

// Limits shared with plugins/archive_search/query.py (the two must agree for parity).
export const MAX_QUERY_CHARS = 200;
export const MAX_QUERY_WORDS = 32;
// Shorter prefixes (after stemming) are refused by both this engine and query.py.
const MIN_PREFIX_CHARS = 3;

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
  constructor(fields, group, notes) {
    this.notes = notes;
    this.textFields = fields.filter((f) => "length" in f).map((f) => f.name);
    this.known = new Set([...this.textFields, "desk", "tag", "date"]);
    // Query-time field boosts for words typed without a field (query.py's QUERY_FIELD_BOOSTS).
    this.boosts = new Map(fields.map((f) => [f.name, f.boost ?? 1]));
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
export function positiveTerms(node, out = new Set()) {
  if (!node) return out;
  if (node.kind === "term" && node.field !== "desk" && node.field !== "tag") out.add(node.text);
  if (node.kind === "phrase") node.words.forEach((word) => out.add(word));
  if (node.kind === "prefix" && node.expanded) node.expanded.forEach((word) => out.add(word));
  if (node.kind === "andnot") positiveTerms(node.positive, out);
  if (node.items) node.items.forEach((item) => positiveTerms(item, out));
  return out;
}

/**
 * The query tree of `query` under the default group ("and" | "or"), or null when it has
 * nothing to search for. `fields` is the manifest's field list; notes for the reader go to `notes`.
 */
export function parseQuery(fields, query, group, notes) {
  try {
    const node = normalize(new QueryBuilder(fields, group, notes).build(lexQuery(query)));
    return group === "or" ? filtersRequired(node) : node;
  } catch (error) {
    // A reader's query must never break the page: treat what cannot be parsed as empty.
    return null;
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

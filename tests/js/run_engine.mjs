// Runs queries through engine.js against an exported index on disk and prints the answers.
//
// Usage: node tests/js/run_engine.mjs <export folder> <queries.json> [--cold]
// queries.json: [{query, sort, page, pageSize}]. Prints a JSON array of search() answers, each
// with `fetched` (files read for that query, relative to the export folder) and `ms` (time).
// With --cold every query starts from a freshly opened engine (a first visit: the manifest
// is fetched too); otherwise one engine answers all queries in turn (a reader's session).

import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { openArchiveSearch } from "../../theme/static/js/search/engine.js";
import { diskFetch } from "./disk_fetch.mjs";

const [folder, queriesPath, mode] = process.argv.slice(2);
const queries = JSON.parse(await readFile(queriesPath, "utf8"));
const base = pathToFileURL(folder.endsWith("/") ? folder : `${folder}/`).href;
const counter = { bytes: 0, files: [] };
let engine = mode === "--cold" ? null : await openArchiveSearch(base, { fetch: diskFetch(counter) });
const answers = [];
for (const item of queries) {
  counter.bytes = 0;
  counter.files = [];
  const started = performance.now();
  if (mode === "--cold") engine = await openArchiveSearch(base, { fetch: diskFetch(counter) });
  const answer = await engine.search(item.query, item);
  const ms = performance.now() - started;
  const fetched = counter.files.map((url) => url.slice(base.length));
  answers.push({ ...answer, bytes: counter.bytes, fetched, ms });
}
process.stdout.write(JSON.stringify(answers));

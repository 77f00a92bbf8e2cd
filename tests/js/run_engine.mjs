// Runs queries through engine.js against an exported index on disk and prints the answers.
//
// Usage: node tests/js/run_engine.mjs <export folder> <queries.json> [--cold] [--latency MS]
// queries.json: [{query, sort, page, pageSize}]. Prints a JSON array of search() answers, each
// with `fetched` (files read for that query, relative to the export folder) and `ms` (time).
// With --cold every query starts from a freshly opened engine (a first visit: the manifest
// is fetched too); otherwise one engine answers all queries in turn (a reader's session).
// With --latency every file arrives MS later, and each answer has `roundTrips`: how many
// requests the query made one after another (a cold visit's manifest and desk codes not counted).

import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { openArchiveSearch } from "../../theme/static/js/search/engine.js";
import { diskFetch } from "./disk_fetch.mjs";

const [folder, queriesPath, ...flags] = process.argv.slice(2);
const cold = flags.includes("--cold");
const latency = flags.includes("--latency") ? Number(flags[flags.indexOf("--latency") + 1]) : 0;
const queries = JSON.parse(await readFile(queriesPath, "utf8"));
const base = pathToFileURL(folder.endsWith("/") ? folder : `${folder}/`).href;
const counter = { bytes: 0, files: [] };
const open = async () => {
  const opened = await openArchiveSearch(base, { fetch: diskFetch(counter, latency) });
  // What the page loads with the search box (the desk codes) is in before a reader's query.
  if (latency) await new Promise((resolve) => setTimeout(resolve, 3 * latency));
  return opened;
};
let engine = cold ? null : await open();
const answers = [];
for (const item of queries) {
  counter.bytes = 0;
  counter.files = [];
  const started = performance.now();
  if (cold) engine = await open();
  counter.levels = 0;
  counter.answered = 0;
  const answer = await engine.search(item.query, item);
  const ms = performance.now() - started;
  const fetched = counter.files.map((url) => url.slice(base.length));
  answers.push({ ...answer, bytes: counter.bytes, fetched, ms, roundTrips: counter.levels });
}
process.stdout.write(JSON.stringify(answers));

// Runs queries through engine.js against an exported index on disk and prints the answers.
//
// Usage: node tests/js/run_engine.mjs <export folder> <queries.json>
// queries.json: [{query, sort, page, pageSize}]; prints a JSON array of search() answers,
// each with `bytes` (the JSON bytes fetched for that query) and `files` (files fetched).

import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { openArchiveSearch } from "../../theme/static/js/search/engine.js";
import { diskFetch } from "./disk_fetch.mjs";

const [folder, queriesPath] = process.argv.slice(2);
const queries = JSON.parse(await readFile(queriesPath, "utf8"));
const counter = { bytes: 0, files: [] };
const engine = await openArchiveSearch(pathToFileURL(folder).href, { fetch: diskFetch(counter) });
const answers = [];
for (const item of queries) {
  counter.bytes = 0;
  counter.files = [];
  const answer = await engine.search(item.query, item);
  answers.push({ ...answer, bytes: counter.bytes, files: counter.files.length });
}
process.stdout.write(JSON.stringify(answers));

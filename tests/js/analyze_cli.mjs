// Runs the search client's analysis on texts for the Whoosh comparison test.
// Usage: node tests/js/analyze_cli.mjs analyze|surfaceWords|tokenize|stem|followerBuckets < texts.json
// stdin: a JSON array of strings; stdout: a JSON array with one result per
// input (a list of tokens for analyze/surfaceWords/tokenize, one stem for stem, and for
// followerBuckets the word's follower-set file among BUCKET_COUNTS files, for each count).
import { analyze, surfaceWords, tokenize, stem } from "../../theme/static/js/search/analysis.js";
import { followerBucket } from "../../theme/static/js/search/index_files.js";

const BUCKET_COUNTS = [1, 7, 61, 4096];
const followerBuckets = (word) => BUCKET_COUNTS.map((count) => followerBucket(word, count));
const OPERATIONS = { analyze, surfaceWords, tokenize, stem, followerBuckets };

const name = process.argv[2] ?? "analyze";
const operation = OPERATIONS[name];
if (!operation) {
  process.stderr.write(`unknown operation "${name}": use one of ${Object.keys(OPERATIONS).join(", ")}\n`);
  process.exit(2);
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const texts = JSON.parse(Buffer.concat(chunks).toString("utf8"));
process.stdout.write(JSON.stringify(texts.map((text) => operation(text))));

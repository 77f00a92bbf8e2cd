// Runs the search client's analysis on texts for the Whoosh comparison test.
// Usage: node tests/js/analyze_cli.mjs analyze|surfaceWords|tokenize|stem < texts.json
// stdin: a JSON array of strings; stdout: a JSON array with one result per
// input (a list of tokens for analyze/surfaceWords/tokenize, one stem for stem).
import { analyze, surfaceWords, tokenize, stem } from "../../theme/static/js/search/analysis.js";

const OPERATIONS = { analyze, surfaceWords, tokenize, stem };

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

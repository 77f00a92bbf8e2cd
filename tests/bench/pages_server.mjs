// A static file server that answers as GitHub Pages does, for timing the search page in a
// browser (tests/bench/browser_search_timing.py --server h2): HTTP/2 over TLS (every request
// of a page multiplexed over one connection), text files gzip -6 compressed once per file,
// `Cache-Control: max-age=600`, an ETag. Node's own http2 module; no packages.
//
//   node tests/bench/pages_server.mjs ROOT KEY.pem CERT.pem
//
// listens on 127.0.0.1 at a free port and prints "listening PORT" once it does; it stops on
// SIGTERM or when its standard input closes (its parent went away).

import { createSecureServer, constants } from "node:http2";
import { readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { gzipSync } from "node:zlib";

const [root, keyFile, certFile] = process.argv.slice(2);
if (!root || !keyFile || !certFile) {
  process.stderr.write("usage: node pages_server.mjs ROOT KEY.pem CERT.pem\n");
  process.exit(2);
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
  ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".png": "image/png", ".jpg": "image/jpeg",
  ".wasm": "application/wasm", ".ico": "image/x-icon",
};
// The suffixes Pages sends compressed (as browser_search_timing.COMPRESSED_SUFFIXES).
const COMPRESSED = new Set([".json", ".js", ".html", ".css", ".svg", ".xml", ".txt"]);
// path -> {body, gzipped, etag}: each file is read and compressed once, as a CDN keeps it.
const answers = new Map();

/** The file a request path names under `root` (a folder's index.html), or null outside it. */
function fileFor(requestPath) {
  let path;
  try {
    path = decodeURIComponent(requestPath.split("?", 1)[0]);
  } catch {
    return null;
  }
  const file = normalize(join(root, path));
  if (file !== normalize(root) && !file.startsWith(normalize(root) + sep)) return null;
  return path.endsWith("/") ? join(file, "index.html") : file;
}

async function answerFor(file) {
  if (!answers.has(file)) {
    const pending = (async () => {
      const info = await stat(file);
      if (!info.isFile()) return null;
      const body = await readFile(file);
      const suffix = extname(file);
      const gzipped = COMPRESSED.has(suffix) ? gzipSync(body, { level: 6 }) : null;
      return { body, gzipped, type: TYPES[suffix] ?? "application/octet-stream", etag: `"${info.size}-${info.mtimeMs}"` };
    })().catch(() => null);
    answers.set(file, pending);
  }
  return answers.get(file);
}

const server = createSecureServer({ key: readFileSync(keyFile), cert: readFileSync(certFile), allowHTTP1: true });
server.on("stream", async (stream, headers) => {
  stream.on("error", () => {});
  const method = headers[constants.HTTP2_HEADER_METHOD];
  const file = fileFor(headers[constants.HTTP2_HEADER_PATH] ?? "/");
  const answer = file && (method === "GET" || method === "HEAD") ? await answerFor(file) : null;
  if (stream.destroyed) return;
  if (!answer) {
    stream.respond({ ":status": 404, "content-type": "text/plain; charset=utf-8", "cache-control": "max-age=600" });
    stream.end("not found\n");
    return;
  }
  const gzip = answer.gzipped && /\bgzip\b/.test(headers["accept-encoding"] ?? "");
  const body = gzip ? answer.gzipped : answer.body;
  const response = {
    ":status": 200, "content-type": answer.type, "content-length": body.length, "cache-control": "max-age=600",
    etag: answer.etag, vary: "Accept-Encoding",
  };
  if (gzip) response["content-encoding"] = "gzip";
  if (headers["if-none-match"] === answer.etag) {
    stream.respond({ ":status": 304, etag: answer.etag, "cache-control": "max-age=600" });
    stream.end();
    return;
  }
  stream.respond(response);
  stream.end(method === "HEAD" ? undefined : body);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
// Kept-alive sessions would hold close() open: a benchmark's server just ends.
const stop = () => process.exit(0);
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();

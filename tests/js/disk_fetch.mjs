// A fetch for node that serves file:// URLs from disk and counts the bytes and files served,
// so the engine can run against an exported index without a web server.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** Return a fetch function; `counter` ({bytes, files: []}) records what it served. */
export function diskFetch(counter) {
  return async (url) => {
    try {
      const body = await readFile(fileURLToPath(url));
      counter.bytes += body.length;
      counter.files.push(url);
      return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
    } catch {
      return new Response("", { status: 404 });
    }
  };
}

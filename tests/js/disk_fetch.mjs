// A fetch for node that serves file:// URLs from disk and counts the bytes and files served,
// so the engine can run against an exported index without a web server.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * Return a fetch function; `counter` ({bytes, files: []}) records what it served. With
 * `latency` (ms), every answer comes that much later, as over a network, and `counter.levels`
 * counts the round trips one after another that requests took since `counter.levels` and
 * `counter.answered` were last set to 0: a request sent after an answer came is one level
 * deeper than that answer.
 */
export function diskFetch(counter, latency = 0) {
  counter.levels = 0;
  counter.answered = 0; // deepest level answered so far
  return async (url) => {
    const level = counter.answered + 1;
    counter.levels = Math.max(counter.levels, level);
    let response;
    try {
      const body = await readFile(fileURLToPath(url));
      counter.bytes += body.length;
      counter.files.push(url);
      response = new Response(body, { status: 200, headers: { "content-type": "application/json" } });
    } catch {
      response = new Response("", { status: 404 });
    }
    if (latency > 0) {
      await new Promise((resolve) => setTimeout(resolve, latency));
      counter.answered = Math.max(counter.answered, level);
    }
    return response;
  };
}

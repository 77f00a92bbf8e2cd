// A fetch for node that serves file:// URLs from disk and counts the bytes and files served,
// so the engine can run against an exported index without a web server.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * Return a fetch function; `counter` ({bytes, files: []}) records what it served. With
 * `latency` (ms), every answer comes that much later, as over a network, and `counter.levels`
 * counts the round trips one after another that requests took since `counter.levels` and
 * `counter.answered` were last set to 0: a request sent after an answer came is one level
 * deeper than that answer. `counter.pending` is the number of requests not yet answered.
 */
export function diskFetch(counter, latency = 0) {
  counter.levels = 0;
  counter.answered = 0; // deepest level answered so far
  counter.pending = 0;
  return async (url) => {
    const level = counter.answered + 1;
    counter.levels = Math.max(counter.levels, level);
    counter.pending += 1;
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
    counter.pending -= 1;
    return response;
  };
}

/**
 * Resolve once the requests started without being awaited (a prefetch) and every request they
 * lead to are answered: no request pending over a few turns of the event loop, so an answer's
 * follow-up request (a shard after its table) has had the chance to start. Waiting a fixed time
 * instead failed on a loaded machine, where reading a file can take longer than the wait.
 */
export async function requestsSettled(counter, { turns = 3, limitMs = 10000 } = {}) {
  const deadline = Date.now() + limitMs;
  for (let quiet = 0; quiet < turns;) {
    if (Date.now() > deadline) throw new Error(`requests still pending after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 0));
    quiet = counter.pending === 0 ? quiet + 1 : 0;
  }
}

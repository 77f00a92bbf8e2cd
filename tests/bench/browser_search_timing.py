"""Search in headless Chromium, ours and Pagefind's, on the same built archive.

`measure_in_browser(site, queries, runs)` serves the built site on 127.0.0.1 and, for each
engine, opens fresh browser contexts. What each figure is:

- cold: a reader's first visit. A new browser context (empty HTTP cache, nothing in memory);
  the search page is opened and left to load until no file has come for half a second (its
  scripts, the manifest and what the page fetches at once: our desk codes; what it does while
  idle, our warm-up, is done by then, as before a reader has typed a query); then one query is
  submitted and timed. The page's own load is not in the time; the files the query needs are,
  every one fetched over the network.
- warm: the same page after other queries: scripts and manifest loaded, and whatever earlier
  queries fetched still in memory (the query's own files mostly are not: every query is
  different). This is a reader's second, third... search of a visit.
- again: the cold query submitted once more on that page: everything it needs in memory, so
  what is left is computing and rendering.
- revisit: a second visit in the same browser context (a new tab, the page loaded again, the
  HTTP cache primed by the first visit, which fetched every file of the cold query): the cold
  query timed again; its files come from the HTTP cache (the bytes fetched are printed too).
- typed (`--type-ms`): every query is first typed a character at a time, then submitted, in
  each of the above (the page fetches the words' shards while the reader types).

Before timing, the command line runs every query once on a page of its own (`prime_server`;
`--no-prime` leaves it out), so the server answers from memory as a CDN does and each set of
scripts meets the same server.

The query that goes first rotates, so every query is measured cold and warm; each rotation
is repeated `runs` times and medians are kept.

Time is measured inside the page, from the query being submitted to its results being in the
document: ours to the end of the "archive-search:query" measure ui.js records in the task
that puts the answer and its announced count in the page, Pagefind's when our small page has rendered the first ten
results after `await pagefind.search(q)` and each result's `data()`.

Bytes are the files the browser actually fetched (requests answered from its cache do not
count), each counted as gzip would send it: the smaller of its gzip -6 size and its raw size
(Pagefind's chunks are already compressed). A page's own HTML and CSS are left out; the search
code (our scripts; Pagefind's script, worker and WebAssembly) is counted apart from the index.
"requests" counts the index files a query fetched (cold / warm): each costs the browser its
own work whatever the server, so the count says what the times cannot on a loaded machine.

Drivers (`--driver`): a page under Playwright has DevTools' network domain on (Playwright
reports every request), so the renderer does work of its own for each request that a reader's
browser does not (about a third more time for ten small files, twice the time for the long
question's 168). `pipe` (the default of the command line) speaks to Chromium over its DevTools
pipe with only page loads and script evaluation (tests/bench/cdp_pipe.py) and reads the bytes
from the page's own resource timings; `playwright` is how the figures before 28 Nov, 22:00 were
measured, and what `measure_in_browser` (Pagefind's page too) uses. Given both, they take turns.

Servers (`--server`): GitHub Pages answers over HTTP/2 from a CDN, every request of a page
multiplexed over one connection, text gzip-compressed, `Cache-Control: max-age=600`.
`h2` (the default) does that: node's own http2 module over TLS (tests/bench/pages_server.mjs,
a self-signed certificate made with openssl and trusted by Chromium through its public key),
each file compressed once, so a request costs what the browser and a fast server spend on it.
`pages` is the Python HTTP/1.1 keep-alive server the figures of 28 Nov afternoon were measured
with (Chromium keeps up to six connections to it; its own cost per request is 3-35 ms here);
`simple` is the test suite's HTTP/1.0 server (a connection per file, uncompressed).
Localhost has no network latency: a round trip costs what the server and browser spend on it.

    PYTHONPATH=plugins python tests/bench/browser_search_timing.py --export OUT/search --page SITE [--runs 3]

times our search page of the built site SITE (its search page and scripts; scripts from
--scripts when given) on the export OUT/search, for the queries given (--queries) or a
standard set of six.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hashlib
import http.server
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
for _folder in (BENCH_DIR, BENCH_DIR.parent):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from cdp_pipe import PipeBrowser, page_bytes_script  # noqa: E402
from conftest import CHROMIUM_FLAGS, chromium_executable, serve_directory  # noqa: E402
from pagefind_tool import BUNDLE, is_code  # noqa: E402

#: Our search page and the folders whose files count as index and as code.
OURS_PAGE = "search/"
OURS_INDEX, OURS_CODE = "search/", "theme/js/search/"
#: The page this module writes into the site to drive Pagefind through its JavaScript API.
PAGEFIND_PAGE = "pagefind-bench/"


RESULTS_SHOWN = 10
#: Queries timed by the command line when none are given: a rare word, common words, two words,
#: a misspelling, a long question of common words, a phrase and a prefix.
DEFAULT_QUERIES = ["schwarzenegger", "government", "oil prices", "mourinio", "said",
                   "what did the chancellor say about interest rates", '"prime minister"', "champion*",
                   "film awards"]
#: Servers to time with: HTTP/2 in node (serve_http2), the Python HTTP/1.1 keep-alive server
#: (serve_like_pages), the test suite's HTTP/1.0 server (serve_directory).
SERVERS = ("h2", "pages", "simple")
#: Ways to drive Chromium (main's --driver): see PipeSession and Session.
DRIVERS = ("pipe", "playwright")
#: Files the keep-alive server compresses, as GitHub Pages does.
COMPRESSED_SUFFIXES = (".json", ".js", ".html", ".css", ".svg", ".xml", ".txt")

# Pagefind's search as a page would use it: load the library when the page opens, then per
# query search, load the shown results' data and put them in the document as text.
PAGEFIND_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pagefind search</title></head>
<body>
<p id="status" role="status" aria-live="polite"></p>
<ol id="results"></ol>
<script type="module">
const pagefind = await import("../%(bundle)s/pagefind.js");
await pagefind.options({ excerptLength: 30 });
await pagefind.init();
window.benchSearch = async (query, shown = %(shown)d) => {
  const started = performance.now();
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, shown).map((result) => result.data()));
  const items = data.map((page) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = page.url;
    link.textContent = page.meta.title ?? page.url;
    const excerpt = document.createElement("p");
    excerpt.textContent = page.excerpt;
    item.append(link, excerpt);
    return item;
  });
  document.getElementById("results").replaceChildren(...items);
  document.getElementById("status").textContent = `${search.results.length} results`;
  return { ms: performance.now() - started, total: search.results.length, urls: data.map((page) => page.url) };
};
window.benchReady = true;
</script>
</body></html>
"""

# Our search page: submit the form as a reader would and wait for ui.js to finish rendering:
# it records the performance measure "archive-search:query" in the same task as it puts the
# answer in the document, so the time runs to that measure's end.
# With `typeMs`, the query is first typed into the box a character every typeMs milliseconds
# (input events, as a keyboard gives), and the time counts from the submit after the last one.
OURS_SUBMIT = """async (query, typeMs = 0) => {
  const results = document.querySelector("#search-results");
  const input = document.querySelector("#search-query");
  if (typeMs) {
    input.value = "";
    for (const char of query) {
      input.value += char;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, typeMs));
    }
  }
  return await new Promise((resolve) => {
    let started = 0;
    const observer = new PerformanceObserver((list) => {
      const entry = list.getEntries().find((e) => e.name === "archive-search:query" && e.startTime >= started);
      if (!entry) return;
      observer.disconnect();
      resolve({ ms: entry.startTime + entry.duration - started, shown: results.children.length,
                status: document.querySelector("#search-status").textContent });
    });
    observer.observe({ type: "measure" });
    input.value = query;
    started = performance.now();
    input.form.requestSubmit();
  });
}"""


@dataclass
class QueryFigures:
    """One query's measurements over all runs of one engine."""

    cold_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    first_index_kb: list[float] = field(default_factory=list)  # page load + first query: index files
    load_index_kb: list[float] = field(default_factory=list)  # of which loaded with the page, before it
    first_code_kb: list[float] = field(default_factory=list)  # page load + first query: code files
    further_kb: list[float] = field(default_factory=list)  # a later query on the same page
    repeat_ms: list[float] = field(default_factory=list)  # the same query again: all data in memory
    # A second visit (new page, same browser context): the query's files in the HTTP cache.
    revisit_ms: list[float] = field(default_factory=list)
    revisit_kb: list[float] = field(default_factory=list)  # what that visit still fetched (should be 0)
    # Files the query fetched over the network (each costs the browser a request whatever the
    # server): as the first query of a visit, and later on the page.
    cold_requests: list[int] = field(default_factory=list)
    warm_requests: list[int] = field(default_factory=list)
    results: int = 0  # how many results the engine reported (sanity)


@dataclass
class EngineFigures:
    """All queries of one engine, keyed by query text."""

    engine: str
    queries: dict[str, QueryFigures]

    def median(self, attribute: str) -> float:
        """Median over all queries and runs of one list attribute (e.g. "warm_ms")."""
        values = [value for figures in self.queries.values() for value in getattr(figures, attribute)]
        return statistics.median(values) if values else float("nan")

    def worst_median(self, attribute: str) -> float:
        """The largest per-query median of one attribute: the slowest query type."""
        medians = [statistics.median(getattr(f, attribute)) for f in self.queries.values() if getattr(f, attribute)]
        return max(medians) if medians else float("nan")


class TransferSizes:
    """Bytes each file of the site takes on the wire, computed once per file."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.sizes: dict[str, int] = {}

    def wire_bytes(self, relative: str) -> int:
        """gzip -6 size of the file, or its raw size when compression does not help."""
        if relative not in self.sizes:
            path = self.site / relative
            if relative == "" or relative.endswith("/"):
                path = path / "index.html"
            raw = path.read_bytes() if path.is_file() else b""
            self.sizes[relative] = min(len(raw), len(gzip.compress(raw, compresslevel=6, mtime=0)))
        return self.sizes[relative]


def classify(engine: str, relative: str) -> str:
    """"index", "code" or "page" for a fetched file of `engine`'s search."""
    if engine == "ours":
        if relative.startswith(OURS_INDEX):
            return "page" if relative == OURS_PAGE else "index"
        return "code" if relative.startswith(OURS_CODE) else "page"
    if relative.startswith(BUNDLE + "/"):
        return "code" if is_code(relative) else "index"
    return "page"


def tally(engine: str, sizes: TransferSizes, base: str, paths: list[str]) -> dict[str, int]:
    """Wire bytes of the fetched URL `paths` (of the site at `base`) by kind ("index", "code",
    "page"), and under "requests" how many of them were index files."""
    totals = {"index": 0, "code": 0, "page": 0, "requests": 0}
    prefix = urlsplit(base).path
    for path in paths:
        relative = unquote(path)[len(prefix):]
        kind = classify(engine, relative)
        totals[kind] += sizes.wire_bytes(relative)
        totals["requests"] += kind == "index"
    return totals


def announced_count(status: str) -> int:
    """The number of stories our page announces ("1,234 stories found for …"); 0 when none."""
    match = re.match(r"([\d,]+) stor", status)
    return int(match.group(1).replace(",", "")) if match else 0


def write_pagefind_page(site: Path) -> None:
    """Put the Pagefind driver page into the site (after indexing, so it is not indexed)."""
    page = site / PAGEFIND_PAGE / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(PAGEFIND_HTML % {"bundle": BUNDLE, "shown": RESULTS_SHOWN}, encoding="utf-8")


def our_page(sort: str) -> str:
    """Our search page's address (under the site) opened in `sort` order."""
    return OURS_PAGE if sort == "relevance" else f"{OURS_PAGE}?sort={sort}"


class Session:
    """One fresh browser context on one engine's page, recording what it fetches per phase."""

    def __init__(self, browser, base: str, engine: str, sizes: TransferSizes, type_ms: int = 0,
                 sort: str = "relevance") -> None:
        self.context = browser.new_context()
        self.base, self.engine, self.sizes, self.type_ms = base, engine, sizes, type_ms
        self.page_path = our_page(sort)
        self.requests: list = []
        # Requests of workers (Pagefind searches in one) are reported on the context too.
        self.context.on("requestfinished", lambda request: self.requests.append(request))
        self.page = self.context.new_page()

    def revisit(self) -> None:
        """Leave the page and open the search page again in a new tab of the same browser
        context: nothing in the page's memory, everything fetched so far in its HTTP cache."""
        self.page.close()
        self.page = self.context.new_page()
        self.open()

    def open(self) -> None:
        """Load the engine's search page and wait until its search is ready for a query."""
        if self.engine == "ours":
            self.page.goto(self.base + self.page_path)
            # ui.js attaches the form once the manifest is in; no request stays open after that.
            self.page.wait_for_load_state("networkidle")
        else:
            self.page.goto(self.base + PAGEFIND_PAGE)
            self.page.wait_for_function("window.benchReady === true")
        # As after a query: let the page's last network events arrive before its bytes are read.
        self.page.wait_for_timeout(50)

    def query(self, text: str) -> dict:
        """Submit `text`; returns {"ms", ...} as measured in the page."""
        if self.engine == "ours":
            answer = self.page.evaluate(f"(query) => ({OURS_SUBMIT})(query, {self.type_ms})", text)
        else:
            answer = self.page.evaluate("(q) => window.benchSearch(q)", text)
        # Let the last network events of the query arrive before its bytes are read.
        self.page.wait_for_timeout(50)
        return answer

    def take_bytes(self) -> dict[str, int]:
        """Bytes fetched since the last call, by kind ("index", "code", "page"), and under
        "requests" how many files of the index that was."""
        finished, self.requests[:] = list(self.requests), []
        paths = []
        for request in finished:
            response = request.response()
            if response is None or response.status != 200 or request.sizes()["responseBodySize"] <= 0:
                continue  # answered from the browser's cache: nothing crossed the wire
            paths.append(urlsplit(request.url).path)
        return tally(self.engine, self.sizes, self.base, paths)

    def close(self) -> None:
        self.context.close()


class PipeSession:
    """Session's figures from a page with no DevTools network domain (cdp_pipe): a reader's
    browser. Bytes come from the page's own resource timings (a file answered from the
    browser's cache has transferSize 0 and does not count)."""

    #: Load the page, then wait for a quiet network: no new resource for 500 ms (Playwright's
    #: "networkidle"), so the manifest and desk codes are in.
    SETTLE = """new Promise((resolve) => {
      performance.setResourceTimingBufferSize(1000000);
      let seen = -1, quiet = 0;
      const tick = () => {
        const now = performance.getEntriesByType("resource").length;
        quiet = now === seen ? quiet + 1 : 0;
        seen = now;
        if (quiet >= 5) resolve(true); else setTimeout(tick, 100);
      };
      tick();
    })"""

    def __init__(self, browser: PipeBrowser, base: str, engine: str, sizes: TransferSizes, type_ms: int = 0,
                 sort: str = "relevance") -> None:
        if engine != "ours":
            raise ValueError("the pipe driver times our search page only")
        self.browser, self.base, self.engine, self.sizes, self.type_ms = browser, base, engine, sizes, type_ms
        self.page_path = our_page(sort)
        self.page = browser.new_page()

    def revisit(self) -> None:
        """A new tab of the same browser context: nothing in memory, the HTTP cache kept."""
        context = self.page.context
        self.page.close()
        self.page = self.browser.new_page_in(context)
        self.open()

    def open(self) -> None:
        self.page.goto(self.base + self.page_path)
        self.page.evaluate(self.SETTLE)

    def query(self, text: str) -> dict:
        answer = self.page.evaluate(f"({OURS_SUBMIT})({json.dumps(text)}, {self.type_ms})")
        self.page.evaluate("new Promise((resolve) => setTimeout(resolve, 50))")
        return answer

    def take_bytes(self) -> dict[str, int]:
        """As Session.take_bytes; a file answered from the browser's cache has transferSize 0."""
        prefix = urlsplit(self.base).path
        return tally(self.engine, self.sizes, self.base, [
            path for path, transferred in self.page.evaluate(page_bytes_script())
            if transferred > 0 and path.startswith(prefix)])

    def close(self) -> None:
        self.page.close_context()


def new_session(browser, base: str, engine: str, sizes: TransferSizes, type_ms: int = 0,
                sort: str = "relevance") -> Session | PipeSession:
    """A fresh session on `engine`'s page, of the kind `browser` (its driver) drives."""
    kind = PipeSession if isinstance(browser, PipeBrowser) else Session
    return kind(browser, base, engine, sizes, type_ms, sort)


def prime_server(browser, base: str, sizes: TransferSizes, queries: list[str], type_ms: int = 0,
                 sort: str = "relevance") -> None:
    """Every query once on a page of its own (not timed), so the server has read and compressed
    each file they fetch, as a CDN holds the files it serves. Without this, whichever set of
    scripts goes first pays for reading the export from disk, the server's first answer of a
    file taking several times its later ones here (ten records at once: 90 ms, 39 primed)."""
    session = new_session(browser, base, "ours", sizes, type_ms, sort)
    try:
        session.open()
        for query in queries:
            session.query(query)
    finally:
        session.close()


def measure_engine(browser, base: str, engine: str, queries: list[str], runs: int,
                   sizes: TransferSizes, progress: Callable[[str], None], type_ms: int = 0,
                   sort: str = "relevance") -> EngineFigures:
    """Cold and warm figures of one engine for every query (see the module docstring); with
    `type_ms` (ours only), each query is typed before it is submitted; `sort` (ours only) is the
    order the search page is opened with."""
    figures = {query: QueryFigures() for query in queries}
    for rotation in range(len(queries)):
        order = queries[rotation:] + queries[:rotation]
        for _ in range(runs):
            session = new_session(browser, base, engine, sizes, type_ms, sort)
            try:
                session.open()
                loaded = session.take_bytes()
                for position, query in enumerate(order):
                    answer = session.query(query)
                    fetched = session.take_bytes()
                    target = figures[query]
                    target.results = answer["total"] if "total" in answer else announced_count(answer["status"])
                    if position == 0:
                        target.cold_ms.append(answer["ms"])
                        target.cold_requests.append(fetched["requests"])
                        target.first_index_kb.append((loaded["index"] + fetched["index"]) / 1024)
                        target.load_index_kb.append(loaded["index"] / 1024)
                        target.first_code_kb.append((loaded["code"] + fetched["code"]) / 1024)
                    else:
                        target.warm_ms.append(answer["ms"])
                        target.warm_requests.append(fetched["requests"])
                        target.further_kb.append((fetched["index"] + fetched["code"]) / 1024)
                # The first query once more on the same page: what is left is computing and rendering.
                figures[order[0]].repeat_ms.append(session.query(order[0])["ms"])
                # A second visit: a new page, the first query's files all in the HTTP cache.
                session.revisit()
                session.take_bytes()
                figures[order[0]].revisit_ms.append(session.query(order[0])["ms"])
                figures[order[0]].revisit_kb.append(sum(session.take_bytes().values()) / 1024)
            finally:
                session.close()
        progress(f"{engine}: first query {order[0]!r} measured {runs}x")
    return EngineFigures(engine, figures)


def measure_in_browser(site: Path, queries: list[str], runs: int, engines: tuple[str, ...],
                       progress: Callable[[str], None] = print, server: str = "pages") -> dict[str, EngineFigures]:
    """Figures of each engine in `engines` ("ours", "pagefind") on the built `site`, served
    by the server `server` names (SERVERS)."""
    from playwright.sync_api import sync_playwright

    if "pagefind" in engines:
        write_pagefind_page(site)
    sizes = TransferSizes(site)
    result = {}
    with serve(server, site) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable(),
                                             args=CHROMIUM_FLAGS + served.browser_args)
        try:
            for engine in engines:
                result[engine] = measure_engine(browser, served.base, engine, queries, runs, sizes, progress)
        finally:
            browser.close()
    return result


class _PagesLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files over HTTP/1.1 keep-alive, text gzip-compressed, cacheable for ten minutes."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm on a kept-alive
    # connection the body waits for the delayed ACK of the headers (40 ms on Linux).
    disable_nagle_algorithm = True
    #: path -> gzip -6 bytes, shared by the server's threads (a file is compressed once).
    compressed: dict[str, bytes] = {}
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):  # noqa: ANN201 - stdlib signature
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSED_SUFFIXES and path.is_file()):
            return super().send_head()
        key = str(path)
        with self.lock:
            body = self.compressed.get(key)
        if body is None:
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            with self.lock:
                self.compressed[key] = body
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        # Headers and body in one write, as a web server sends a small file (do_GET then has
        # nothing left to copy).
        self.wfile.write(b"".join(self._headers_buffer) + b"\r\n" + (body if self.command != "HEAD" else b""))
        self._headers_buffer = []
        return None


@dataclass
class Served:
    """A running server: its base URL and the browser flags it needs (a certificate to trust)."""

    base: str
    browser_args: list[str] = field(default_factory=list)


def _certificate(folder: Path) -> tuple[Path, Path, str]:
    """A self-signed certificate for 127.0.0.1 made with openssl in `folder`: (key, certificate,
    base64 SHA-256 of its public key, which Chromium's --ignore-certificate-errors-spki-list
    takes to trust it as if a CA had signed it, so its answers are cached like any site's)."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    public = subprocess.run(["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True,
                            capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=public, check=True,
                         capture_output=True).stdout
    return key, cert, base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")


@contextmanager
def serve_http2(directory: Path) -> Iterator[Served]:
    """Serve `directory` over HTTP/2 with TLS on 127.0.0.1 at a free port, as GitHub Pages
    answers (tests/bench/pages_server.mjs in node: one multiplexed connection, gzip -6,
    `Cache-Control: max-age=600`); yield the base URL and the Chromium flag trusting it."""
    with tempfile.TemporaryDirectory() as folder:
        key, cert, spki = _certificate(Path(folder))
        server = subprocess.Popen(["node", str(BENCH_DIR / "pages_server.mjs"), str(directory), str(key), str(cert)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            if not line.startswith("listening "):
                raise RuntimeError(f"pages_server.mjs did not start: {line!r}")
            yield Served(f"https://127.0.0.1:{int(line.split()[1])}/", [f"--ignore-certificate-errors-spki-list={spki}"])
        finally:
            server.terminate()
            server.wait(timeout=10)


@contextmanager
def serve(kind: str, directory: Path) -> Iterator[Served]:
    """Serve `directory` with the server `kind` names (see SERVERS)."""
    if kind == "h2":
        with serve_http2(directory) as served:
            yield served
        return
    with (serve_directory if kind == "simple" else serve_like_pages)(directory) as base:
        yield Served(base)


@contextmanager
def serve_like_pages(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port the way GitHub Pages serves a site (see
    the module docstring); yield the base URL (ending in "/")."""
    handler = type("Handler", (_PagesLikeHandler,), {"compressed": {}})

    def make(*args: Any) -> _PagesLikeHandler:
        return handler(*args, directory=str(directory))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def timing_site(export: Path, page_site: Path, scripts: Path | None, site: Path) -> Path:
    """A site in `site` made of `page_site`'s search page and theme (its scripts replaced by
    `scripts` when given) with `export` linked in as its search index; returns the site."""
    (site / "search").mkdir(parents=True)
    shutil.copytree(page_site / "theme", site / "theme")
    if scripts is not None:
        shutil.rmtree(site / OURS_CODE)
        shutil.copytree(scripts, site / OURS_CODE)
    shutil.copy(page_site / OURS_PAGE / "index.html", site / OURS_PAGE / "index.html")
    for item in export.iterdir():
        if item.name != "index.html":
            (site / OURS_INDEX / item.name).symlink_to(item.resolve())
    return site


def merge_figures(into: EngineFigures | None, more: EngineFigures) -> EngineFigures:
    """`into` with the measurements of `more` (same queries) added to its lists."""
    if into is None:
        return more
    for query, figures in more.queries.items():
        target = into.queries[query]
        for name in ("cold_ms", "warm_ms", "first_index_kb", "load_index_kb", "first_code_kb", "further_kb",
                     "repeat_ms", "revisit_ms", "revisit_kb", "cold_requests", "warm_requests"):
            getattr(target, name).extend(getattr(figures, name))
    return into


def print_figures(label: str, ours: EngineFigures, baseline: EngineFigures | None = None) -> None:
    """Per-query medians and the medians of all queries; with `baseline`, the ratios to it."""
    print(label)
    for query, figures in ours.queries.items():
        ratio = ""
        if baseline is not None:
            other = baseline.queries[query]
            ratio = (f"  (x{statistics.median(figures.cold_ms) / statistics.median(other.cold_ms):.2f} cold, "
                     f"x{statistics.median(figures.warm_ms) / statistics.median(other.warm_ms):.2f} warm)")
        print(f"  {query[:48]:48s} cold {statistics.median(figures.cold_ms):6.1f}  warm "
              f"{statistics.median(figures.warm_ms):6.1f}  again {statistics.median(figures.repeat_ms):5.1f}  "
              f"revisit {statistics.median(figures.revisit_ms):6.1f} ms  "
              f"first {statistics.median(figures.first_index_kb):6.1f} KB  further "
              f"{statistics.median(figures.further_kb):6.1f} KB  requests {statistics.median(figures.cold_requests):3.0f} / "
              f"{statistics.median(figures.warm_requests):3.0f}  ({figures.results} results){ratio}")
    ratio = ""
    if baseline is not None:
        ratio = (f"  (x{ours.median('cold_ms') / baseline.median('cold_ms'):.2f} cold, "
                 f"x{ours.median('warm_ms') / baseline.median('warm_ms'):.2f} warm)")
    print(f"  median of all: cold {ours.median('cold_ms'):.1f} ms, warm {ours.median('warm_ms'):.1f} ms, "
          f"again {ours.median('repeat_ms'):.1f} ms, revisit {ours.median('revisit_ms'):.1f} ms "
          f"(fetched {max(v for f in ours.queries.values() for v in f.revisit_kb):.1f} KB at most), "
          f"requests cold / warm {ours.median('cold_requests'):.0f} / {ours.median('warm_requests'):.0f}; "
          f"slowest query (median): cold "
          f"{ours.worst_median('cold_ms'):.1f}, warm {ours.worst_median('warm_ms'):.1f} ms{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Time our search page in Chromium on an exported index.")
    parser.add_argument("--export", type=Path, required=True, help="the exported index (a site's search/ folder)")
    parser.add_argument("--page", type=Path, required=True, help="a built site whose search page and theme to use")
    parser.add_argument("--scripts", type=Path, help="search scripts to use instead of the page site's")
    parser.add_argument("--baseline-scripts", type=Path,
                        help="other search scripts to time in turn with the same server and browser (ratios)")
    parser.add_argument("--baseline-export", type=Path, help="the baseline's export (default: --export)")
    parser.add_argument("--runs", type=int, default=1, help="visits per query as the first one")
    parser.add_argument("--server", choices=SERVERS, default="h2",
                        help="h2: HTTP/2 with TLS in node, as Pages answers (default); pages: the Python "
                             "HTTP/1.1 keep-alive server; simple: the test suite's HTTP/1.0 server")
    parser.add_argument("--driver", choices=DRIVERS, nargs="+", default=["pipe"],
                        help="pipe: Chromium spoken to over its DevTools pipe with no network domain, as a "
                             "reader's browser runs (default); playwright: under Playwright, which has DevTools "
                             "record every request (the figures before 29 Nov); both: each in turn")
    parser.add_argument("--no-prime", action="store_true",
                        help="time with the server's first reads of each file (see prime_server)")
    parser.add_argument("--queries", nargs="*", default=DEFAULT_QUERIES)
    parser.add_argument("--sort", choices=("relevance", "newest"), default="relevance",
                        help="the order our search page is opened with (newest: ?sort=newest)")
    parser.add_argument("--type-ms", type=int, default=0,
                        help="type each query a character every TYPE_MS ms before submitting it (0: set at once)")
    args = parser.parse_args()
    if len(args.queries) < 2:
        # A warm figure is a query after another on the same page.
        parser.error("--queries needs two queries or more: each is timed warm after another")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        timing_site(args.export, args.page, args.scripts, root / "ours")
        sites = ["ours"]
        if args.baseline_scripts or args.baseline_export:
            timing_site(args.baseline_export or args.export, args.page, args.baseline_scripts, root / "baseline")
            sites.append("baseline")
        arms = [(name, driver) for driver in args.driver for name in sites]
        figures: dict[tuple[str, str], EngineFigures | None] = dict.fromkeys(arms)
        with (serve(args.server, root) as served, sync_playwright() as playwright,
              PipeBrowser(chromium_executable(), CHROMIUM_FLAGS + served.browser_args) as pipe):
            base = served.base
            browsers = {"pipe": pipe}
            if "playwright" in args.driver:
                browsers["playwright"] = playwright.chromium.launch(executable_path=chromium_executable(),
                                                                    args=CHROMIUM_FLAGS + served.browser_args)
            try:
                # Chromium's first pages are slower (its own start-up): one visit each, not counted.
                for name, driver in arms:
                    measure_engine(browsers[driver], f"{base}{name}/", "ours", args.queries[:2], 1,
                                   TransferSizes(root / name), lambda line: None, args.type_ms, args.sort)
                    if not args.no_prime:
                        prime_server(browsers[driver], f"{base}{name}/", TransferSizes(root / name), args.queries,
                                     args.type_ms, args.sort)
                # One run of every rotation for each in turn, in alternating order: load on the
                # machine falls on all alike.
                for run in range(args.runs):
                    for name, driver in (arms if run % 2 == 0 else arms[::-1]):
                        measured = measure_engine(browsers[driver], f"{base}{name}/", "ours", args.queries, 1,
                                                  TransferSizes(root / name), lambda line: None, args.type_ms, args.sort)
                        figures[name, driver] = merge_figures(figures[name, driver], measured)
            finally:
                if "playwright" in browsers:
                    browsers["playwright"].close()
    page_scripts = f"{args.page / OURS_CODE}"
    for driver in args.driver:
        print_figures(f"ours (scripts {args.scripts or page_scripts}, server {args.server}, driver {driver})",
                      figures["ours", driver], figures.get(("baseline", driver)))
        if ("baseline", driver) in figures:
            print_figures(f"baseline (scripts {args.baseline_scripts or args.scripts or page_scripts}, "
                          f"driver {driver})", figures["baseline", driver])


if __name__ == "__main__":
    main()

"""Chromium driven over its DevTools pipe with only the protocol domains a caller enables.

A page under Playwright has DevTools' network domain on (Playwright reports every request),
and the renderer then does work of its own for each request: it records the request's
initiator and keeps the answer's bytes for the inspector. A reader's browser does none of
that. `PipeBrowser` starts Chromium with `--remote-debugging-pipe` and sends only what it is
asked to (new browser contexts, pages, navigation, script evaluation), so a page's timings are
a reader's.

    with PipeBrowser(executable, flags) as browser:
        page = browser.new_page()          # in a new browser context (empty HTTP cache)
        page.goto(url)                     # waits for the load event
        page.evaluate("1 + 1")             # awaits a promise; returns its JSON value
        page.close_context()
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


class ProtocolError(RuntimeError):
    """DevTools answered a command with an error, or the browser went away."""


class PipeBrowser:
    """A headless Chromium process spoken to over fds 3 (commands) and 4 (answers)."""

    def __init__(self, executable: str, flags: list[str]) -> None:
        self.executable, self.flags = executable, flags
        self.next_id = 0
        self.answers: dict[int, dict] = {}
        self.events: list[dict] = []
        self.condition = threading.Condition()
        self.closed = False

    def __enter__(self) -> PipeBrowser:
        self.profile = tempfile.TemporaryDirectory(prefix="cdp-pipe-")
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        os.set_inheritable(to_browser_read, True)
        os.set_inheritable(from_browser_write, True)

        def child_fds() -> None:
            # Through free numbers first: either pipe end may itself be fd 3 or 4.
            reading, writing = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10), fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self.process = subprocess.Popen(
            [self.executable, *self.flags, "--remote-debugging-pipe", f"--user-data-dir={self.profile.name}",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, pass_fds=(3, 4))
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except ProtocolError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        self.profile.cleanup()

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self.condition:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self.answers[message["id"]] = message
                    else:
                        self.events.append(message)
                self.condition.notify_all()
        with self.condition:
            self.closed = True
            self.condition.notify_all()
        os.close(self.from_browser)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict:
        """Send one command and wait for its answer's result."""
        with self.condition:
            self.next_id += 1
            number = self.next_id
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self.condition:
            while number not in self.answers:
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise ProtocolError(f"{method}: no answer")
                self.condition.wait(left)
            answer = self.answers.pop(number)
        if "error" in answer:
            raise ProtocolError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def wait_event(self, method: str, session: str | None, timeout: float = 60) -> dict:
        """The first not yet taken event `method` of `session` (waits for it)."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for index, event in enumerate(self.events):
                    if event.get("method") == method and event.get("sessionId") == session:
                        return self.events.pop(index)
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise ProtocolError(f"no {method} event")
                self.condition.wait(left)

    def start_tracing(self, categories: list[str]) -> None:
        """Start a Chromium trace of `categories` (what chrome://tracing would record)."""
        with self.condition:
            self.events = [e for e in self.events if not e.get("method", "").startswith("Tracing.")]
        self.send("Tracing.start", {"traceConfig": {"includedCategories": categories},
                                    "transferMode": "ReportEvents"})

    def stop_tracing(self) -> list[dict]:
        """Stop the trace; its events (the Trace Event Format's dicts)."""
        self.send("Tracing.end")
        self.wait_event("Tracing.tracingComplete", None, timeout=120)
        with self.condition:
            collected = [e for e in self.events if e.get("method") == "Tracing.dataCollected"]
            self.events = [e for e in self.events if e.get("method") != "Tracing.dataCollected"]
        return [item for event in collected for item in event["params"]["value"]]

    def new_page(self) -> PipePage:
        """A blank page in a new browser context of its own (nothing cached)."""
        context = self.send("Target.createBrowserContext")["browserContextId"]
        return self.new_page_in(context)

    def new_page_in(self, context: str) -> PipePage:
        """A blank page in browser context `context` (its HTTP cache shared with the context's other pages)."""
        target = self.send("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        # Only the page domain (for its load event): no network, no runtime events.
        self.send("Page.enable", session=session)
        return PipePage(self, context, target, session)


class PipePage:
    """One page: navigate, evaluate, close."""

    def __init__(self, browser: PipeBrowser, context: str, target: str, session: str) -> None:
        self.browser, self.context, self.target, self.session = browser, context, target, session

    def goto(self, url: str) -> None:
        """Open `url` and wait for its load event."""
        with self.browser.condition:
            self.browser.events = [e for e in self.browser.events if e.get("sessionId") != self.session]
        self.browser.send("Page.navigate", {"url": url}, self.session)
        self.browser.wait_event("Page.loadEventFired", self.session)

    def evaluate(self, expression: str, timeout: float = 60) -> Any:
        """Value of `expression` (a promise is awaited), as JSON."""
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                        "returnByValue": True}, self.session, timeout)
        if "exceptionDetails" in result:
            raise ProtocolError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})

    def close_context(self) -> None:
        """Close the page and drop its browser context (and its HTTP cache)."""
        self.close()
        self.browser.send("Target.disposeBrowserContext", {"browserContextId": self.context})


def page_bytes_script() -> str:
    """An expression giving the page's resource timings since the last call, then clearing
    them: [[path, transferSize], ...] (transferSize 0: answered from the browser's cache)."""
    return ("(() => { const entries = performance.getEntriesByType('resource').map((e) => "
            "[new URL(e.name).pathname, e.transferSize]); performance.clearResourceTimings(); return entries; })()")


if __name__ == "__main__":  # a quick check: python cdp_pipe.py
    from conftest import CHROMIUM_FLAGS, chromium_executable  # noqa: E402

    with PipeBrowser(chromium_executable(), CHROMIUM_FLAGS) as browser:
        page = browser.new_page()
        page.goto("data:text/html,<title>x</title>")
        print(page.evaluate("new Promise((r) => setTimeout(() => r(document.title + navigator.userAgent), 10))"))
        page.close_context()
    print(Path(__file__).name, "ok")

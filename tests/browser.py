"""Headless Chromium for the browser tests, driven over the DevTools protocol through a pipe.

``--remote-debugging-pipe`` makes Chromium read commands on file descriptor 3 and write replies
on descriptor 4, as NUL-terminated JSON messages: no WebDriver, no port, no extra package.
Chromium starts with a fresh profile and without the background services that try the network.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--remote-debugging-pipe",
         "--hide-scrollbars", "--mute-audio")
#: Seconds to wait for any message from Chromium (a page load, an axe run) before giving up.
TIMEOUT = 120


def find_chromium() -> str | None:
    """Chromium's executable: ``$REPORTKIT_CHROMIUM``, else ``chromium`` on PATH."""
    candidate = os.environ.get("REPORTKIT_CHROMIUM") or shutil.which("chromium")
    return candidate if candidate and os.access(candidate, os.X_OK) else None


class Browser:
    """One headless Chromium, one page; ``call`` sends a DevTools command and waits for it."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="reportkit-chromium-")
        to_child, self._send = os.pipe()
        self._receive, from_child = os.pipe()

        def wire_pipes() -> None:  # in the child: its fds 3 and 4 are the protocol pipe
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        self._process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire_pipes,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self._session = self.call("Target.attachToTarget", targetId=page["targetId"],
                                  flatten=True)["sessionId"]
        self.call("Page.enable", session=True)

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._receive], [], [], TIMEOUT)
            if not ready:
                raise RuntimeError(f"Chromium sent nothing for {TIMEOUT} s")
            chunk = os.read(self._receive, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send ``method`` (to the page when ``session``) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._send, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def wait_for(self, event: str) -> None:
        """Wait for a page event (e.g. ``Page.loadEventFired``)."""
        while self._read_message().get("method") != event:
            pass

    def open(self, path: Path, width: int, height: int = 900) -> None:
        """Show ``path`` in a window ``width`` CSS pixels wide, and wait until it has loaded."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width,
                  height=height, deviceScaleFactor=1, mobile=False)
        self.call("Page.navigate", session=True, url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call("Runtime.evaluate", session=True, expression=expression,
                           awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.call("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._send)
        os.close(self._receive)
        shutil.rmtree(self._profile, ignore_errors=True)

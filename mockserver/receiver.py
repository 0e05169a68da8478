"""A webhook for tests: a small HTTP server on 127.0.0.1, in a thread, that records every JSON body POSTed to
it, so a test can assert on what its own webhook would have seen of the mock's callbacks (the plugin's
`mockserver_callbacks` fixture). It can answer 500 to the first `fail` reports, to see them retried."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class CallbackReceiver:
    def __init__(self, fail: int = 0, path: str = "/callbacks") -> None:
        self.got: list[Any] = []  # the bodies answered 2xx, in the order they arrived
        self.refused: list[Any] = []  # those answered 500 (the first `fail`)
        self.fail = fail
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                with receiver._lock:
                    refuse = receiver.fail > 0
                    receiver.fail -= refuse
                    (receiver.refused if refuse else receiver.got).append(body)
                self.send_response(500 if refuse else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{path}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="mockserver-callbacks", daemon=True)
        self._thread.start()

    def wait_for(self, count: int, seconds: float = 5.0) -> list[Any]:
        """The bodies received, once there are `count` of them or `seconds` have passed."""
        deadline = time.monotonic() + seconds
        while len(self.got) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.got)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "CallbackReceiver":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

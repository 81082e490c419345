"""A small HTTP server on 127.0.0.1 that replays scripted answers, for end-to-end tests.

Each route is a path and a list of :class:`Reply`; successive requests to the route get the
replies in order, the last one repeating. Besides normal answers a reply can close the
connection without answering, answer slowly, send a body cut short, or wait until the test
lets it go (to do something while a command waits for its answer).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    close_without_answer: bool = False
    #: Answer only once this is set (at most 60 s later): the test acts while a request waits.
    held_until: threading.Event | None = None

    @classmethod
    def fixture(cls, name: str, status: int = 200, **kwargs: object) -> Reply:
        """A reply whose body is a file in tests/fixtures (content type from its ending)."""
        body = (FIXTURES / name).read_bytes()
        ctype = {".json": "application/json", ".html": "text/html; charset=utf-8"}.get(
            Path(name).suffix, "text/plain; charset=utf-8"
        )
        return cls(status=status, body=body, content_type=ctype, **kwargs)  # type: ignore[arg-type]


@dataclass
class Route:
    path: str
    replies: list[Reply]
    params: dict[str, str] | None = None
    served: int = 0

    def matches(self, path: str, params: dict[str, str]) -> bool:
        if path != self.path:
            return False
        return self.params is None or all(params.get(k) == v for k, v in self.params.items())

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class ReplayServer:
    """Serve scripted replies on 127.0.0.1 in a background thread. Use as a context manager."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm on, the body waits
            # for the client's delayed ACK of the headers: some 40 ms on every kept-alive request.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = dict(parse_qsl(parts.query, keep_blank_values=True))
                reply = server._reply_for(parts.path, params, dict(self.headers))
                if reply.close_without_answer:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.held_until is not None:
                    reply.held_until.wait(timeout=60)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # A short poll interval lets shutdown() return at once instead of after up to 0.5 s.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        """The base URL to pass as --api-url."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/api/v2"

    def add(self, path: str, *replies: Reply, params: dict[str, str] | None = None) -> Route:
        """Answer requests for ``/api/v2`` + ``path`` (whose params include ``params``) in turn."""
        route = Route("/api/v2" + path, list(replies), params)
        self.routes.append(route)
        return route

    def _reply_for(self, path: str, params: dict[str, str], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append((path, params, headers))
            for route in self.routes:
                if route.matches(path, params):
                    return route.next_reply()
        return Reply(status=404, body=b"no route in the replay server", content_type="text/plain")

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

"""The plugin and its client say what went wrong: a fixtures folder that is not there stops the session
(not an empty mock), and an answer that is not JSON is an error that shows its status and body (not a
JSONDecodeError)."""

import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mockserver.client import MockClient, MockError


def test_a_missing_fixtures_folder_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\nmockserver_fixtures = no-such-folder\n")
    pytester.makepyfile(test_it="def test_it(mockserver):\n    mockserver.state()\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.no_fnmatch_line("*1 passed*")
    assert "mockserver_fixtures = no-such-folder: no such folder" in result.stdout.str() + result.stderr.str()


class _PlainText(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        status = 500 if "fail" in self.path else 200
        body = b"Internal Server Error" if status == 500 else b"<html>a proxy page</html>"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def plain_text_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PlainText)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("path", "status", "text"), [("/fail", 500, "Internal Server Error"),
                                                      ("/health", 200, "a proxy page")])
def test_an_answer_that_is_not_json_shows_status_and_body(plain_text_server, path, status, text):
    client = MockClient(plain_text_server, token="t")
    with pytest.raises(MockError) as refused:
        client.call("GET", path)
    assert refused.value.status == status
    assert text in str(refused.value)


def test_setting_the_clock_to_a_naive_datetime_says_a_timezone_is_needed():
    client = MockClient("http://127.0.0.1:9", token="t")  # never reached: refused before any call
    with pytest.raises(ValueError, match="timezone"):
        client.clock.set(datetime(2027, 1, 1, 9, 0))

"""The server's socket, bound before anything starts: what the command line and the sharded front both
open first, so a busy port is one line."""

import socket


class StartupError(Exception):
    """Why the server cannot start: said in one line, and the process exits non-zero."""


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound before anything is printed: a busy port is one line, not a banner
    followed by a failure."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise StartupError(f"cannot listen on {host}:{port}: {error}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise StartupError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return sock

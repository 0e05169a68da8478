"""Answers too large to build in one go (a tenant's whole state): a handler returns a `Streamed` body whose
pieces are made only as they are written, and the edge writes them with a pause for other requests at
least every YIELD_EVERY_SECONDS. However much one tenant holds, nobody else waits behind it for longer
than the dearest single piece (one entity, whose cost each provider bounds)."""

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.types import Send

CHUNK_BYTES = 64 * 1024  # pieces are gathered into writes of about this size
YIELD_EVERY_SECONDS = 0.005


@dataclass(frozen=True)
class Streamed:
    """A JSON answer made piece by piece (bytes that, joined, are one JSON document)."""

    pieces: Iterable[bytes]
    media_type: bytes = b"application/json"


async def stream(send: Send, status: int, body: Streamed) -> None:
    """Write the answer without a length (chunked), handing the loop to others between pieces. A piece
    that fails after the start went out cannot become an error answer: the exception ends the connection
    (the client sees a cut answer, not a wrong one) and is logged by the server."""
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", body.media_type)]})
    buffer, size, paused = [], 0, time.perf_counter()
    for piece in body.pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= CHUNK_BYTES:
            await send({"type": "http.response.body", "body": b"".join(buffer), "more_body": True})
            buffer, size = [], 0
        if time.perf_counter() - paused >= YIELD_EVERY_SECONDS:
            await asyncio.sleep(0)
            paused = time.perf_counter()
    await send({"type": "http.response.body", "body": b"".join(buffer)})

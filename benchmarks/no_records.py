"""An experiment, not product code: `mockserver` with two of its promises switched off, no journal entry
and no coverage counting, everything else as shipped (strict checks included). It measures one of the
choices docs/performance.md leaves to the owner of issue 17: would making those two opt-in reach 0.7x?

    python benchmarks/run.py --only cancel --only schedule --only "commcom stop" --no-scale --no-sharded \
        --launcher benchmarks/no_records.py

tests/benchmarks/test_no_records.py checks that it still answers as the app does and records nothing."""

import contextlib
import sys
from typing import Any

from mockserver.coverage import CoverageBook
from mockserver.journal import Journal

_NOTHING = contextlib.nullcontext()


def switch_off() -> None:
    """No call is journaled, and no call is current for coverage (the edge and the state machines then
    count nothing: mockserver.coverage.current() is None)."""
    Journal.record = lambda self, *args, **kwargs: None  # type: ignore[method-assign]

    def recording(self: CoverageBook, token: str | None) -> Any:
        return _NOTHING

    CoverageBook.recording = recording  # type: ignore[method-assign]


if __name__ == "__main__":  # run.py --launcher: `mockserver` with the two switched off
    import mockserver.cli as cli

    switch_off()
    cli.main(sys.argv[1:])

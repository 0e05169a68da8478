"""`--state-file PATH`: every tenant kept in a SQLite database (WAL, synchronous=FULL), written before the
response that acknowledges a change is sent, and read back when the tenant is next used, after a restart
too. A tenant is stored whole, as versioned JSON data (mockserver.codec), never as code: a file from
elsewhere can at worst hold unreadable rows, each refused on its own. Without a state file nothing of
this runs."""

import sqlite3
from pathlib import Path
from typing import Any

from mockserver.codec import Codec, StateError

FORMAT = 1  # of the rows, kept in the `meta` table; a file in another format is not read


class StateFileError(Exception):
    """The state file cannot be used at all: the server must not start on it."""


class StoredStateError(Exception):
    """One tenant's row cannot be read back; the others are unaffected."""


def _open(path: Path) -> sqlite3.Connection:
    if not path.parent.is_dir():
        raise StateFileError(f"--state-file {path}: the folder {path.parent} does not exist")
    try:
        # One server thread uses the connection at a time; the plugin's server runs in a thread of its own.
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE tenants (token TEXT PRIMARY KEY, state BLOB NOT NULL)")
            db.execute("INSERT INTO meta (key, value) VALUES ('format', ?)", (str(FORMAT),))
        found = (db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
                 if {"meta", "tenants"} <= tables or not tables else None)
        if found is None:
            db.close()
            raise StateFileError(f"--state-file {path}: an SQLite file, but not a mockserver state file "
                                 "(no format version); give a new path")
        if found[0] != str(FORMAT):
            db.close()
            raise StateFileError(f"--state-file {path}: written in state format {found[0]}, this mockserver reads "
                                 f"format {FORMAT}; give a new path")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
    except sqlite3.Error as error:
        raise StateFileError(f"--state-file {path}: cannot be used as a state file ({error})") from None
    return db


class StateFile:
    def __init__(self, path: Path, codec: Codec) -> None:
        self._codec = codec
        self._db = _open(path)

    def save(self, token: str, state: Any) -> None:
        row = self._codec.dumps({"format": FORMAT, "tenant": state})
        self._db.execute("INSERT OR REPLACE INTO tenants (token, state) VALUES (?, ?)", (token, row))

    def load(self, token: str) -> Any | None:
        """The tenant's stored state, None if it has none; StoredStateError if its row is unreadable."""
        row = self._db.execute("SELECT state FROM tenants WHERE token = ?", (token,)).fetchone()
        if row is None:
            return None
        try:
            stored = self._codec.loads(row[0])
        except StateError as error:
            raise StoredStateError(str(error)) from None
        if not isinstance(stored, dict) or stored.get("format") != FORMAT or "tenant" not in stored:
            raise StoredStateError(f"not a format {FORMAT} row")
        return stored["tenant"]

    def close(self) -> None:
        self._db.close()


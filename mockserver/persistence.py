"""`--state-file PATH`: every tenant kept in a SQLite database (WAL, synchronous=FULL), written before the
response that acknowledges a change is sent, and read back when the tenant is next used, after a restart
too. A tenant is stored whole (pickled): simple and exact, at the cost of write speed on huge tenants;
without a state file nothing of this runs."""

import io
import pickle
import sqlite3
from pathlib import Path
from typing import Any

from mockserver.settings import Settings

_SETTINGS = "settings"


class _Pickler(pickle.Pickler):
    # Settings are not state: a restarted server brings its own (a new delivery rate applies at once).
    def persistent_id(self, obj: Any) -> str | None:
        return _SETTINGS if isinstance(obj, Settings) else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, settings: Settings) -> None:
        super().__init__(io.BytesIO(data))
        self._settings = settings

    def persistent_load(self, pid: Any) -> Any:
        if pid == _SETTINGS:
            return self._settings
        raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")


class StateFile:
    def __init__(self, path: Path, settings: Settings) -> None:
        self._settings = settings
        # One server thread uses the connection at a time; the plugin's server runs in a thread of its own.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("CREATE TABLE IF NOT EXISTS tenants (token TEXT PRIMARY KEY, state BLOB NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS issued_tokens (token TEXT PRIMARY KEY)")

    def save(self, token: str, state: Any) -> None:
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
        self._db.execute("INSERT OR REPLACE INTO tenants (token, state) VALUES (?, ?)", (token, buffer.getvalue()))

    def load(self, token: str) -> Any | None:
        row = self._db.execute("SELECT state FROM tenants WHERE token = ?", (token,)).fetchone()
        return None if row is None else _Unpickler(row[0], self._settings).load()

    def delete(self, token: str) -> None:
        self._db.execute("DELETE FROM tenants WHERE token = ?", (token,))

    def add_issued_token(self, token: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO issued_tokens (token) VALUES (?)", (token,))

    def issued_tokens(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT token FROM issued_tokens")}

    def close(self) -> None:
        self._db.close()

"""SQLite schema migrations: numbered SQL files in migrations/sqlite/, applied in order by
`sluice migrate` and at start-up, recorded in sluice_migrations; upgrading an
old database keeps its rows."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from sluice_harness import MIGRATIONS_DIR

MIGRATION_RE = re.compile(r"^(\d{4})_([A-Za-z0-9_]+)\.sql$")
API_KEYS_COLUMNS = {"id", "name", "key_hash", "key_prefix", "policy", "models", "expires_at", "revoked_at",
                    "created_at", "last_used_at"}
V1_APPLIED_AT = "2026-01-01T00:00:00Z"
LEGACY = {
    "name": "legacy",
    "key_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "key_prefix": "sk-sluice-LeGa",
    "policy": "default",
    "models": '["claude-*"]',
    "expires_at": None,
    "revoked_at": None,
    "created_at": "2026-01-01T00:00:00Z",
    "last_used_at": None,
}


def migration_files() -> list[Path]:
    if not MIGRATIONS_DIR.is_dir():
        return []
    files = [p for p in MIGRATIONS_DIR.iterdir() if p.suffix == ".sql"]
    return sorted(files, key=lambda p: p.name)


def expected_rows() -> list[tuple[int, str]]:
    return [(int(MIGRATION_RE.match(p.name).group(1)), p.stem) for p in migration_files()]


def need_migrations() -> list[Path]:
    files = migration_files()
    if not files:
        pytest.skip("migrations/ holds no .sql files yet")
    return files


def query(db: Path, sql: str, *args) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def recorded(db: Path) -> list[tuple[int, str, str]]:
    return query(db, "SELECT version, name, applied_at FROM sluice_migrations ORDER BY version")


def build_v1_database(db: Path) -> None:
    """What a database made by the first release looks like: only 0001 applied and recorded, one key."""
    first = need_migrations()[0]
    assert MIGRATION_RE.match(first.name) and first.name.startswith("0001_"), first.name
    con = sqlite3.connect(db)
    try:
        con.executescript(first.read_text(encoding="utf-8"))
        # If the runner (not 0001) creates the bookkeeping table, create it as the spec describes it.
        con.execute("CREATE TABLE IF NOT EXISTS sluice_migrations "
                    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        con.execute("INSERT INTO sluice_migrations(version, name, applied_at) VALUES (1, ?, ?)",
                    (first.stem, V1_APPLIED_AT))
        cols = con.execute("PRAGMA table_info(api_keys)").fetchall()  # cid, name, type, notnull, dflt, pk
        assert cols, "0001 does not create api_keys"
        values = {}
        for _, col, ctype, notnull, default, _pk in cols:
            if col == "id":  # an integer, or a UUID-shaped string for TEXT ids
                values[col] = 1 if "INT" in (ctype or "").upper() else "7d0c1f9e-4a8b-4c2e-9f3a-0123456789ab"
            elif col == "key_hash" and "BLOB" in (ctype or "").upper():
                values[col] = bytes.fromhex(LEGACY["key_hash"])
            elif col in LEGACY:
                values[col] = LEGACY[col]
            elif notnull and default is None:
                values[col] = 0 if "INT" in (ctype or "").upper() else ""
        con.execute(f"INSERT INTO api_keys({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                    tuple(values.values()))
        con.commit()
    finally:
        con.close()


def legacy_row(db: Path) -> dict:
    rows = query(db, "SELECT name, key_hash, key_prefix, policy, models, created_at, revoked_at FROM api_keys")
    assert len(rows) == 1, rows
    return dict(zip(["name", "key_hash", "key_prefix", "policy", "models", "created_at", "revoked_at"], rows[0]))


# --------------------------------------------------------------------------


def test_migration_files_are_numbered_consecutively_from_0001():
    files = need_migrations()
    bad = [p.name for p in files if not MIGRATION_RE.match(p.name)]
    assert not bad, f"migration files not named NNNN_name.sql: {bad}"
    versions = [v for v, _ in expected_rows()]
    assert versions == list(range(1, len(versions) + 1)), versions


def test_fresh_database_gets_every_migration_in_order(sluice):
    need_migrations()
    inst = sluice(start=False)  # runs `sluice migrate`
    rows = recorded(inst.db)
    assert [(v, n) for v, n, _ in rows] == expected_rows()
    assert all(applied for _, _, applied in rows)
    cols = {r[1] for r in query(inst.db, "PRAGMA table_info(api_keys)")}
    assert API_KEYS_COLUMNS <= cols, f"api_keys lacks {API_KEYS_COLUMNS - cols}"


def test_migrate_is_a_noop_on_an_up_to_date_database(sluice):
    need_migrations()
    inst = sluice(start=False)
    inst.create_key("kept")
    before = recorded(inst.db)
    inst.cli("migrate")
    assert recorded(inst.db) == before
    assert [k["name"] for k in inst.cli_json("keys", "list")] == ["kept"]


def test_migrate_on_v1_database_keeps_rows_and_does_not_reapply_0001(sluice, tmp_path):
    need_migrations()
    inst = sluice(start=False, migrate=False)
    db = tmp_path / "v1.sqlite"
    build_v1_database(db)
    before = legacy_row(db)
    inst.cli("migrate", "--database", db)
    assert legacy_row(db) == before
    rows = recorded(db)
    assert [(v, n) for v, n, _ in rows] == expected_rows(), "sluice_migrations must list every migration file"
    assert rows[0] == (1, migration_files()[0].stem, V1_APPLIED_AT), "0001 was re-applied or its record rewritten"
    inst.cli("migrate", "--database", db)  # and again: nothing changes
    assert recorded(db) == rows
    assert legacy_row(db) == before


def test_migrate_upgrades_v1_database_through_every_later_migration(sluice, tmp_path):
    files = need_migrations()
    if len(files) < 2:
        pytest.skip("only one migration so far; nothing to upgrade through")
    inst = sluice(start=False, migrate=False)
    db = tmp_path / "v1.sqlite"
    build_v1_database(db)
    inst.cli("migrate", "--database", db)
    rows = recorded(db)
    assert [v for v, _, _ in rows] == list(range(1, len(files) + 1))
    assert all(applied and applied != V1_APPLIED_AT for v, _, applied in rows if v > 1)
    cols = {r[1] for r in query(db, "PRAGMA table_info(api_keys)")}
    assert API_KEYS_COLUMNS <= cols


def test_key_from_v1_database_is_listed_by_the_cli_after_migrate(sluice, tmp_path):
    need_migrations()
    inst = sluice(start=False, migrate=False)
    db = tmp_path / "v1.sqlite"
    build_v1_database(db)
    inst.cli("migrate", "--database", db)
    listed = inst.cli_json("keys", "list", "--database", db)
    assert [k["name"] for k in listed] == ["legacy"]
    assert listed[0]["prefix"] == LEGACY["key_prefix"]
    assert listed[0]["models"] == ["claude-*"]
    assert listed[0]["revoked_at"] is None


def test_server_start_applies_migrations_to_a_new_database(sluice):
    need_migrations()
    inst = sluice(migrate=False)
    assert inst.get("/readyz", auth=None).status_code == 200
    assert [(v, n) for v, n, _ in recorded(inst.db)] == expected_rows()


def test_server_start_upgrades_a_v1_database(sluice):
    need_migrations()
    inst = sluice(start=False, migrate=False)
    build_v1_database(inst.db)
    before = legacy_row(inst.db)
    inst.start()
    assert inst.get("/readyz", auth=None).status_code == 200
    assert [(v, n) for v, n, _ in recorded(inst.db)] == expected_rows()
    assert legacy_row(inst.db) == before

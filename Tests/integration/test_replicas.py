"""Several `sluice serve` replicas on one PostgreSQL database act as one gateway.

Each test gets a database of its own on the session's throwaway PostgreSQL server (see
postgres_cluster.py) and starts real replicas on it; the admin CLI runs against the same
database. Keys, revocations, every rate limit and usage hold across the replicas exactly.
"""

from __future__ import annotations

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openai
import pytest

from unittest.mock import ANY

from mock_upstream import Auto, JSONResponse, Stall, openai_text, openai_sse, openai_stream_chunks, openai_usage, slow_stream
from postgres_cluster import PASSWORD, postgres_available
from sluice_harness import ANTHROPIC, OPENAI, Sluice, assert_anthropic_error, assert_openai_error, describe, \
    http, iter_sse, poll, run_sluice, unique_name, write_text

pytestmark = pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not installed")

POLICY = "stages: [rate_limit]\nrate_limit: {}\n"
CACHED = "stages: [cache]\ncache: {enabled: true, scope: shared}\n"
PASSWORD_ENV = {"SLUICE_DB_PASSWORD": PASSWORD}


def start_replicas(sluice, url: str, count: int, *, parallel: bool = False) -> list[Sluice]:
    """`count` servers on the database at `url`, the password coming from the environment."""
    config = {"database": url, "database_password_env": "SLUICE_DB_PASSWORD", "database_pool": 8}
    replicas = [sluice(extra_config=config, env=PASSWORD_ENV, start=False, migrate=False) for _ in range(count)]
    for replica in replicas:
        write_text(replica.policies_dir / "limits.yaml", POLICY)
        write_text(replica.policies_dir / "cached.yaml", CACHED)
    if parallel:
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(lambda r: r.start(), replicas))
    else:
        for replica in replicas:
            replica.start()
    return replicas


def admin(replica: Sluice, *args: Any) -> Any:
    """The admin CLI against the replica's configuration (its database), as JSON."""
    return replica.cli_json(*args, "--config", replica.config_path)


def make_key(replica: Sluice, *flags: str) -> str:
    name = unique_name("rep")
    info = admin(replica, "keys", "create", "--name", name, "--policy", "limits", *flags)
    replica.keys[name] = info
    return info["key"]


def ask(replica: Sluice, key: str, proto=ANTHROPIC, **kw: Any):
    return proto.post(replica, key, timeout=kw.pop("timeout", 30), **kw)


def usage_requests(replica: Sluice, key_name: str) -> int:
    rows = admin(replica, "usage", "--key", key_name)
    return sum(row["requests"] for row in rows)


@pytest.fixture
def database(postgres) -> str:
    return postgres.create_database()


def test_a_key_made_or_rotated_anywhere_works_on_every_replica(sluice, database):
    replicas = start_replicas(sluice, database, 3)
    key = make_key(replicas[1])
    for replica in replicas:
        ANTHROPIC.assert_ok(ask(replica, key))
        OPENAI.assert_ok(ask(replica, key, OPENAI))

    name = next(iter(replicas[1].keys))
    rotated = admin(replicas[2], "keys", "rotate", name)["key"]
    replicas[2].collect_keys(rotated)
    for replica in replicas:
        ANTHROPIC.assert_ok(ask(replica, rotated))
    # Without a grace period the old secret stops everywhere (within the authentication cache's age).
    for replica in replicas:
        r, _ = poll(lambda: (lambda x: x if x.status_code == 401 else None)(ask(replica, key)), timeout=2.0)
        assert r is not None, f"the rotated-out key still works on {replica.url}"
        assert_anthropic_error(r, 401, "authentication_error")


def test_a_revocation_is_refused_by_every_replica_within_a_second(sluice, database):
    replicas = start_replicas(sluice, database, 3)
    key = make_key(replicas[0])
    name = next(iter(replicas[0].keys))
    # Every replica has the key in its authentication cache.
    for replica in replicas:
        ANTHROPIC.assert_ok(ask(replica, key))
    admin(replicas[0], "keys", "revoke", name)
    revoked_at = time.monotonic()
    seen: dict[str, float] = {}
    while len(seen) < len(replicas) and time.monotonic() - revoked_at < 5:
        for replica in replicas:
            if replica.url not in seen and ask(replica, key).status_code == 401:
                seen[replica.url] = time.monotonic() - revoked_at
        time.sleep(0.02)
    print(f"revocation seen after {sorted(round(s, 3) for s in seen.values())} s")
    assert len(seen) == len(replicas), f"only {len(seen)} replicas refused the revoked key"
    assert max(seen.values()) < 1.0, seen
    for replica in replicas:
        message = assert_openai_error(ask(replica, key, OPENAI), 401, "authentication_error", "invalid_api_key")
        assert "revoked" in message


def test_requests_per_minute_are_exact_across_replicas(sluice, database):
    replicas = start_replicas(sluice, database, 3)
    key = make_key(replicas[0], "--rpm", "30")

    def one(index: int) -> int:
        return ask(replicas[index % 3], key, OPENAI if index % 2 else ANTHROPIC).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(one, range(90)))
    elapsed = time.monotonic() - started
    # The bucket starts with 30 and refills half a request a second while the 90 are sent.
    admitted = statuses.count(200)
    assert 30 <= admitted <= 30 + int(elapsed / 2), (admitted, elapsed, statuses)
    assert statuses.count(429) == 90 - admitted, statuses


def test_tokens_per_minute_are_shared_across_replicas(sluice, mock, database):
    replicas = start_replicas(sluice, database, 3)
    key = make_key(replicas[0], "--tpm", "200")
    # Every answer is held back a moment, so every request's reservation (input estimate plus
    # max_tokens: 72 here) is held at once.
    mock.default = Stall(1.5, then=Auto())
    statuses: list[int] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        status = ask(replicas[index % 3], key, ANTHROPIC).status_code
        with lock:
            statuses.append(status)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(one, range(6)))
    # 2 × 72 fit in 200 tokens a minute; a third would not, whichever replica it reached.
    assert sorted(statuses) == [200, 200, 429, 429, 429, 429], statuses


def test_concurrency_is_shared_and_freed_on_another_replica(sluice, mock, database):
    replicas = start_replicas(sluice, database, 3)
    key = make_key(replicas[0], "--concurrency", "1")
    mock.enqueue(slow_stream(openai_sse(openai_stream_chunks(["one ", "two ", "three"], usage=openai_usage(9, 3))),
                             delay=0.4))
    first = ask(replicas[0], key, ANTHROPIC, stream=True)
    assert first.status_code == 200, describe(first)
    for replica in replicas[1:]:
        r = ask(replica, key, OPENAI)
        message = assert_openai_error(r, 429, "rate_limit_error", "rate_limit_exceeded")
        assert "1 at a time" in message
    list(iter_sse(first))
    first.close()
    r, _ = poll(lambda: (lambda x: x if x.status_code == 200 else None)(ask(replicas[2], key)), timeout=3.0,
                interval=0.1)
    assert r is not None, "the slot freed on one replica was not free on another"


def test_the_response_cache_is_shared_by_the_replicas(sluice, mock, database):
    replicas = start_replicas(sluice, database, 3)
    name = unique_name("rep")
    info = admin(replicas[0], "keys", "create", "--name", name, "--policy", "cached")
    replicas[0].keys[name] = info
    first = ask(replicas[0], info["key"], ANTHROPIC)
    ANTHROPIC.assert_ok(first)
    assert first.headers.get("x-sluice-cache") == "miss", describe(first)
    for replica in replicas[1:]:
        for proto in (ANTHROPIC, OPENAI):
            # The same request in either protocol: same model, same max_tokens.
            r = ask(replica, info["key"], proto, body=proto.body(ANTHROPIC.model, max_tokens=64))
            proto.assert_ok(r)
            assert r.headers.get("x-sluice-cache") == "hit", describe(r)
    assert len(mock.model_requests()) == 1


def test_a_stored_response_is_continued_and_deleted_on_another_replica(sluice, mock, database):
    first_replica, second_replica = start_replicas(sluice, database, 2)
    key = make_key(first_replica)
    mock.enqueue(JSONResponse(openai_text("Hi Ada.")))
    with first_replica.openai(key, timeout=30) as client:
        first = client.responses.create(model="gpt-replicas", input="My name is Ada.")
    mock.reset()
    mock.enqueue(JSONResponse(openai_text("You are Ada.")))
    with second_replica.openai(key, timeout=30) as client:
        second = client.responses.create(model="gpt-replicas", input="Who am I?", previous_response_id=first.id)
        assert second.output_text == "You are Ada."
        assert [m["content"] for m in mock.model_requests()[0].json["messages"]] == \
            ["My name is Ada.", "Hi Ada.", "Who am I?"]
        client.responses.delete(first.id)
    with first_replica.openai(key, timeout=30) as client:
        with pytest.raises(openai.NotFoundError):
            client.responses.retrieve(first.id)
        assert client.responses.retrieve(second.id).output_text == "You are Ada."


def test_usage_from_every_replica_adds_up(sluice, database):
    replicas = start_replicas(sluice, database, 3)
    key = make_key(replicas[0])
    name = next(iter(replicas[0].keys))
    for index in range(9):
        ANTHROPIC.assert_ok(ask(replicas[index % 3], key))
    total, _ = poll(lambda: usage_requests(replicas[1], name) == 9 or None, timeout=5.0, interval=0.2)
    assert total, f"usage shows {usage_requests(replicas[1], name)} requests, not 9"


def test_a_database_outage_under_load_is_a_503_and_loses_no_usage(sluice, postgres, database):
    replicas = start_replicas(sluice, database, 2)
    key = make_key(replicas[0])
    name = next(iter(replicas[0].keys))
    for replica in replicas:
        ANTHROPIC.assert_ok(ask(replica, key))
    answered = len(replicas)

    # Load on both replicas, in both protocols, for the whole outage and after it.
    statuses: list[int] = []
    refusals: list[Any] = []
    stop = threading.Event()
    lock = threading.Lock()

    def load(index: int) -> None:
        while not stop.is_set():
            proto = OPENAI if index % 2 else ANTHROPIC
            r = ask(replicas[index % 2], key, proto, timeout=20)
            with lock:
                statuses.append(r.status_code)
                if r.status_code != 200:
                    refusals.append((proto, r))
            time.sleep(0.02)

    workers = [threading.Thread(target=load, args=(index,)) for index in range(4)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.5)
        postgres.stop()
        try:
            time.sleep(3.0)
            for replica in replicas:
                ready = http("GET", replica.url + "/readyz", timeout=10)
                assert ready.status_code == 503, describe(ready)
                assert http("GET", replica.url + "/healthz", timeout=5).status_code == 200
        finally:
            postgres.start()
        recovered, _ = poll(lambda: all(http("GET", r.url + "/readyz", timeout=5).status_code == 200 for r in replicas)
                            or None, timeout=15.0, interval=0.25)
        assert recovered, "a replica stayed not ready after the database came back"
        time.sleep(1.0)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)

    assert all(replica.running for replica in replicas), "a replica exited during the outage"
    assert refusals, "no request was refused while the database was down"
    for proto, r in refusals:
        if proto is ANTHROPIC:
            assert_anthropic_error(r, 503, "overloaded_error")
        else:
            assert_openai_error(r, 503, "service_unavailable", ANY)
        assert r.headers.get("retry-after"), describe(r)
    assert statuses[-8:].count(200) == 8, f"service did not resume: {statuses[-20:]}"
    answered += statuses.count(200)
    ok, _ = poll(lambda: sum(row["requests"] - row["errors"] for row in admin(replicas[0], "usage", "--key", name))
                 == answered or None, timeout=10.0, interval=0.25)
    rows = admin(replicas[0], "usage", "--key", name)
    # Every answered request exactly once, whichever replica answered it, outage or not.
    assert ok, f"usage has {rows}, but {answered} requests were answered"


def test_db_copy_moves_a_single_box_into_postgresql_once(sluice, database):
    single = sluice()
    alice = single.create_key("alice")
    bob = single.create_key("bob")
    for _ in range(3):
        ANTHROPIC.assert_ok(ask(single, alice))
    ANTHROPIC.assert_ok(ask(single, bob))
    single.stop()

    target = database.replace("postgres://sluice@", f"postgres://sluice:{PASSWORD}@")
    first = single.cli_json("db", "copy", "--from", single.db, "--to", target, database=False)
    assert first["keys_copied"] == 2 and first["keys_already_there"] == 0, first
    assert first["usage_copied"] == 4 and first["usage_already_there"] == 0, first
    again = single.cli_json("db", "copy", "--from", single.db, "--to", target, database=False)
    assert again["keys_copied"] == 0 and again["keys_already_there"] == 2, again
    assert again["usage_copied"] == 0 and again["usage_already_there"] == 4, again
    assert PASSWORD not in json.dumps(first), "the database password was printed"

    (replica,) = start_replicas(sluice, database, 1)
    ANTHROPIC.assert_ok(ask(replica, alice))
    OPENAI.assert_ok(ask(replica, bob, OPENAI))
    assert usage_requests(replica, "alice") >= 3


def test_tls_to_the_database_when_asked(sluice, postgres, database):
    name = database.rsplit("/", 1)[1].split("?")[0]
    (replica,) = start_replicas(sluice, database.replace("sslmode=disable", "sslmode=require"), 1)
    key = make_key(replica)
    ANTHROPIC.assert_ok(ask(replica, key))
    connections = postgres.psql(name, "SELECT string_agg(s.ssl::text, ',') FROM pg_stat_ssl s JOIN pg_stat_activity a "
                                      f"USING (pid) WHERE a.datname = '{name}' AND a.pid <> pg_backend_pid()")
    assert connections and set(connections.split(",")) == {"true"}, f"connections' TLS: {connections!r}"
    # verify-full checks the certificate, which the system's roots do not vouch for…
    untrusted = postgres.url(name, password=True).replace("sslmode=disable", "sslmode=verify-full")
    listed = replica.cli("keys", "list", "--database", untrusted, check=False)
    assert listed.returncode != 0 and "cannot reach the database" in listed.stderr, listed
    assert PASSWORD not in listed.stderr
    # …but the CA named by sslrootcert does.
    trusted = untrusted + f"&sslrootcert={postgres.certificate}"
    listed = replica.cli_json("keys", "list", "--database", trusted)
    assert [k["name"] for k in listed] == list(replica.keys), listed
    missing = replica.cli("keys", "list", "--database", untrusted + "&sslrootcert=/nonexistent.pem", check=False)
    assert missing.returncode != 0 and "sslrootcert=/nonexistent.pem cannot be read" in missing.stderr, missing


def test_replicas_starting_together_apply_each_migration_once(sluice, postgres, database):
    replicas = start_replicas(sluice, database, 3, parallel=True)
    applied = [len(re.findall(r"applied migration", r.log())) for r in replicas]
    versions = postgres.psql(database.rsplit("/", 1)[1].split("?")[0], "SELECT count(*) FROM sluice_migrations")
    assert sorted(applied) == [0, 0, int(versions)], applied
    key = make_key(replicas[2])
    for replica in replicas:
        ANTHROPIC.assert_ok(ask(replica, key))


def test_a_schema_from_a_newer_sluice_is_refused(sluice, postgres, database):
    (replica,) = start_replicas(sluice, database, 1)
    replica.stop()
    postgres.psql(database.rsplit("/", 1)[1].split("?")[0],
                  "INSERT INTO sluice_migrations (version, name) VALUES (999, '0999_future')")
    served = run_sluice(["serve", "--config", replica.config_path], env=replica.env(), timeout=30)
    assert served.returncode != 0
    assert "newer" in served.stderr + served.stdout, served
    listed = replica.cli("keys", "list", "--config", replica.config_path, check=False)
    assert listed.returncode != 0 and "newer" in listed.stderr, listed


@pytest.mark.parametrize("database_value", ["mysql://root@127.0.0.1/sluice", "postgres://", "postgres://host-only"])
def test_a_database_url_sluice_cannot_use_is_a_clear_startup_error(sluice, database_value):
    s = sluice(extra_config={"database": database_value}, start=False, migrate=False)
    served = run_sluice(["serve", "--config", s.config_path], env=s.env(), timeout=30)
    assert served.returncode != 0
    assert "database" in served.stderr, served.stderr
    assert not (s.workdir / database_value).exists(), "the URL was taken as a SQLite file name"

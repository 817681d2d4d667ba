"""One backend over several model servers (`urls:`), through the real server.

Three scripted upstreams play the replicas. Pinned: one session's requests all land on one
replica; sessions spread over all three; a replica that dies moves its sessions with no failed
request; a replica that failed is ejected and gets traffic back afterwards; least-outstanding
avoids a slow replica; one hot session spills over instead of queueing; `/readyz` and
`/metrics` show each replica.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from mock_upstream import MockUpstream, openai_sse, openai_stream_chunks, openai_usage, server_error, slow_stream
from protocol_checks import post_json
from sluice_harness import http, parse_prometheus, poll, route, unique_name

MODEL = "pool-model"


@pytest.fixture
def replicas():
    mocks = [MockUpstream(name=f"replica-{n}").start() for n in range(3)]
    yield mocks
    for mock in mocks:
        mock.stop()


def pool_backend(mocks, **extra) -> dict:
    return {"name": "pool", "type": "openai", "urls": [m.base_url for m in mocks], "connect_timeout": "1s",
            "read_timeout": "10s", "max_attempts": 1, **extra}


@pytest.fixture
def start_pool(sluice):
    def start(mocks, **extra):
        srv = sluice(backends=[pool_backend(mocks, **extra)], routes=[route("*", "pool")])
        return srv, srv.create_key(unique_name("pool"))
    return start


def ask(srv, key, session: str | None, text: str = "hi", **kw):
    body = {"model": MODEL, "messages": [{"role": "user", "content": text}], **kw}
    if session is not None:
        body["user"] = session
    r = post_json(srv, "/v1/chat/completions", key, body)
    assert r.status_code == 200, r.text
    return r


def landed(mocks) -> list[int]:
    return [len(m.model_requests()) for m in mocks]


def test_one_sessions_requests_all_land_on_one_replica(start_pool, replicas):
    srv, key = start_pool(replicas)
    for turn in range(6):
        ask(srv, key, "session-alice", f"turn {turn}")
    assert sorted(landed(replicas)) == [0, 0, 6]
    # Without a user, the conversation's start is the session: later turns follow the first.
    for mock in replicas:
        mock.reset()
    history = [{"role": "user", "content": "Refactor the parser."}]
    for turn in range(4):
        r = post_json(srv, "/v1/chat/completions", key, {"model": MODEL, "messages": history})
        assert r.status_code == 200
        history += [{"role": "assistant", "content": f"step {turn}"}, {"role": "user", "content": "go on"}]
    assert sorted(landed(replicas)) == [0, 0, 4]
    # Claude Code's session header wins over everything else in the request.
    for mock in replicas:
        mock.reset()
    for number in range(5):
        r = post_json(srv, "/v1/chat/completions", key, {"model": MODEL, "user": f"user-{number}",
                      "messages": [{"role": "user", "content": f"q{number}"}]},
                      headers={"x-claude-code-session-id": "cc-session-1"})
        assert r.status_code == 200
    assert sorted(landed(replicas)) == [0, 0, 5]


def test_nine_sessions_spread_over_three_replicas(start_pool, replicas):
    srv, key = start_pool(replicas)
    for number in range(9):
        for _ in range(2):
            ask(srv, key, f"spread-{number}")
    counts = landed(replicas)
    assert sum(counts) == 18 and all(count >= 2 for count in counts), counts
    assert all(count % 2 == 0 for count in counts), "each session's two requests land together"


def test_a_replica_that_dies_moves_its_sessions_with_no_failed_request(start_pool, replicas):
    srv, key = start_pool(replicas)
    sessions = [f"move-{number}" for number in range(9)]
    home = {}
    for session in sessions:
        before = landed(replicas)
        ask(srv, key, session)
        home[session] = next(i for i, (a, b) in enumerate(zip(before, landed(replicas))) if b > a)
    victim = home[sessions[0]]
    replicas[victim].stop()
    for session in sessions * 2:
        ask(srv, key, session)  # asserts 200: no request fails
    moved = [s for s in sessions if home[s] == victim]
    assert moved
    # Sessions of the other replicas stay where they were.
    for session in sessions:
        if home[session] != victim:
            before = landed(replicas)
            ask(srv, key, session)
            assert landed(replicas)[home[session]] == before[home[session]] + 1


def test_a_failing_replica_is_ejected_then_gets_traffic_back(start_pool, replicas):
    srv, key = start_pool(replicas)
    ask(srv, key, "eject-me")
    victim = next(i for i, count in enumerate(landed(replicas)) if count)
    for mock in replicas:
        mock.reset()
    replicas[victim].enqueue(*(server_error(502) for _ in range(3)))
    for _ in range(3):
        ask(srv, key, "eject-me")  # each fails over to the next replica
    assert len(replicas[victim].requests) == 3
    ready = http("GET", srv.url + "/readyz").json()
    assert ready["unavailable_replicas"] == [{"backend": "pool", "replica": replicas[victim].base_url}]
    ask(srv, key, "eject-me")
    assert len(replicas[victim].requests) == 3, "an ejected replica gets no traffic"
    time.sleep(2.2)  # the first ejection lasts two seconds
    ask(srv, key, "eject-me")
    assert len(replicas[victim].model_requests()) == 4
    assert http("GET", srv.url + "/readyz").json()["unavailable_replicas"] == []
    metrics = parse_prometheus(http("GET", srv.url + "/metrics").text)
    ejections = [value for name, labels, value in metrics
                 if name == "sluice_replica_ejections_total" and labels.get("replica") == replicas[victim].base_url]
    assert ejections == [1]


def test_every_replica_down_is_a_503_with_retry_after(start_pool, replicas):
    srv, key = start_pool(replicas)
    for mock in replicas:
        mock.stop()
    for _ in range(3):
        post_json(srv, "/v1/chat/completions", key, {"model": MODEL, "messages": [{"role": "user", "content": "x"}]})
    r = post_json(srv, "/v1/chat/completions", key, {"model": MODEL, "messages": [{"role": "user", "content": "x"}]})
    assert r.status_code == 503, r.text
    assert r.json()["error"]["type"] == "service_unavailable" and int(r.headers["retry-after"]) >= 1


def test_least_outstanding_sends_little_to_a_slow_replica(start_pool, replicas):
    slow = replicas[0]
    slow.default = lambda request: slow_stream(openai_sse(openai_stream_chunks("slow", usage=openai_usage(5, 1))), delay=0.4)
    srv, key = start_pool(replicas, affinity="none", balance="least_outstanding")
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: ask(srv, key, None, f"q{n}", stream=True), range(24)))
    counts = landed(replicas)
    assert sum(counts) == 24 and counts[0] < min(counts[1:]), counts


def test_one_hot_session_spills_over_instead_of_queueing(start_pool, replicas):
    for mock in replicas:
        mock.default = lambda request: slow_stream(openai_sse(openai_stream_chunks("warm", usage=openai_usage(5, 1))),
                                                   delay=0.3)
    srv, key = start_pool(replicas)
    with ThreadPoolExecutor(9) as pool:
        list(pool.map(lambda n: ask(srv, key, "hot-session", f"q{n}", stream=True), range(9)))
    counts = sorted(landed(replicas))
    assert sum(counts) == 9 and counts[0] >= 1 and counts[-1] >= 3, counts


def test_active_health_checks_take_a_replica_out_and_back(sluice, replicas):
    def models(request):
        return server_error(503) if request.path.endswith("/models") and replicas[1].name == "down" else None
    replicas[1].name = "down"
    replicas[1].default = lambda request: models(request) or __import__("mock_upstream").Auto().resolve(request)
    srv = sluice(backends=[pool_backend(replicas, health_check={"path": "/models", "interval": "200ms"})],
                 routes=[route("*", "pool")])
    key = srv.create_key(unique_name("pool"))
    poll(lambda: http("GET", srv.url + "/readyz").json()["unavailable_replicas"] or None, timeout=5)
    for number in range(12):
        ask(srv, key, f"checked-{number}")
    assert len(replicas[1].model_requests()) == 0
    replicas[1].name = "up"
    poll(lambda: http("GET", srv.url + "/readyz").json()["unavailable_replicas"] == [] or None, timeout=5)
    for number in range(12):
        ask(srv, key, f"checked-{number}")
    assert len(replicas[1].model_requests()) > 0


def test_each_replica_gets_its_own_key_and_headers(sluice, replicas):
    # Replica 1 belongs to another account: its own key and tenant header; the others share
    # the backend's key and headers. Health checks carry the same credentials.
    backend = pool_backend(replicas, api_key_env="POOL_KEY", headers={"X-Org": "team-a"},
                           health_check={"path": "/models", "interval": "200ms"})
    backend["urls"][1] = {"url": replicas[1].base_url, "api_key_env": "REPLICA_B_KEY",
                          "headers": {"x-org": "team-b", "x-tenant": "b"}}
    srv = sluice(backends=[backend], routes=[route("*", "pool")],
                 env={"POOL_KEY": "pool-secret", "REPLICA_B_KEY": "b-secret"})
    key = srv.create_key(unique_name("pool"))
    for number in range(12):
        ask(srv, key, f"keyed-{number}")
    assert all(landed(replicas)), landed(replicas)
    for index, mock in enumerate(replicas):
        expected = (("Bearer b-secret", "team-b", "b") if index == 1 else ("Bearer pool-secret", "team-a", None))
        seen = {(r.headers.get("authorization"), r.headers.get("x-org"), r.headers.get("x-tenant")) for r in mock.requests}
        assert seen == {expected}, (index, seen)
        assert any(r.route.endswith("/models") for r in mock.requests), "the health check ran with the same headers"


def test_an_anthropic_pool_keeps_sessions_on_one_replica_from_both_fronts(sluice, replicas):
    backend = pool_backend(replicas, type="anthropic", api_key_env="POOL_KEY")
    srv = sluice(backends=[backend], routes=[route("*", "pool")], env={"POOL_KEY": "ant-secret"})
    key = srv.create_key(unique_name("pool"))
    session = {"x-claude-code-session-id": "cc-anthropic-pool"}
    for turn in range(3):
        r = post_json(srv, "/v1/messages", key, {"model": MODEL, "max_tokens": 16, "stream": turn == 1,
                      "messages": [{"role": "user", "content": f"turn {turn}"}]}, headers=session)
        assert r.status_code == 200, r.text
        r = post_json(srv, "/v1/chat/completions", key,
                      {"model": MODEL, "messages": [{"role": "user", "content": f"turn {turn}"}]}, headers=session)
        assert r.status_code == 200, r.text
    assert sorted(landed(replicas)) == [0, 0, 6]
    home = next(mock for mock in replicas if mock.model_requests())
    assert {(r.route, r.headers.get("x-api-key")) for r in home.model_requests()} == {("/v1/messages", "ant-secret")}
    # Sessions still spread over the pool (24 of them: with 9, one replica might draw none).
    for number in range(24):
        r = post_json(srv, "/v1/messages", key, {"model": MODEL, "max_tokens": 16,
                      "messages": [{"role": "user", "content": "hi"}]},
                      headers={"x-claude-code-session-id": f"cc-spread-{number}"})
        assert r.status_code == 200, r.text
    assert all(landed(replicas)), landed(replicas)

"""Policies through the real server: rate limits and quotas, the response cache, policy reload,
the `policies` and `usage` commands, missing policies and the policy metrics.

Every policy under test is its own file in the server's `policies_dir`, written before the server
starts (module server) or rewritten while it runs (reload tests, which get a server each). Each
test uses fresh keys, so counters and cache entries of one test never reach another.
(The `pii` and `content` stages are covered by test_pii.py.)
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest.mock import ANY

import pytest

from mock_upstream import (
    JSONResponse,
    openai_stream,
    openai_stream_chunks,
    openai_text,
    openai_usage,
    slow_stream,
    openai_sse,
)
from protocol_checks import (
    accumulate_openai_chunks,
    anthropic_sse_events,
    block_text,
    check_anthropic_stream,
    openai_sse_data,
    post_json,
)
from sluice_harness import (
    ANTHROPIC,
    OPENAI,
    PROTOCOLS,
    assert_anthropic_error,
    assert_openai_error,
    describe,
    iter_sse,
    parse_prometheus,
    poll,
    run_sluice,
    unique_name,
    write_text,
)

proto_param = pytest.mark.parametrize("proto", PROTOCOLS, ids=str)

MODEL = "policy-test-model"  # one name for both fronts, so their cache entries can meet

#: The policies of the module server, by name.
POLICIES = {
    "rl3": "stages: [rate_limit]\nrate_limit: {requests_per_minute: 3}\n",
    "tpm600": "stages: [rate_limit]\nrate_limit: {tokens_per_minute: 600}\n",
    "conc1": "stages: [rate_limit]\nrate_limit: {concurrency: 1}\n",
    "open": "stages: [rate_limit]\nrate_limit: {requests_per_minute: 1000}\n",
    "cached": "stages: [cache]\ncache: {enabled: true}\n",
    "cached_shared": "stages: [cache]\ncache: {enabled: true, scope: shared}\n",
    "rl_cache": "stages: [rate_limit, cache]\nrate_limit: {requests_per_minute: 2}\ncache: {enabled: true}\n",
    "tiny_quota": "stages: [rate_limit]\nrate_limit: {daily_tokens: 1}\n",
}

RL_NAMES = ("limit", "remaining", "reset")
GO_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(\d+(?:\.\d{1,3})?)s$|^(\d+)ms$")


@pytest.fixture(scope="module")
def srv(module_sluice):
    s = module_sluice(start=False)
    for name, text in POLICIES.items():
        write_text(s.policies_dir / f"{name}.yaml", text)
    s.start()
    for name in POLICIES:
        s.wait_for_log(rf"loaded policy file=\S*/{name}\.yaml policy={name}\b", timeout=5)
    return s


def make_key(srv, policy: str | None, *, rpm: int | None = None, tpm: int | None = None,
             concurrency: int | None = None, name: str | None = None) -> str:
    """`sluice keys create --json` with the per-key limit flags; returns the full key."""
    name = name or unique_name("pol")
    args = ["keys", "create", "--name", name]
    if policy is not None:
        args += ["--policy", policy]
    for flag, value in (("--rpm", rpm), ("--tpm", tpm), ("--concurrency", concurrency)):
        if value is not None:
            args += [flag, str(value)]
    info = srv.cli_json(*args)
    srv.keys[name] = info
    return info["key"]


def body(proto, text: str = "hi", *, stream: bool = False, max_tokens: int = 64, **extra: Any) -> dict[str, Any]:
    """The same request on either front (max_tokens set on both, so cache keys can match)."""
    b = {"model": MODEL, "max_tokens": max_tokens, "messages": [{"role": "user", "content": text}]}
    if stream:
        b["stream"] = True
    b.update(extra)
    return b


def post(proto, srv, key, b, *, headers: dict[str, str] | None = None, stream: bool = False, timeout=15.0):
    return proto.post(srv, key, body=b, stream=stream, headers=headers, timeout=timeout)


def rl_headers(r, kind: str) -> dict[str, str]:
    """The rate-limit headers of one kind ("requests" or "tokens") in both spellings, checked to agree."""
    a = {n: r.headers.get(f"anthropic-ratelimit-{kind}-{n}") for n in RL_NAMES}
    o = {n: r.headers.get(f"x-ratelimit-{n}-{kind}") for n in RL_NAMES}
    assert a["limit"] is not None and o["limit"] is not None, f"no {kind} rate-limit headers\n{describe(r)}"
    assert a["limit"] == o["limit"] and a["remaining"] == o["remaining"], describe(r)
    return {"limit": a["limit"], "remaining": a["remaining"], "reset_at": a["reset"], "reset_in": o["reset"]}


def go_seconds(text: str) -> float:
    m = GO_DURATION.match(text)
    assert m, f"not a Go duration: {text!r}"
    if m.group(4) is not None:
        return int(m.group(4)) / 1000
    return int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3))


def rfc3339(text: str) -> datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text), f"not an RFC 3339 UTC time: {text!r}"
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def retry_after(r) -> tuple[int, int]:
    ra, ra_ms = r.headers.get("retry-after"), r.headers.get("retry-after-ms")
    assert ra is not None and ra.isdigit(), f"retry-after {ra!r}\n{describe(r)}"
    assert ra_ms is not None and ra_ms.isdigit(), f"retry-after-ms {ra_ms!r}\n{describe(r)}"
    ra_i, ms = int(ra), int(ra_ms)
    assert ra_i > 0 and ms > 0, describe(r)
    assert (ra_i - 1) * 1000 < ms <= ra_i * 1000, f"retry-after {ra_i} s and retry-after-ms {ms} disagree"
    return ra_i, ms


def assert_429(proto, r, message: str, *, code: str = "rate_limit_exceeded") -> None:
    if proto.is_anthropic:
        got = assert_anthropic_error(r, 429, "rate_limit_error")
    else:
        got = assert_openai_error(r, 429, "insufficient_quota" if code == "insufficient_quota" else "rate_limit_error", code)
    assert got == message, describe(r)


def action_counts(srv) -> dict[tuple[str, str], float]:
    r = srv.get("/metrics", auth=None)
    assert r.status_code == 200, describe(r)
    return {(lab["stage"], lab["action"]): v for name, lab, v in parse_prometheus(r.text)
            if name == "sluice_policy_actions_total"}


def wait_for_action(srv, stage: str, action: str, at_least: float, timeout: float = 5.0) -> None:
    got, _ = poll(lambda: action_counts(srv).get((stage, action), 0) >= at_least, timeout)
    assert got, (f"sluice_policy_actions_total{{stage={stage!r},action={action!r}}} never reached {at_least}: "
                 f"{action_counts(srv)}")


def anthropic_text(r) -> str:
    assert r.status_code == 200, describe(r)
    return "".join(b.get("text", "") for b in r.json()["content"] if b["type"] == "text")


def reply_text(proto, r) -> str:
    assert r.status_code == 200, describe(r)
    if proto.is_anthropic:
        return anthropic_text(r)
    return r.json()["choices"][0]["message"]["content"]


# --------------------------------------------------------------------------
# Rate limits
# --------------------------------------------------------------------------


@proto_param
def test_the_request_after_the_rpm_limit_gets_429_with_retry_headers(srv, mock, proto):
    key = make_key(srv, "rl3")
    for i, remaining in enumerate((2, 1, 0), start=1):
        t0 = datetime.now(timezone.utc)
        stream = i == 2  # the headers come with a stream too
        r = post(proto, srv, key, body(proto, stream=stream), stream=stream)
        assert r.status_code == 200, describe(r)
        if stream:
            assert proto.stream_text(iter_sse(r)) == ("Hello from mock", True)
        h = rl_headers(r, "requests")
        assert (h["limit"], h["remaining"]) == ("3", str(remaining)), f"request {i}: {h}"
        # The bucket refills 3 a minute: it is whole again 20 s per request spent.
        assert 20 * i - 1 < go_seconds(h["reset_in"]) <= 20 * i, h
        reset_at = rfc3339(h["reset_at"])
        assert t0 + timedelta(seconds=20 * i - 2) <= reset_at <= t0 + timedelta(seconds=20 * i + 2), h
    assert r.headers.get("anthropic-ratelimit-tokens-limit") is None, "no token limit in this policy"
    assert len(mock.model_requests()) == 3

    for stream in (False, True):
        r = post(proto, srv, key, body(proto, stream=stream), stream=stream)
        assert_429(proto, r, "rate limit exceeded: 3 requests per minute")
        ra, ms = retry_after(r)
        assert ra == 20 and 19_000 < ms <= 20_000, (ra, ms)  # one request refills in 60/3 s
        h = rl_headers(r, "requests")
        assert (h["limit"], h["remaining"]) == ("3", "0"), h
        assert r.headers.get("x-should-retry") == "true", describe(r)
    assert len(mock.model_requests()) == 3, "a refused request must not reach the upstream"


def test_a_keys_own_rpm_overrides_the_policy_both_ways(srv, mock):
    more = make_key(srv, "rl3", rpm=5)
    for remaining in (4, 3, 2, 1, 0):
        r = post(OPENAI, srv, more, body(OPENAI))
        assert r.status_code == 200, describe(r)
        assert rl_headers(r, "requests")["limit"] == "5" and rl_headers(r, "requests")["remaining"] == str(remaining)
    r = post(OPENAI, srv, more, body(OPENAI))
    assert_429(OPENAI, r, "rate limit exceeded: 5 requests per minute")
    assert retry_after(r)[0] == 12  # 60/5 s

    fewer = make_key(srv, "rl3", rpm=1)
    r = post(ANTHROPIC, srv, fewer, body(ANTHROPIC))
    assert r.status_code == 200, describe(r)
    assert (rl_headers(r, "requests")["limit"], rl_headers(r, "requests")["remaining"]) == ("1", "0")
    r = post(ANTHROPIC, srv, fewer, body(ANTHROPIC))
    assert_429(ANTHROPIC, r, "rate limit exceeded: 1 requests per minute")
    assert retry_after(r)[0] == 60
    assert len(mock.model_requests()) == 6


def _slow_text_stream(pieces: list[str], delay: float = 0.25):
    return slow_stream(openai_sse(openai_stream_chunks(pieces, usage=openai_usage(9, len(pieces)))), delay=delay)


def _read_until_text(proto, frames) -> str:
    """Consume SSE frames until the first text delta arrives; returns it."""
    for f in frames:
        text, _ = proto.stream_text([f]) if f["data"] != "[DONE]" else ("", True)
        if text:
            return text
    raise AssertionError("the stream ended before any text")


def test_concurrency_limit_refuses_a_second_request_while_a_stream_is_in_flight(srv, mock):
    key = make_key(srv, "conc1")
    pieces = ["one ", "two ", "three ", "four"]
    mock.enqueue(_slow_text_stream(pieces))
    first = post(ANTHROPIC, srv, key, body(ANTHROPIC, stream=True), stream=True)
    assert first.status_code == 200, describe(first)
    frames = iter_sse(first)
    assert _read_until_text(ANTHROPIC, frames) == "one "

    r = post(OPENAI, srv, key, body(OPENAI))
    assert_429(OPENAI, r, "too many concurrent requests: this key may run 1 at a time")
    assert retry_after(r) == (1, 1000)
    r = post(ANTHROPIC, srv, key, body(ANTHROPIC, stream=True), stream=True)
    assert_429(ANTHROPIC, r, "too many concurrent requests: this key may run 1 at a time")
    assert len(mock.model_requests()) == 1

    rest, terminal = ANTHROPIC.stream_text(frames)
    assert (rest, terminal) == ("two three four", True)
    first.close()
    # The slot is freed when the stream ends: the next request passes (allowing the server a
    # moment to settle after the last byte).
    r, elapsed = poll(lambda: (lambda x: x if x.status_code == 200 else None)(post(OPENAI, srv, key, body(OPENAI))),
                      timeout=1.0, interval=0.05)
    assert r is not None, "the concurrency slot was not freed after the stream ended"
    OPENAI.assert_ok(r)
    assert len(mock.model_requests()) == 2


def test_a_stream_the_client_abandons_frees_its_concurrency_slot(srv, mock):
    key = make_key(srv, "conc1")
    mock.enqueue(_slow_text_stream(["a ", "b ", "c ", "d ", "e ", "f ", "g ", "h"], delay=0.3))
    first = post(OPENAI, srv, key, body(OPENAI, stream=True), stream=True)
    assert _read_until_text(OPENAI, iter_sse(first)) == "a "
    first.close()
    assert mock.wait_for_disconnect(5), "the upstream stream was not cancelled when the client left"
    r, _ = poll(lambda: (lambda x: x if x.status_code == 200 else None)(post(ANTHROPIC, srv, key, body(ANTHROPIC))),
                timeout=3.0, interval=0.1)
    assert r is not None, "an abandoned stream kept its concurrency slot"
    ANTHROPIC.assert_ok(r)


def test_token_reservation_is_settled_to_the_usage_the_upstream_reported(srv, mock):
    key = make_key(srv, "tpm600")
    mock.enqueue(JSONResponse(openai_text("big", usage=openai_usage(150, 50))),
                 JSONResponse(openai_text("small", usage=openai_usage(1, 1))))
    t0 = time.monotonic()
    r1 = post(ANTHROPIC, srv, key, body(ANTHROPIC, "hi", max_tokens=64))
    assert anthropic_text(r1) == "big"
    h1 = rl_headers(r1, "tokens")
    # Reserved: the input estimate of "hi" (8) plus max_tokens (64).
    assert (h1["limit"], h1["remaining"]) == ("600", str(600 - 72)), h1
    assert r1.headers.get("anthropic-ratelimit-requests-limit") is None

    r2 = post(ANTHROPIC, srv, key, body(ANTHROPIC, "hi", max_tokens=64))
    elapsed = time.monotonic() - t0
    assert anthropic_text(r2) == "small"
    remaining2 = int(rl_headers(r2, "tokens")["remaining"])
    # The first reservation (72) was replaced by the real usage (200); the second reserves 72
    # again. The bucket refills 10 tokens a second in between.
    expected = 600 - 200 - 72
    assert expected <= remaining2 <= expected + int(elapsed * 10) + 1, (remaining2, expected, elapsed)

    r3 = post(ANTHROPIC, srv, key, body(ANTHROPIC, "hi", max_tokens=1000))
    assert_429(ANTHROPIC, r3, "rate limit exceeded: 600 tokens per minute (this request needs about 600)")
    ra, _ = retry_after(r3)
    # 600 needed; 600 - 200 - 2 = 398 left once the second request settled (at 2 tokens), and the
    # bucket refills 10 a second: about 20.2 s.
    assert 20 <= ra <= 21, ra
    assert len(mock.model_requests()) == 2


def test_a_daily_token_quota_survives_a_restart(sluice, mock):
    now = datetime.now(timezone.utc)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    if (midnight - now).total_seconds() < 60:
        pytest.skip("too close to midnight UTC: the daily quota is about to reset")
    srv = sluice(start=False)
    write_text(srv.policies_dir / "quota.yaml", "stages: [rate_limit]\nrate_limit: {daily_tokens: 1000}\n")
    srv.start()
    key = make_key(srv, "quota")
    mock.enqueue(JSONResponse(openai_text("spent", usage=openai_usage(900, 95))))
    r = post(ANTHROPIC, srv, key, body(ANTHROPIC, "hi", max_tokens=64))
    assert anthropic_text(r) == "spent"

    assert srv.stop() == 0
    srv.start()
    # 995 used; the next request needs about 72 more than the 1000 allowed.
    message = "daily token quota of 1000 exhausted (this request needs about 72); it resets at 00:00 UTC"
    r = post(OPENAI, srv, key, body(OPENAI, "hi", max_tokens=64))
    assert_429(OPENAI, r, message, code="insufficient_quota")
    ra, _ = retry_after(r)
    until_midnight = (midnight - datetime.now(timezone.utc)).total_seconds()
    assert abs(ra - until_midnight) <= 5, (ra, until_midnight)
    r = post(ANTHROPIC, srv, key, body(ANTHROPIC, "hi", max_tokens=64, stream=True), stream=True)
    assert_429(ANTHROPIC, r, message)
    assert len(mock.model_requests()) == 1


# --------------------------------------------------------------------------
# Response cache
# --------------------------------------------------------------------------


@proto_param
def test_a_second_identical_request_is_answered_from_the_cache(srv, mock, proto):
    key = make_key(srv, "cached")
    b = body(proto, f"cache me {unique_name()}")
    mock.enqueue(JSONResponse(openai_text("Cached answer.", usage=openai_usage(12, 3))))
    r1 = post(proto, srv, key, b)
    assert reply_text(proto, r1) == "Cached answer."
    assert r1.headers.get("x-sluice-cache") == "miss", describe(r1)
    assert r1.headers.get("x-sluice-backend") == "upstream"

    r2 = post(proto, srv, key, b)
    assert reply_text(proto, r2) == "Cached answer."
    assert r2.headers.get("x-sluice-cache") == "hit", describe(r2)
    assert r2.headers.get("x-sluice-backend") == "cache", describe(r2)
    assert len(mock.model_requests()) == 1, "the hit reached the upstream"
    one, two = r1.json(), r2.json()
    assert one["id"] != two["id"], "every hit gets a fresh id"
    for d in (one, two):
        d.pop("id")
        d.pop("created", None)
    assert one == two
    name = next(n for n, info in srv.keys.items() if info["key"] == key)
    # Usage is written in batches off the request path: allow it a moment.
    rows, _ = poll(lambda: (lambda rs: rs if rs and rs[0]["requests"] == 2 else None)(
        srv.cli_json("usage", "--key", name)), timeout=3.0, interval=0.1)
    assert rows is not None, srv.cli_json("usage", "--key", name)
    (row,) = rows
    assert (row["requests"], row["errors"], row["cache_hits"]) == (2, 0, 1), row


def test_streamed_tool_calls_replay_from_the_cache_into_the_same_message(srv, mock):
    key = make_key(srv, "cached")
    client = srv.anthropic(key)
    calls = [{"id": "call_lookup_1", "name": "lookup", "arguments": {"q": "Zürich ☀", "n": 3, "deep": {"x": [1, 2]}}},
             {"id": "call_time_2", "name": "clock", "arguments": {"zone": "UTC"}}]
    mock.enqueue(openai_stream(openai_stream_chunks("Let me look that up.", tool_calls=calls,
                                                    usage=openai_usage(30, 12)), split="hostile"))
    tools = [{"name": "lookup", "description": "search", "input_schema": {"type": "object", "properties": {
        "q": {"type": "string"}, "n": {"type": "integer"}, "deep": {"type": "object"}}}},
             {"name": "clock", "input_schema": {"type": "object", "properties": {"zone": {"type": "string"}}}}]
    msgs = [{"role": "user", "content": f"look it up {unique_name()}"}]
    before = action_counts(srv).get(("cache", "store"), 0)

    with client.messages.stream(model=MODEL, max_tokens=200, messages=msgs, tools=tools) as s:
        first = s.get_final_message()
        assert s.response.headers.get("x-sluice-cache") == "miss"
    wait_for_action(srv, "cache", "store", before + 1)
    with client.messages.stream(model=MODEL, max_tokens=200, messages=msgs, tools=tools) as s:
        second = s.get_final_message()
        assert s.response.headers.get("x-sluice-cache") == "hit"
    assert len(mock.model_requests()) == 1, "the cached stream reached the upstream"

    dump = lambda m: [b.model_dump(exclude_none=True) for b in m.content]  # noqa: E731
    assert dump(first) == [
        {"type": "text", "text": "Let me look that up."},
        {"type": "tool_use", "id": "call_lookup_1", "name": "lookup", "input": calls[0]["arguments"]},
        {"type": "tool_use", "id": "call_time_2", "name": "clock", "input": calls[1]["arguments"]},
    ]
    assert dump(second) == dump(first)
    assert (second.stop_reason, first.stop_reason) == ("tool_use", "tool_use")
    assert second.model == first.model and second.id != first.id

    # The raw replayed stream is well formed, and an OpenAI client asking the same gets the same calls.
    r = post_json(srv, "/v1/messages", key, {"model": MODEL, "max_tokens": 200, "messages": msgs, "tools": tools,
                                             "stream": True}, stream=True)
    assert r.headers.get("x-sluice-cache") == "hit"
    blocks = check_anthropic_stream(anthropic_sse_events(r))
    assert [json.loads(block_text(b)) for b in blocks[1:]] == [c["arguments"] for c in calls]
    oa_tools = [{"type": "function", "function": {"name": t["name"], **({"description": t["description"]}
                 if "description" in t else {}), "parameters": t["input_schema"]}} for t in tools]
    r = post_json(srv, "/v1/chat/completions", key, {"model": MODEL, "max_tokens": 200, "messages": msgs,
                                                     "tools": oa_tools, "stream": True}, stream=True)
    assert r.headers.get("x-sluice-cache") == "hit", describe(r)
    acc = accumulate_openai_chunks(json.loads(d) for d in openai_sse_data(r) if d != "[DONE]")
    assert acc["content"] == "Let me look that up." and acc["finish_reason"] == "tool_calls"
    assert [(t["id"], t["name"], json.loads(t["arguments"])) for t in acc["tool_calls"].values()] == \
        [(c["id"], c["name"], c["arguments"]) for c in calls]
    assert len(mock.model_requests()) == 1


def test_a_cache_filled_through_the_openai_front_serves_the_anthropic_front(srv, mock):
    key = make_key(srv, "cached")
    text = f"shared across fronts {unique_name()}"
    mock.enqueue(openai_stream(openai_stream_chunks("From OpenAI.", usage=openai_usage(7, 3))))
    r = post(OPENAI, srv, key, body(OPENAI, text, max_tokens=64))
    assert reply_text(OPENAI, r) == "From OpenAI." and r.headers.get("x-sluice-cache") == "miss"
    r = post(ANTHROPIC, srv, key, body(ANTHROPIC, text, max_tokens=64))
    assert r.headers.get("x-sluice-cache") == "hit", describe(r)
    assert anthropic_text(r) == "From OpenAI."
    assert r.json()["stop_reason"] == "end_turn"
    r = post(ANTHROPIC, srv, key, body(ANTHROPIC, text, max_tokens=64, stream=True), stream=True)
    assert r.headers.get("x-sluice-cache") == "hit", describe(r)
    assert ANTHROPIC.stream_text(iter_sse(r)) == ("From OpenAI.", True)
    assert len(mock.model_requests()) == 1


def test_an_interrupted_stream_is_not_cached(srv, mock):
    key = make_key(srv, "cached")
    b = body(OPENAI, f"interrupted {unique_name()}", stream=True)
    misses = action_counts(srv).get(("cache", "miss"), 0)
    stores = action_counts(srv).get(("cache", "store"), 0)
    mock.enqueue(_slow_text_stream(["part ", "of ", "an ", "answer ", "never ", "finished"], delay=0.3))
    r = post(OPENAI, srv, key, b, stream=True)
    assert r.headers.get("x-sluice-cache") == "miss"
    assert _read_until_text(OPENAI, iter_sse(r)) == "part "
    r.close()
    assert mock.wait_for_disconnect(5), "the upstream stream was not cancelled when the client left"
    wait_for_action(srv, "cache", "miss", misses + 1)  # the interrupted request has finished

    mock.enqueue(openai_stream(openai_stream_chunks("Whole answer.", usage=openai_usage(5, 2))))
    r = post(OPENAI, srv, key, b, stream=True)
    assert r.headers.get("x-sluice-cache") == "miss", "an interrupted stream was cached"
    assert OPENAI.stream_text(iter_sse(r)) == ("Whole answer.", True)
    assert len(mock.model_requests()) == 2
    wait_for_action(srv, "cache", "store", stores + 1)
    assert action_counts(srv).get(("cache", "store"), 0) == stores + 1, "only the complete stream is stored"


def test_cache_scope_key_keeps_keys_apart_and_scope_shared_does_not(srv, mock):
    text = f"scoped {unique_name()}"
    a, b = make_key(srv, "cached"), make_key(srv, "cached")
    r = post(ANTHROPIC, srv, a, body(ANTHROPIC, text))
    assert r.headers.get("x-sluice-cache") == "miss"
    r = post(ANTHROPIC, srv, b, body(ANTHROPIC, text))
    assert r.headers.get("x-sluice-cache") == "miss", "another key's answer was served"
    assert len(mock.model_requests()) == 2
    r = post(ANTHROPIC, srv, a, body(ANTHROPIC, text))
    assert r.headers.get("x-sluice-cache") == "hit"

    c, d = make_key(srv, "cached_shared"), make_key(srv, "cached_shared")
    text = f"shared {unique_name()}"
    r = post(OPENAI, srv, c, body(OPENAI, text))
    assert r.headers.get("x-sluice-cache") == "miss"
    r = post(OPENAI, srv, d, body(OPENAI, text))
    assert r.headers.get("x-sluice-cache") == "hit", describe(r)
    OPENAI.assert_ok(r)
    assert len(mock.model_requests()) == 3


@proto_param
def test_cache_control_no_cache_bypasses_the_lookup_and_refreshes_the_entry(srv, mock, proto):
    key = make_key(srv, "cached")
    b = body(proto, f"bypass {unique_name()}")
    mock.enqueue(JSONResponse(openai_text("old answer")), JSONResponse(openai_text("new answer")))
    r = post(proto, srv, key, b)
    assert (reply_text(proto, r), r.headers.get("x-sluice-cache")) == ("old answer", "miss")
    r = post(proto, srv, key, b, headers={"cache-control": "no-cache"})
    assert (reply_text(proto, r), r.headers.get("x-sluice-cache")) == ("new answer", "bypass")
    assert len(mock.model_requests()) == 2
    r = post(proto, srv, key, b)
    assert (reply_text(proto, r), r.headers.get("x-sluice-cache")) == ("new answer", "hit")
    assert len(mock.model_requests()) == 2


def test_a_policy_without_the_cache_stage_sends_no_cache_header(srv, mock):
    key = make_key(srv, "open")
    r = post(ANTHROPIC, srv, key, body(ANTHROPIC))
    assert r.status_code == 200 and "x-sluice-cache" not in r.headers, describe(r)


# --------------------------------------------------------------------------
# Reload
# --------------------------------------------------------------------------


def _limit(srv, key) -> str | None:
    r = post(ANTHROPIC, srv, key, body(ANTHROPIC))
    return r.headers.get("anthropic-ratelimit-requests-limit")


def _write_rpm(path, rpm) -> None:
    write_text(path, f"# a policy under test\nstages: [rate_limit]\nrate_limit:\n  requests_per_minute: {rpm}\n")


def test_a_saved_policy_applies_without_a_signal_and_sighup_applies_at_once(sluice, mock):
    srv = sluice(start=False)
    path = srv.policies_dir / "live.yaml"
    _write_rpm(path, 100)
    srv.start()
    key = make_key(srv, "live")
    assert _limit(srv, key) == "100"

    # Saved: the 2 s poll picks it up.
    _write_rpm(path, 90)
    got, elapsed = poll(lambda: _limit(srv, key) == "90", timeout=4.0, interval=0.05)
    assert got, f"the saved policy did not apply within 4 s (limit {_limit(srv, key)})"
    # A poll just ran: the next one is ~2 s away, so a change that applies well before then
    # was applied by the signal.
    _write_rpm(path, 8)
    t0 = time.monotonic()
    srv.send_signal(signal.SIGHUP)
    got, elapsed = poll(lambda: _limit(srv, key) == "8", timeout=1.0, interval=0.05)
    assert got, f"SIGHUP did not reload the policy within 1 s (limit {_limit(srv, key)})"
    assert time.monotonic() - t0 < 1.5
    assert srv.running, "SIGHUP stopped the server"
    assert srv.log().count("loaded policy file=") >= 3


def test_sighup_reloads_a_file_whose_size_and_modification_time_did_not_change(sluice, mock):
    srv = sluice(start=False)
    path = srv.policies_dir / "live.yaml"
    _write_rpm(path, 50)
    srv.start()
    key = make_key(srv, "live")
    assert _limit(srv, key) == "50"

    before = os.stat(path)
    _write_rpm(path, 60)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (os.stat(path).st_size, os.stat(path).st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    srv.send_signal(signal.SIGHUP)
    got, _ = poll(lambda: _limit(srv, key) == "60", timeout=1.5, interval=0.05)
    assert got, f"SIGHUP did not reload an edit that kept size and time (limit {_limit(srv, key)})"


def test_a_yaml_syntax_error_is_logged_on_one_line_with_its_line_and_column(sluice, mock):
    srv = sluice(start=False)
    path = srv.policies_dir / "live.yaml"
    _write_rpm(path, 5)
    srv.start()
    write_text(path, "stages: [content]\ncontent: [\n")
    srv.send_signal(signal.SIGHUP)
    m = srv.wait_for_log(r"policy file rejected; the previous version stays in force column=(\d+) file=(\S+) line=(\d+) "
                         r"reason=\"(invalid YAML: [^\"\n]+)\"\n", timeout=5)
    assert m.group(2) == str(path) and int(m.group(3)) in (2, 3) and int(m.group(1)) >= 1, m.group(0)


def test_an_invalid_policy_file_is_rejected_with_its_line_and_the_old_version_stays(sluice, mock):
    srv = sluice(start=False)
    path = srv.policies_dir / "live.yaml"
    _write_rpm(path, 5)
    srv.start()
    key = make_key(srv, "live")
    assert _limit(srv, key) == "5"

    write_text(path, "# a policy under test\nstages: [rate_limit]\nrate_limit:\n  requests_per_minute: -7\n")
    srv.send_signal(signal.SIGHUP)
    m = srv.wait_for_log(r"policy file rejected; the previous version stays in force file=(\S+) line=(\d+) "
                         r"reason=\"([^\"]*)\"", timeout=5)
    assert m.group(1) == str(path) and m.group(2) == "4", m.group(0)
    assert m.group(3) == "rate_limit.requests_per_minute: expected a positive integer or null", m.group(0)
    assert _limit(srv, key) == "5", "the rejected version was applied"
    time.sleep(2.3)  # past a poll: a broken file is reported once, not on every poll
    assert srv.log().count("policy file rejected") == 1 + srv.log().count("default.yaml line="), srv.log()[-2000:]
    assert _limit(srv, key) == "5"

    write_text(path, "stages: [rate_limit, shout]\nrate_limit: {requests_per_minute: 6}\n")
    srv.send_signal(signal.SIGHUP)
    m = srv.wait_for_log(r"policy file rejected; the previous version stays in force file=\S+live\.yaml line=1 "
                         r"reason=\"unknown stage 'shout'", timeout=5)
    assert _limit(srv, key) == "5"

    _write_rpm(path, 6)
    srv.send_signal(signal.SIGHUP)
    got, _ = poll(lambda: _limit(srv, key) == "6", timeout=3.0, interval=0.1)
    assert got, "a fixed file was not loaded"


@proto_param
def test_a_key_whose_policy_does_not_exist_is_refused_403(srv, mock, proto):
    key = make_key(srv, "no-such-policy")

    def refused(r) -> str:
        if proto.is_anthropic:
            return assert_anthropic_error(r, 403, "permission_error")
        return assert_openai_error(r, 403, "permission_error", ANY)  # the code is not pinned here

    msg = refused(post(proto, srv, key, body(proto)))
    assert msg == "this key's policy 'no-such-policy' is not loaded; ask the admin to check policies/no-such-policy.yaml"
    assert refused(post(proto, srv, key, body(proto, stream=True), stream=True)) == msg
    assert mock.model_requests() == []


def test_a_default_policy_that_does_not_load_refuses_requests_instead_of_failing_open(sluice, mock):
    srv = sluice(start=False)
    (srv.policies_dir / "default.yaml").write_text("stages: [pii]\npii:\n  detectors:\n    email: shout\n")
    srv.start()
    srv.wait_for_log(r"policy file rejected file=\S+default\.yaml line=4 ", timeout=5)
    srv.wait_for_log(r"the default policy file was rejected: requests of keys without a policy are refused \(403\) "
                     r"until it is fixed", timeout=5)
    assert "run with no policy stages" not in srv.log()
    key = srv.create_key()
    planted = "AKIAIOSFODNN7EXAMPLE"
    for proto in (ANTHROPIC, OPENAI):
        r = post(proto, srv, key, body(proto, text=f"my key is {planted}"))
        if proto.is_anthropic:
            message = assert_anthropic_error(r, 403, "permission_error")
        else:
            message = assert_openai_error(r, 403, "permission_error", "policy_unavailable")
        assert message == "the default policy 'default' failed to load; ask the admin to run sluice policies check"
    assert mock.model_requests() == []


def test_without_a_default_policy_file_the_start_up_warning_says_requests_run_with_no_stages(sluice, mock):
    srv = sluice(start=False)
    (srv.policies_dir / "default.yaml").unlink()
    srv.start()
    srv.wait_for_log(r"the default policy file is missing: keys without a policy run with no policy stages", timeout=5)
    assert "refused (403)" not in srv.log()
    mock.enqueue(JSONResponse(openai_text("unchecked")))
    assert anthropic_text(post(ANTHROPIC, srv, srv.create_key(), body(ANTHROPIC))) == "unchecked"


# --------------------------------------------------------------------------
# The policies and usage commands, metrics
# --------------------------------------------------------------------------


def test_policies_list_and_show_in_json_and_plain(srv):
    rows = srv.cli_json("policies", "list", "--config", srv.config_path)
    by_name = {row["name"]: row for row in rows}
    assert set(POLICIES) | {"default"} <= set(by_name), rows
    for name, text in POLICIES.items():
        stages = re.search(r"stages: \[(.*)\]", text).group(1).split(", ")
        assert by_name[name] == {"name": name, "file": str(srv.policies_dir / f"{name}.yaml"), "default": False,
                                 "stages": stages, "valid": True}, by_name[name]
    assert by_name["default"]["default"] is True

    plain = srv.cli("policies", "list", "--config", srv.config_path).stdout
    lines = plain.splitlines()
    assert lines[0].split() == ["NAME", "STAGES", "FILE", "STATUS"], plain
    row = next(l for l in lines if l.startswith("rl_cache "))
    assert row.split() == ["rl_cache", "rate_limit", "→", "cache", str(srv.policies_dir / "rl_cache.yaml"), "ok"], row
    assert any(l.startswith("default (default) ") for l in lines), plain

    shown = srv.cli_json("policies", "show", "rl_cache", "--config", srv.config_path)
    assert shown == {"name": "rl_cache", "file": str(srv.policies_dir / "rl_cache.yaml"),
                     "stages": ["rate_limit", "cache"],
                     "settings": {"rate_limit": {"requests_per_minute": 2}, "cache": {"enabled": True}}}
    plain = srv.cli("policies", "show", "rl_cache", "--config", srv.config_path).stdout
    assert plain.splitlines() == [f"policy rl_cache ({srv.policies_dir / 'rl_cache.yaml'})",
                                  "stages: rate_limit → cache",
                                  'rate_limit: {"requests_per_minute":2}',
                                  'cache: {"enabled":true}'], plain
    cp = srv.cli("policies", "show", "nope", "--config", srv.config_path, check=False)
    assert cp.returncode == 1 and cp.stdout == "", cp
    assert cp.stderr.startswith("sluice: no policy named 'nope' in ") and cp.stderr.count("\n") == 1, cp.stderr


def test_policies_check_names_file_and_line_and_exits_1(srv, tmp_path):
    good = write_text(tmp_path / "good.yaml", POLICIES["rl_cache"])
    bad = write_text(tmp_path / "bad.yaml", "# comment\nstages: [rate_limit]\nrate_limit:\n  concurrency: 0\n")
    unknown = write_text(tmp_path / "unknown.yaml", "stages: [rate_limit, shout]\n")
    cp = srv.cli("policies", "check", good, check=False, database=False)
    assert (cp.returncode, cp.stdout, cp.stderr) == (0, f"{good}: ok\n", ""), cp

    cp = srv.cli("policies", "check", good, bad, unknown, check=False, database=False)
    assert cp.returncode == 1, cp
    lines = cp.stdout.splitlines()
    assert lines[:2] == [f"{good}: ok", f"{bad}:4: rate_limit.concurrency: expected a positive integer or null"], lines
    assert len(lines) == 3, lines
    m = re.fullmatch(re.escape(f"{unknown}:1: unknown stage 'shout' (stages: ") + r"([a-z_, ]+)\)", lines[2])
    assert m and {"cache", "rate_limit"} <= set(m.group(1).split(", ")), lines[2]
    assert cp.stderr == "", f"stray error output on stderr: {cp.stderr!r}"

    syntax = write_text(tmp_path / "syntax.yaml", "stages: [content]\ncontent: [\n")
    cp = srv.cli("policies", "check", syntax, check=False, database=False)
    assert cp.returncode == 1, cp
    assert re.fullmatch(re.escape(str(syntax)) + r":[23]:\d+: invalid YAML: [^\n]+\n", cp.stdout), cp.stdout
    (row,) = srv.cli_json("policies", "check", syntax, check=False, database=False)
    assert row["line"] in (2, 3) and row["column"] >= 1 and "\n" not in row["error"], row

    cp = srv.cli("policies", "check", "--json", good, bad, check=False, database=False)
    assert cp.returncode == 1, cp
    assert json.loads(cp.stdout) == [
        {"file": str(good), "valid": True},
        {"file": str(bad), "valid": False, "line": 4, "error": "rate_limit.concurrency: expected a positive integer or null"},
    ]
    assert cp.stderr == "", f"stray error output on stderr: {cp.stderr!r}"


def test_a_yaml_syntax_error_in_the_configuration_is_one_line_with_its_line_and_column(srv, tmp_path):
    broken = write_text(tmp_path / "sluice.yaml", "database: x.sqlite\nbackends: [\n")
    cp = srv.cli("policies", "list", "--config", broken, check=False)
    assert cp.returncode != 0, cp
    assert re.fullmatch(r"sluice: " + re.escape(str(broken)) + r":[23]:\d+: invalid YAML: [^\n]+\n", cp.stderr), cp.stderr


def policies_test(srv, name: str, text: str, *flags: str):
    """`sluice policies test NAME` with `text` on stdin (the harness's cli() takes no stdin)."""
    cp = run_sluice(["policies", "test", name, *flags, "--config", srv.config_path], env=srv.env(), cwd=srv.workdir,
                    input=text)
    srv.collect_keys(cp.stdout + cp.stderr)
    return cp


def test_policies_test_prints_what_goes_upstream_and_exits_1_when_refused(srv):
    cp = policies_test(srv, "open", "hello there\n")
    assert (cp.returncode, cp.stdout) == (0, "hello there\nfound: nothing\n"), cp
    cp = policies_test(srv, "cached", "hello", "--json")
    assert cp.returncode == 0, cp
    assert json.loads(cp.stdout) == {"policy": "cached", "refused": False, "reason": None, "upstream": "hello",
                                     "found": ["cache:miss"]}

    reason = "daily token quota of 1 exhausted (this request needs about 4105); it resets at 00:00 UTC"
    cp = policies_test(srv, "tiny_quota", "hello\n")
    assert cp.returncode == 1, cp
    assert cp.stdout == f"refused: {reason}\nfound: rate_limit:refused\n", cp.stdout
    assert cp.stderr == "", f"stray error output on stderr: {cp.stderr!r}"
    cp = policies_test(srv, "tiny_quota", "hello\n", "--json")
    assert cp.returncode == 1, cp
    assert json.loads(cp.stdout) == {"policy": "tiny_quota", "refused": True, "reason": reason, "upstream": None,
                                     "found": ["rate_limit:refused"]}


def test_usage_command_reports_requests_errors_and_the_tokens_the_upstream_reported(srv, mock):
    name = unique_name("usage")
    key = make_key(srv, "open", rpm=3, name=name)
    mock.enqueue(openai_stream(openai_stream_chunks("one", usage=openai_usage(11, 7))),
                 openai_stream(openai_stream_chunks("two", usage=openai_usage(20, 5, cached_tokens=4))),
                 openai_stream(openai_stream_chunks("three", usage=openai_usage(3, 2))))
    assert anthropic_text(post(ANTHROPIC, srv, key, body(ANTHROPIC, "a"))) == "one"
    OPENAI.assert_ok(post(OPENAI, srv, key, body(OPENAI, "b")), "two")
    r = post(ANTHROPIC, srv, key, body(ANTHROPIC, "c", stream=True), stream=True)
    assert ANTHROPIC.stream_text(iter_sse(r)) == ("three", True)
    assert_429(OPENAI, post(OPENAI, srv, key, body(OPENAI, "d")), "rate limit exceeded: 3 requests per minute")

    expected = {"key": name, "model": MODEL, "requests": 4, "errors": 1, "input_tokens": 11 + 16 + 3,
                "output_tokens": 7 + 5 + 2, "cache_read_input_tokens": 4, "cache_hits": 0, "cost_usd": 0}
    rows, _ = poll(lambda: (lambda rs: rs if rs and rs[0]["requests"] == 4 else None)(
        srv.cli_json("usage", "--key", name)), timeout=3.0, interval=0.1)
    assert rows == [expected], srv.cli_json("usage", "--key", name)
    assert expected in srv.cli_json("usage", "--since", "1h")
    plain = srv.cli("usage", "--key", name, "--since", "24h").stdout.splitlines()
    assert plain[0].split() == ["KEY", "MODEL", "REQUESTS", "ERRORS", "INPUT", "OUTPUT", "CACHED", "INPUT", "CACHE",
                                "HITS", "COST"], plain
    # No prices configured: nothing costs anything.
    assert [l.split() for l in plain[1:]] == [[name, MODEL, "4", "1", "30", "14", "4", "0", "$0.00"]], plain
    assert srv.cli_json("usage", "--key", unique_name("nobody")) == []


def test_metrics_count_policy_actions_by_stage_and_action(srv, mock):
    key = make_key(srv, "rl_cache")
    before = action_counts(srv)
    b = body(OPENAI, f"metrics {unique_name()}")
    r = post(OPENAI, srv, key, b)
    assert r.headers.get("x-sluice-cache") == "miss"
    r = post(OPENAI, srv, key, b)
    assert r.headers.get("x-sluice-cache") == "hit"
    assert rl_headers(r, "requests")["remaining"] == "0", "a hit still counts against the request limit"
    r = post(OPENAI, srv, key, b)
    assert_429(OPENAI, r, "rate limit exceeded: 2 requests per minute")
    assert "x-sluice-cache" not in r.headers, "a refused request never reached the cache stage"
    after = action_counts(srv)
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}
    assert {k: v for k, v in delta.items() if v} == {("cache", "miss"): 1, ("cache", "store"): 1,
                                                      ("cache", "hit"): 1, ("rate_limit", "refused"): 1}, delta
    text = srv.get("/metrics", auth=None).text
    assert "# TYPE sluice_policy_actions_total counter" in text
    assert key not in text

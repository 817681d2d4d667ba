"""The `pii` and `content` policy stages through the real server, on both fronts.

What is pinned: under the shipped default policy no planted secret (AWS key, `sk-ant-…` and
`ghp_…` secrets, JWT, PEM private key) nor an SSN or card number reaches the upstream, wherever it
sits in the request (system, user text, tool results, tool_use inputs in the history); with a
policy that turns every detector on and tokenizes emails, the client gets the originals back in
plain and streamed text and in streamed tool-call arguments, also when the upstream cuts a
placeholder or a value across chunks; a value keeps its placeholder from turn to turn; `block`
refuses naming the detector, never the value; a detector that cannot finish (PCRE2's match limit)
refuses the request; content rules refuse requests and cut responses off mid-stream, closing the
upstream; and no secret or key ever reaches the server log.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Iterator
from unittest.mock import ANY

import pytest

from mock_upstream import (
    JSONResponse,
    anthropic_events,
    anthropic_stream,
    anthropic_usage,
    openai_sse,
    openai_stream,
    openai_stream_chunks,
    openai_tool_calls,
    openai_usage,
    parse_sse,
    slow_stream,
)
from protocol_checks import accumulate_openai_chunks, block_text, check_anthropic_stream
from sluice_harness import (
    ANTHROPIC,
    OPENAI,
    PROTOCOLS,
    assert_anthropic_error,
    assert_openai_error,
    backend,
    describe,
    parse_prometheus,
    poll,
    route,
    run_sluice,
    unique_name,
    write_text,
)

proto_param = pytest.mark.parametrize("proto", PROTOCOLS, ids=str)
stream_param = pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])

MODEL = "pii-test-model"  # routed to an OpenAI-type backend
ANTH_MODEL = "anth-pii-model"  # routed to an Anthropic-type backend (the request goes on natively)

# Planted secrets, one of each default type, and the two redacted kinds.
AWS = "AKIAIOSFODNN7EXAMPLE"
ANT = "sk-ant-api03-Xy7Qm2Lp9Rt4Vw8Zb3Nc6Hd1Jf5Kg0PsT2uE4iO9aB"
GHP = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0"
       ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
PEM_BODY = ["MIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aumfMqgTlpYvqgvHRsTZ1V2K4x",
            "q9gm0kS7F3yX5aEW2lrXg8fAJHhKbGSqJVnAblq1tQ5QvsR2rWp0u1q8q4v3T2Aw"]
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(PEM_BODY) + "\n-----END RSA PRIVATE KEY-----"
SSN = "123-45-6789"
CARD = "4111 1111 1111 1111"
SECRETS = {"aws": AWS, "anthropic": ANT, "github": GHP, "jwt": JWT, "pem line 1": PEM_BODY[0],
           "pem line 2": PEM_BODY[1], "ssn": SSN, "card": CARD, "card digits": CARD.replace(" ", "")}

JOHN, JANE = "john@example.com", "jane@example.org"

POLICIES = {
    "allpii": """\
stages: [pii]
pii:
  detectors:
    private_key: tokenize
    aws_access_key: tokenize
    provider_secret: tokenize
    jwt: tokenize
    payment_card: redact
    us_ssn: redact
    iban: redact
    email: tokenize
    phone: mask
    ipv4: redact
    ipv6: redact
""",
    "redact_email": "stages: [pii]\npii:\n  detectors: {email: redact}\n",
    "blockpii": "stages: [pii]\npii:\n  detectors: {aws_access_key: block, email: block}\n",
    "backtrack": "stages: [pii]\npii:\n  custom:\n    - {name: runaway, pattern: '(a+)+$', action: redact}\n",
    "pii_cache": """\
stages: [pii, cache]
pii:
  detectors: {email: tokenize}
cache: {enabled: true, scope: shared}
""",
    "content_cache": """\
stages: [content, cache]
content:
  output: [{pattern: 'BEGIN SECRET', message: "Refused."}]
cache: {enabled: true}
""",
    "content_tpm": """\
stages: [rate_limit, content]
rate_limit: {tokens_per_minute: 6000}
content:
  output: [{pattern: 'BEGIN SECRET', message: "Refused."}]
""",
    "content": """\
stages: [content]
content:
  input:
    - words: [project-x]
      message: "Project X may not be discussed."
  output:
    - pattern: 'BEGIN SECRET'
      message: "Refused."
""",
}


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock):
    url = _module_mock.base_url
    s = module_sluice(start=False,
                      backends=[backend("upstream", url, connect_timeout="2s", read_timeout="5s"),
                                backend("anth", url, type="anthropic", connect_timeout="2s", read_timeout="5s")],
                      routes=[route("anth-*", "anth"), route("*", "upstream")])
    for name, text in POLICIES.items():
        write_text(s.policies_dir / f"{name}.yaml", text)
    s.start()
    return s


@pytest.fixture(scope="module")
def keys(srv) -> dict[str | None, str]:
    """One key per policy (None: the default policy)."""
    out: dict[str | None, str] = {None: srv.create_key(unique_name("pii-default"))}
    for name in POLICIES:
        out[name] = srv.create_key(unique_name(f"pii-{name}"), policy=name)
    return out


def post(proto, srv, key, b, *, stream: bool = False, timeout: float = 15.0):
    return proto.post(srv, key, body=b, stream=stream, timeout=timeout)


def body(proto, messages: list[dict[str, Any]], *, stream: bool = False, system: str | None = None,
         model: str = MODEL, **extra: Any) -> dict[str, Any]:
    b: dict[str, Any] = {"model": model, "max_tokens": 200, "messages": messages}
    if system is not None:
        if proto.is_anthropic:
            b["system"] = system
        else:
            b["messages"] = [{"role": "system", "content": system}, *messages]
    if stream:
        b["stream"] = True
    b.update(extra)
    return b


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, tool-call argument strings also parsed and walked."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(v)
            if k == "arguments" and isinstance(v, str):
                try:
                    yield from strings(json.loads(v))
                except ValueError:
                    pass


def assert_no_secrets(text: str, where: str) -> None:
    for name, value in SECRETS.items():
        assert value not in text, f"the planted {name} reached {where}"
        escaped = json.dumps(value)[1:-1]
        assert escaped not in text, f"the planted {name} (JSON-escaped) reached {where}"


def upstream_request(mock):
    (up,) = mock.model_requests()
    assert_no_secrets(up.text, "the upstream")
    for s in strings(up.json):
        assert_no_secrets(s, "the upstream")
    return up


def tool_inputs(up) -> list[Any]:
    """The inputs of the tool calls in the history the upstream got, OpenAI- or Anthropic-shaped."""
    out = []
    for m in up.json["messages"]:
        for tc in m.get("tool_calls") or []:
            out.append(json.loads(tc["function"]["arguments"]))
        if isinstance(m.get("content"), list):
            out += [b["input"] for b in m["content"] if isinstance(b, dict) and b.get("type") == "tool_use"]
    return out


def role_texts(up) -> list[tuple[str, str]]:
    """(role, text) of each message the upstream got (OpenAI shape: string content or text parts)."""
    out = []
    for m in up.json["messages"]:
        c = m.get("content")
        text = c if isinstance(c, str) else "".join(p.get("text", "") for p in (c or []) if isinstance(p, dict))
        out.append((m["role"], text))
    return out


def reply(proto, r) -> dict[str, Any]:
    """A plain response as {"text", "tools": [(name, input)], "stop"}."""
    assert r.status_code == 200, describe(r)
    b = r.json()
    if proto.is_anthropic:
        return {"text": "".join(x["text"] for x in b["content"] if x["type"] == "text"),
                "tools": [(x["name"], x["input"]) for x in b["content"] if x["type"] == "tool_use"],
                "stop": b["stop_reason"]}
    m = b["choices"][0]["message"]
    return {"text": m.get("content") or "",
            "tools": [(t["function"]["name"], json.loads(t["function"]["arguments"])) for t in m.get("tool_calls") or []],
            "stop": b["choices"][0]["finish_reason"]}


def read_stream(proto, r) -> tuple[bytes, dict[str, Any]]:
    """The raw bytes of a stream and what they add up to: {"text", "tools", "stop", "complete"}."""
    assert r.status_code == 200, describe(r)
    assert r.headers.get("content-type", "").startswith("text/event-stream"), describe(r)
    raw = b"".join(r.iter_content(chunk_size=None))
    frames = parse_sse(raw)
    if proto.is_anthropic:
        events = []
        for f in frames:
            assert f["event"] and f["data"] != "[DONE]", f
            events.append((f["event"], json.loads(f["data"])))
        blocks = check_anthropic_stream(events)
        out = {"text": "".join(block_text(b) for b in blocks if b["start"]["type"] == "text"),
               "tools": [(b["start"]["name"], json.loads(block_text(b))) for b in blocks
                         if b["start"]["type"] == "tool_use"],
               "stop": next(d["delta"]["stop_reason"] for n, d in events if n == "message_delta"),
               "complete": events[-1][0] == "message_stop"}
        return raw, out
    assert frames and frames[-1]["data"] == "[DONE]", f"the OpenAI stream did not end with [DONE]: {frames[-3:]}"
    acc = accumulate_openai_chunks(json.loads(f["data"]) for f in frames[:-1])
    return raw, {"text": acc["content"],
                 "tools": [(t["name"], json.loads(t["arguments"])) for t in acc["tool_calls"].values()],
                 "stop": acc["finish_reason"], "complete": True}


def action_counts(srv) -> dict[tuple[str, str], float]:
    r = srv.get("/metrics", auth=None)
    return {(lab["stage"], lab["action"]): v for name, lab, v in parse_prometheus(r.text)
            if name == "sluice_policy_actions_total"}


def delta(before: dict, after: dict) -> dict:
    return {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after) if after.get(k, 0) != before.get(k, 0)}


def text_stream(pieces: list[str], **kw: Any):
    return openai_stream(openai_stream_chunks(pieces, usage=openai_usage(20, 9)), **kw)


def refusal_reason(proto, r, status: int, a_type: str, o_type: str) -> str:
    if proto.is_anthropic:
        return assert_anthropic_error(r, status, a_type, secrets=SECRETS.values())
    return assert_openai_error(r, status, o_type, ANY, secrets=SECRETS.values())


# --------------------------------------------------------------------------
# The default policy
# --------------------------------------------------------------------------


def test_the_default_policy_loads_with_all_its_stages(srv):
    rows = {row["name"]: row for row in srv.cli_json("policies", "list", "--config", srv.config_path)}
    assert rows["default"] == {"name": "default", "file": str(srv.policies_dir / "default.yaml"), "default": True,
                               "stages": ["rate_limit", "pii", "content", "cache"], "valid": True}, rows["default"]
    for name in POLICIES:
        assert rows[name]["valid"] is True, rows[name]
    assert "policy file rejected" not in srv.log(), srv.log()[-3000:]
    assert "the default policy is not loaded" not in srv.log(), srv.log()[-3000:]


def _secret_history(proto) -> tuple[str, list[dict[str, Any]]]:
    """A conversation with a secret in the system prompt, user text, a tool_use input in the history
    and a tool result."""
    system = f"Deploy with AWS key {AWS} only."
    tool_input = {"token": GHP, "nested": {"list": [JWT, f"ssn {SSN}"]}}
    if proto.is_anthropic:
        messages = [
            {"role": "user", "content": f"My token is {ANT} and my card is {CARD}."},
            {"role": "assistant", "content": [{"type": "text", "text": "Calling the tool."},
                                              {"type": "tool_use", "id": "toolu_deploy", "name": "deploy",
                                               "input": tool_input}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_deploy",
                                          "content": [{"type": "text", "text": f"key file:\n{PEM}\nend"}]},
                                         {"type": "text", "text": f"thanks, again AWS {AWS}"}]},
        ]
    else:
        messages = [
            {"role": "user", "content": f"My token is {ANT} and my card is {CARD}."},
            {"role": "assistant", "content": "Calling the tool.",
             "tool_calls": [{"id": "toolu_deploy", "type": "function",
                             "function": {"name": "deploy", "arguments": json.dumps(tool_input)}}]},
            {"role": "tool", "tool_call_id": "toolu_deploy", "content": f"key file:\n{PEM}\nend"},
            {"role": "user", "content": [{"type": "text", "text": f"thanks, again AWS {AWS}"}]},
        ]
    return system, messages


@proto_param
@pytest.mark.parametrize("model", [MODEL, ANTH_MODEL], ids=["openai-backend", "anthropic-backend"])
def test_no_planted_secret_reaches_the_upstream_under_the_default_policy(srv, keys, mock, proto, model):
    system, messages = _secret_history(proto)
    pieces = ["Deployed with ", "<AWS_ACCESS_KEY_1> and ", "<PROVIDER_SECRET_2>."]
    mock.enqueue(anthropic_stream(anthropic_events(pieces, usage=anthropic_usage(30, 9))) if model == ANTH_MODEL
                 else text_stream(pieces))
    before = action_counts(srv)
    r = post(proto, srv, keys[None], body(proto, messages, system=system, model=model))
    got = reply(proto, r)
    assert got["text"] == f"Deployed with {AWS} and {GHP}.", "tokenized secrets are restored for the client"

    up = upstream_request(mock)
    texts = set(strings(up.json))
    assert "Deploy with AWS key <AWS_ACCESS_KEY_1> only." in texts, texts
    assert "My token is <PROVIDER_SECRET_1> and my card is [PAYMENT_CARD]." in texts, texts
    assert "key file:\n<PRIVATE_KEY_1>\nend" in texts, texts
    assert "thanks, again AWS <AWS_ACCESS_KEY_1>" in texts, texts
    assert tool_inputs(up) == [{"token": "<PROVIDER_SECRET_2>", "nested": {"list": ["<JWT_1>", "ssn [US_SSN]"]}}]
    found = delta(before, action_counts(srv))
    assert {k: v for k, v in found.items() if k[0] == "pii"} == {
        ("pii", "AWS_ACCESS_KEY"): 2, ("pii", "PROVIDER_SECRET"): 2, ("pii", "PAYMENT_CARD"): 1,
        ("pii", "JWT"): 1, ("pii", "US_SSN"): 1, ("pii", "PRIVATE_KEY"): 1}, found


CARD_CONTEXTS = {
    "after a secret ending in a digit": f"tool says sk-proj-Q2x9Lm4Pz8Rt1Vb6Nc3Kd7Hf0Jg5I9j0 {CARD}",
    "after a row number": f"1 {CARD} 12/27",
    "after an amount": f"paid 30 {CARD.replace(' ', '-')}",
    "in a table": f"| id | card |\n|----|------|\n| 7 | {CARD} |",
    "in JSON": json.dumps({"id": 7, "card": CARD}),
    "in code": f'charge(amount=30, card="{CARD}")',
}


@pytest.mark.parametrize("text", CARD_CONTEXTS.values(), ids=CARD_CONTEXTS.keys())
def test_a_card_is_redacted_whatever_number_comes_before_it(srv, keys, mock, text):
    mock.enqueue(text_stream(["ok"]))
    assert reply(OPENAI, post(OPENAI, srv, keys[None], body(OPENAI, user(text))))["text"] == "ok"
    up = upstream_request(mock)
    (sent,) = [t for r, t in role_texts(up) if r == "user"]
    assert sent.count("[PAYMENT_CARD]") == 1, sent


@proto_param
def test_the_default_policy_scrubs_streamed_requests_too(srv, keys, mock, proto):
    system, messages = _secret_history(proto)
    mock.enqueue(text_stream(["Key <JWT", "_1> noted."], split="hostile"))
    r = post(proto, srv, keys[None], body(proto, messages, system=system, stream=True), stream=True)
    raw, got = read_stream(proto, r)
    assert (got["text"], got["complete"]) == (f"Key {JWT} noted.", True)
    upstream_request(mock)


def test_count_tokens_sends_no_planted_secret_upstream(srv, keys, mock):
    """count_tokens goes to an Anthropic upstream with the whole conversation (Claude Code calls it
    all the time): it must not carry what the default policy keeps from /v1/messages."""
    system, messages = _secret_history(ANTHROPIC)
    b = {"model": ANTH_MODEL, "system": system, "messages": messages}
    r = srv.post("/v1/messages/count_tokens", key=keys[None], data=json.dumps(b).encode(),
                 headers={"content-type": "application/json", "anthropic-version": "2023-06-01"})
    assert r.status_code == 200 and isinstance(r.json().get("input_tokens"), int), describe(r)
    for up in mock.requests:
        assert_no_secrets(up.text, f"the upstream ({up.method} {up.route})")
        for s in strings(up.json):
            assert_no_secrets(s, f"the upstream ({up.method} {up.route})")


def test_count_tokens_sends_nothing_a_content_rule_forbids_upstream(srv, keys, mock):
    b = {"model": ANTH_MODEL, "messages": [{"role": "user", "content": "all about project-x"}]}
    r = srv.post("/v1/messages/count_tokens", key=keys["content"], data=json.dumps(b).encode(),
                 headers={"content-type": "application/json", "anthropic-version": "2023-06-01"})
    if r.status_code != 200:
        assert assert_anthropic_error(r, 403, "permission_error") == "Project X may not be discussed."
    assert [up.route for up in mock.requests if "project-x" in up.text] == [], \
        "a request the content policy refuses reached the upstream through count_tokens"


# --------------------------------------------------------------------------
# Tokenize: originals come back
# --------------------------------------------------------------------------


@proto_param
def test_tokenized_values_come_back_in_a_plain_response_and_its_tool_calls(srv, keys, mock, proto):
    mock.enqueue(JSONResponse(openai_tool_calls(
        [{"id": "call_send", "name": "send", "arguments": {"to": "<EMAIL_1>", "cc": ["<EMAIL_2>"],
                                                            "body": "Hi <EMAIL_1>!"}}],
        content="Sending to <EMAIL_1> and <EMAIL_2>.")))
    before = action_counts(srv)
    r = post(proto, srv, keys["allpii"], body(proto, user(f"Write to {JOHN} and {JANE} about {CARD}")))
    got = reply(proto, r)
    assert got == {"text": f"Sending to {JOHN} and {JANE}.",
                   "tools": [("send", {"to": JOHN, "cc": [JANE], "body": f"Hi {JOHN}!"})],
                   "stop": "tool_use" if proto.is_anthropic else "tool_calls"}
    up = upstream_request(mock)
    assert role_texts(up) == [("user", "Write to <EMAIL_1> and <EMAIL_2> about [PAYMENT_CARD]")]
    assert JOHN not in up.text and JANE not in up.text
    found = delta(before, action_counts(srv))
    assert found == {("pii", "EMAIL"): 2, ("pii", "PAYMENT_CARD"): 1}, found


@proto_param
def test_placeholders_split_across_stream_chunks_are_restored(srv, keys, mock, proto):
    pieces = ["Done: <EMA", "IL_1", "> and <", "EMAIL_2>", " (card 4111 11", "11 1111 1111)", " <EMAIL_9> stays."]
    mock.enqueue(text_stream(pieces, split="hostile"))
    r = post(proto, srv, keys["allpii"], body(proto, user(f"mail {JOHN} please, from {JANE}"), stream=True),
             stream=True)
    raw, got = read_stream(proto, r)
    # A placeholder the request never made is left alone; a card the model wrote is redacted.
    assert got["text"] == f"Done: {JOHN} and {JANE} (card [PAYMENT_CARD]) <EMAIL_9> stays.", got
    assert got["stop"] == ("end_turn" if proto.is_anthropic else "stop")
    assert b"<EMAIL_1>" not in raw and b"4111" not in raw
    up = upstream_request(mock)
    assert role_texts(up) == [("user", "mail <EMAIL_1> please, from <EMAIL_2>")]


@proto_param
def test_a_value_the_model_writes_split_across_chunks_is_still_redacted(srv, keys, mock, proto):
    mock.enqueue(text_stream(["Contact jo", "hn@exa", "mple.com", " today."]))
    before = action_counts(srv)
    r = post(proto, srv, keys["redact_email"], body(proto, user("who do I contact?"), stream=True), stream=True)
    raw, got = read_stream(proto, r)
    assert got["text"] == "Contact [EMAIL] today.", got
    assert b"john" not in raw and b"example.com" not in raw
    assert delta(before, action_counts(srv)) == {("pii", "output:EMAIL"): 1}


@proto_param
def test_placeholders_inside_streamed_tool_call_arguments_are_restored(srv, keys, mock, proto):
    args = '{"to": "<EMAIL_1>", "key": "<PRIVATE_KEY_1>", "n": 1}'
    frags = ['{"to": "<EM', 'AIL_1>", "ke', 'y": "<PRIV', "ATE_KEY_", '1>", "n": 1}']
    assert "".join(frags) == args
    mock.enqueue(openai_stream(openai_stream_chunks(
        "Sending.", tool_calls=[{"id": "call_mail", "name": "mail", "arguments": args, "fragments": frags}],
        usage=openai_usage(40, 20)), split="hostile"))
    r = post(proto, srv, keys["allpii"], body(proto, user(f"email {JOHN}, key:\n{PEM}"), stream=True), stream=True)
    raw, got = read_stream(proto, r)
    assert got["text"] == "Sending."
    assert got["tools"] == [("mail", {"to": JOHN, "key": PEM, "n": 1})], got
    assert got["stop"] == ("tool_use" if proto.is_anthropic else "tool_calls")
    up = upstream_request(mock)
    assert role_texts(up) == [("user", "email <EMAIL_1>, key:\n<PRIVATE_KEY_1>")]


@proto_param
def test_the_same_value_keeps_its_placeholder_from_turn_to_turn(srv, keys, mock, proto):
    key = keys["allpii"]
    mock.enqueue(text_stream(["I will email ", "<EMAIL_1>."]))
    first = reply(proto, post(proto, srv, key, body(proto, user(f"contact {JOHN}"))))
    assert first["text"] == f"I will email {JOHN}."
    assert role_texts(upstream_request(mock)) == [("user", "contact <EMAIL_1>")]

    mock.reset()
    mock.enqueue(text_stream(["Copying <EMAIL_2>", " and <EMAIL_1>."]))
    history = [{"role": "user", "content": f"contact {JOHN}"},
               {"role": "assistant", "content": first["text"]},
               {"role": "user", "content": f"also cc {JANE} and {JOHN}"}]
    r = post(proto, srv, key, body(proto, history, stream=True), stream=True)
    raw, got = read_stream(proto, r)
    assert got["text"] == f"Copying {JANE} and {JOHN}."
    assert role_texts(upstream_request(mock)) == [("user", "contact <EMAIL_1>"),
                                                  ("assistant", "I will email <EMAIL_1>."),
                                                  ("user", "also cc <EMAIL_2> and <EMAIL_1>")]


def test_the_cache_holds_placeholders_and_each_client_gets_its_own_values_back(srv, keys, mock):
    """pii runs before cache: the cache key and the stored answer hold placeholders, never values,
    and a hit is restored with the asking request's own values."""
    other = srv.create_key(unique_name("pii-cache"), policy="pii_cache")
    text = f"tag {unique_name()}: mail "
    mock.enqueue(text_stream(["Mailed ", "<EMAIL_1>."]))
    r = post(ANTHROPIC, srv, keys["pii_cache"], body(ANTHROPIC, user(text + JOHN)))
    assert (reply(ANTHROPIC, r)["text"], r.headers.get("x-sluice-cache")) == (f"Mailed {JOHN}.", "miss")
    assert role_texts(upstream_request(mock)) == [("user", text + "<EMAIL_1>")]

    r = post(OPENAI, srv, other, body(OPENAI, user(text + JANE)))
    assert r.headers.get("x-sluice-cache") == "hit", describe(r)
    assert reply(OPENAI, r)["text"] == f"Mailed {JANE}.", "a cached answer must be restored with this request's values"
    assert len(mock.model_requests()) == 1
    r = post(ANTHROPIC, srv, keys["pii_cache"], body(ANTHROPIC, user(text + JOHN), stream=True), stream=True)
    assert r.headers.get("x-sluice-cache") == "hit"
    assert read_stream(ANTHROPIC, r)[1]["text"] == f"Mailed {JOHN}."

    stored = b"".join(p.read_bytes() for p in srv.db.parent.glob(srv.db.name + "*"))
    assert b"<EMAIL_1>" in stored, "the answer was not stored where expected"
    for value in (JOHN, JANE):
        assert value.encode() not in stored, f"{value} was stored in the database"


# --------------------------------------------------------------------------
# Block, and failing closed
# --------------------------------------------------------------------------


@proto_param
@stream_param
def test_block_refuses_naming_the_detector_never_the_value(srv, keys, mock, proto, stream):
    r = post(proto, srv, keys["blockpii"], body(proto, user(f"use {AWS} please"), stream=stream), stream=stream)
    msg = refusal_reason(proto, r, 403, "permission_error", "permission_error")
    assert msg == ("The request contains data this gateway's policy does not allow to be sent "
                   "(pii detector: aws_access_key).")
    assert AWS not in r.text

    if proto.is_anthropic:
        messages = [{"role": "user", "content": "look it up"},
                    {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "who", "input": {}}]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": JOHN}]}]
    else:
        messages = [{"role": "user", "content": "look it up"},
                    {"role": "assistant", "content": None, "tool_calls": [
                        {"id": "t1", "type": "function", "function": {"name": "who", "arguments": "{}"}}]},
                    {"role": "tool", "tool_call_id": "t1", "content": JOHN}]
    r = post(proto, srv, keys["blockpii"], body(proto, messages, stream=stream), stream=stream)
    msg = refusal_reason(proto, r, 403, "permission_error", "permission_error")
    assert msg.endswith("(pii detector: email).") and JOHN not in r.text, msg
    assert mock.model_requests() == []


@proto_param
def test_a_detector_that_hits_the_match_limit_refuses_the_request(srv, keys, mock, proto):
    r = post(proto, srv, keys["backtrack"], body(proto, user("a" * 64 + "b")))
    msg = refusal_reason(proto, r, 400, "invalid_request_error", "invalid_request_error")
    assert msg.startswith("The pii policy could not check this request, so it was refused: "
                          "the text is too costly to check ("), msg
    assert mock.model_requests() == [], "a request the scrubber could not check reached the upstream"
    r = post(proto, srv, keys["backtrack"], body(proto, user("aaa")))
    assert reply(proto, r)["text"] == "Hello from mock"
    assert role_texts(mock.model_requests()[0]) == [("user", "[RUNAWAY]")]


# --------------------------------------------------------------------------
# Content rules
# --------------------------------------------------------------------------


@proto_param
def test_a_content_input_rule_refuses_with_its_message(srv, keys, mock, proto):
    before = action_counts(srv)
    for text in ("Tell me about project-x plans", "what about PROJECT-X?"):
        r = post(proto, srv, keys["content"], body(proto, user(text)))
        assert refusal_reason(proto, r, 403, "permission_error", "permission_error") == "Project X may not be discussed."
    if proto.is_anthropic:
        messages = [{"role": "user", "content": "read the file"},
                    {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "read", "input": {}}]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1",
                                                  "content": "notes on project-x"}]}]
    else:
        messages = [{"role": "user", "content": "read the file"},
                    {"role": "assistant", "content": None, "tool_calls": [
                        {"id": "t1", "type": "function", "function": {"name": "read", "arguments": "{}"}}]},
                    {"role": "tool", "tool_call_id": "t1", "content": "notes on project-x"}]
    r = post(proto, srv, keys["content"], body(proto, messages, stream=True), stream=True)
    assert refusal_reason(proto, r, 403, "permission_error", "permission_error") == "Project X may not be discussed."
    assert mock.model_requests() == []
    assert delta(before, action_counts(srv)) == {("content", "input"): 3}

    r = post(proto, srv, keys["content"], body(proto, user("project-xylophone is fine")))
    assert reply(proto, r)["text"] == "Hello from mock", "a longer word is not the forbidden word"


PIECES = ["Here is ", "the plan. ", "BEGIN ", "SECRET ", "payload ", "more ", "more ", "more ", "more ", "end."]


@proto_param
def test_a_content_output_rule_cuts_the_stream_and_closes_the_upstream(srv, keys, mock, proto):
    frames = openai_sse(openai_stream_chunks(PIECES, usage=openai_usage(20, 10)))
    mock.enqueue(slow_stream(frames, delay=0.15))
    before = action_counts(srv)
    r = post(proto, srv, keys["content"], body(proto, user("the plan?"), stream=True), stream=True)
    raw, got = read_stream(proto, r)
    assert got["text"] == "Here is the plan. Refused.", got
    assert got["stop"] == ("refusal" if proto.is_anthropic else "content_filter"), got
    assert got["complete"]
    for word in (b"BEGIN", b"SECRET", b"payload", b"end."):
        assert word not in raw, f"{word!r} reached the client"
    assert mock.wait_for_disconnect(5), "the upstream generation was not cancelled"
    (up,) = mock.model_requests()
    assert up.outcome == "client_disconnected" and up.chunks_sent < len(frames), (up.outcome, up.chunks_sent)
    assert delta(before, action_counts(srv)) == {("content", "output"): 1}


def test_the_rule_message_of_a_cut_stream_is_a_text_block_of_its_own(srv, keys, mock):
    mock.enqueue(text_stream(PIECES))
    r = post(ANTHROPIC, srv, keys["content"], body(ANTHROPIC, user("the plan?"), stream=True), stream=True)
    assert r.status_code == 200, describe(r)
    events = [(f["event"], json.loads(f["data"])) for f in parse_sse(b"".join(r.iter_content(chunk_size=None)))]
    blocks = check_anthropic_stream(events)
    assert [(b["start"]["type"], block_text(b)) for b in blocks] == [("text", "Here is the plan. "), ("text", "Refused.")]


def test_a_response_cut_by_a_content_rule_is_not_cached(srv, keys, mock):
    b = body(OPENAI, user(f"plan {unique_name()}"))
    mock.enqueue(text_stream(PIECES), text_stream(["A clean ", "answer."]))
    r = post(OPENAI, srv, keys["content_cache"], b)
    assert (reply(OPENAI, r)["stop"], r.headers.get("x-sluice-cache")) == ("content_filter", "miss")
    r = post(OPENAI, srv, keys["content_cache"], b)
    assert r.headers.get("x-sluice-cache") == "miss", "a refused answer was cached"
    assert reply(OPENAI, r) == {"text": "A clean answer.", "tools": [], "stop": "stop"}
    assert len(mock.model_requests()) == 2


@proto_param
def test_a_content_output_rule_cuts_a_plain_response(srv, keys, mock, proto):
    mock.enqueue(text_stream(PIECES))
    got = reply(proto, post(proto, srv, keys["content"], body(proto, user("the plan?"))))
    assert got == {"text": "Here is the plan. Refused.", "tools": [],
                   "stop": "refusal" if proto.is_anthropic else "content_filter"}, got


WORDS = ["word "] * 800


def usage_rows(srv, key_name: str, requests: int) -> dict[str, Any]:
    rows, _ = poll(lambda: (lambda rs: rs if rs and rs[0]["requests"] == requests else None)(
        srv.cli_json("usage", "--key", key_name)), timeout=3.0, interval=0.1)
    assert rows is not None and len(rows) == 1, srv.cli_json("usage", "--key", key_name)
    return rows[0]


def test_a_stream_cut_by_a_content_rule_counts_its_output_in_the_stream_usage_and_the_ledger(srv, mock):
    name = unique_name("pii-content-usage")
    key = srv.create_key(name, policy="content_tpm")
    mock.enqueue(anthropic_stream(anthropic_events(WORDS + ["BEGIN SECRET", " and the rest"],
                                                   usage=anthropic_usage(30, 900))))
    t0 = time.monotonic()
    r = post(ANTHROPIC, srv, key, body(ANTHROPIC, user("go"), stream=True, model=ANTH_MODEL), stream=True)
    assert r.status_code == 200, describe(r)
    reserved = 6000 - int(r.headers["anthropic-ratelimit-tokens-remaining"])
    events = [(f["event"], json.loads(f["data"])) for f in parse_sse(b"".join(r.iter_content(chunk_size=None)))]
    text = "".join(block_text(b) for b in check_anthropic_stream(events))
    assert text.startswith("".join(WORDS)) and "SECRET" not in text, text[-100:]
    end = next(d for n, d in events if n == "message_delta")
    assert end["delta"]["stop_reason"] == "refusal", end
    output = end["usage"]["output_tokens"]
    # At least the client's text at three bytes a token (the upstream's own count never came).
    assert output >= (len(text) + 2) // 3, end

    row = usage_rows(srv, name, 1)
    assert (row["input_tokens"], row["output_tokens"]) == (30, output), row

    # The ledger was settled at input + output: the next request, reserving as much as the
    # first, finds that much less left (give or take the 100 tokens a second the bucket refills).
    mock.enqueue(anthropic_stream(anthropic_events("fine", usage=anthropic_usage(30, 1))))
    r2 = post(ANTHROPIC, srv, key, body(ANTHROPIC, user("go"), stream=True, model=ANTH_MODEL), stream=True)
    assert r2.status_code == 200, describe(r2)
    b"".join(r2.iter_content(chunk_size=None))
    settled = 6000 - reserved - int(r2.headers["anthropic-ratelimit-tokens-remaining"])
    refill = int((time.monotonic() - t0) * 100) + 1
    assert 30 + output - refill <= settled <= 30 + output, (settled, output, refill)


@proto_param
def test_a_plain_response_cut_by_a_content_rule_counts_its_output(srv, mock, proto):
    name = unique_name("pii-content-usage")
    key = srv.create_key(name, policy="content")
    mock.enqueue(text_stream(WORDS + ["BEGIN SECRET", " and the rest"]))
    r = post(proto, srv, key, body(proto, user("go")))
    got = reply(proto, r)
    assert got["text"].startswith("".join(WORDS)) and "SECRET" not in got["text"], got["text"][-100:]
    usage = r.json()["usage"]
    output = usage["output_tokens"] if proto.is_anthropic else usage["completion_tokens"]
    assert output >= (len(got["text"]) + 2) // 3, usage
    assert usage_rows(srv, name, 1)["output_tokens"] == output


# --------------------------------------------------------------------------
# The policies command, and the log
# --------------------------------------------------------------------------


def policies_test(srv, name: str, text: str, *flags: str):
    cp = run_sluice(["policies", "test", name, *flags, "--config", srv.config_path], env=srv.env(), cwd=srv.workdir,
                    input=text)
    srv.collect_keys(cp.stdout + cp.stderr)
    return cp


def test_policies_test_shows_the_scrubbed_text_and_what_was_found(srv):
    cp = policies_test(srv, "allpii", f"mail {JOHN}, {JANE} and {JOHN}; card {CARD}\n")
    assert (cp.returncode, cp.stderr) == (0, ""), cp
    lines = cp.stdout.splitlines()
    assert lines[0] == "mail <EMAIL_1>, <EMAIL_2> and <EMAIL_1>; card [PAYMENT_CARD]", cp.stdout
    assert len(lines) == 2 and lines[1].startswith("found: "), cp.stdout
    assert sorted(lines[1].removeprefix("found: ").split(" ")) == ["pii:EMAIL=3", "pii:PAYMENT_CARD=1"], cp.stdout
    cp = policies_test(srv, "allpii", f"key {AWS}", "--json")
    assert cp.returncode == 0, cp
    assert json.loads(cp.stdout) == {"policy": "allpii", "refused": False, "reason": None,
                                     "upstream": "key <AWS_ACCESS_KEY_1>", "found": ["pii:AWS_ACCESS_KEY=1"]}

    cp = policies_test(srv, "blockpii", f"key {AWS}\n")
    assert cp.returncode == 1, cp
    assert cp.stdout.splitlines()[0] == ("refused: The request contains data this gateway's policy does not allow "
                                         "to be sent (pii detector: aws_access_key)."), cp.stdout
    assert AWS not in cp.stdout + cp.stderr
    assert cp.stderr == "", f"stray error output on stderr: {cp.stderr!r}"
    cp = policies_test(srv, "content", "project-x status?", "--json")
    assert cp.returncode == 1, cp
    assert json.loads(cp.stdout) == {"policy": "content", "refused": True, "reason": "Project X may not be discussed.",
                                     "upstream": None, "found": ["content:input"]}


def test_no_key_and_no_secret_ever_reaches_the_server_log(sluice, mock):
    srv = sluice(start=False, log_format="json", serve_args=("--log-level", "trace"))
    for name in ("allpii", "blockpii"):
        write_text(srv.policies_dir / f"{name}.yaml", POLICIES[name])
    srv.start()
    default_key, all_key = srv.create_key(unique_name("log")), srv.create_key(unique_name("log"), policy="allpii")
    block_key = srv.create_key(unique_name("log"), policy="blockpii")
    for proto in PROTOCOLS:
        system, messages = _secret_history(proto)
        for key in (default_key, all_key):
            for stream in (False, True):
                mock.enqueue(text_stream(["Echo <AWS_ACCESS_KEY_1> ", "<PRIVATE_KEY_1>."]))
                r = post(proto, srv, key, body(proto, messages, system=system, stream=stream), stream=stream)
                assert r.status_code == 200, describe(r)
                r.content  # noqa: B018  (read to the end)
        r = post(proto, srv, block_key, body(proto, messages, system=system))
        assert r.status_code == 403, describe(r)
    srv.stop()
    log = srv.log()
    assert re.search(r'"status":"?200', log), "the requests were not logged at all"
    for k in (default_key, all_key, block_key):
        assert k not in log, "a full API key appears in the server log"
    assert_no_secrets(log, "the server log")
    assert "john@example.com" not in log

"""API-key authentication and authorisation, through raw HTTP and the real SDKs.

One sluice server is shared by the module (default config: route "*" → the mock as
an `openai` backend); every test mints its own keys.
"""

from __future__ import annotations

import secrets
import string
import time

import anthropic
import openai
import pytest

from mock_upstream import DEFAULT_TEXT
from sluice_harness import (
    ANTHROPIC,
    ANTHROPIC_VERSION,
    KEY_RE,
    OPENAI,
    PROTOCOLS,
    UPSTREAM_SECRET,
    assert_anthropic_error,
    assert_openai_error,
    describe,
    iter_sse,
    parse_prometheus,
    poll,
    unique_name,
)

# How long a running server may keep honouring a key the CLI revoked or rotated away.
# The spec says "within 1 second"; the margin absorbs the request round trip itself.
PROPAGATION = 1.25

proto_param = pytest.mark.parametrize("proto", PROTOCOLS, ids=str)


@pytest.fixture(scope="module")
def srv(shared_sluice):
    return shared_sluice


def fake_key() -> str:
    """Well-formed but never issued."""
    return "sk-sluice-" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(40))


def anthropic_create(client, model: str = ANTHROPIC.model):
    return client.messages.create(model=model, max_tokens=32, messages=[{"role": "user", "content": "hi"}])


def openai_create(client, model: str = OPENAI.model):
    return client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])


# --------------------------------------------------------------------------
# Valid keys
# --------------------------------------------------------------------------


@proto_param
@pytest.mark.parametrize("auth", ["x-api-key", "bearer"])
def test_valid_key_is_accepted_and_request_reaches_upstream(srv, mock, proto, auth):
    key = srv.create_key()
    proto.assert_ok(proto.post(srv, key, auth=auth))
    reqs = mock.model_requests()
    assert len(reqs) == 1
    up = reqs[0]
    # an openai-type backend is always spoken to in chat completions, whatever the front
    assert up.method == "POST" and up.route == "/v1/chat/completions"
    assert up.json["model"] == proto.model
    assert up.headers.get("authorization") == f"Bearer {UPSTREAM_SECRET}"


@proto_param
def test_client_key_is_never_forwarded_upstream(srv, mock, proto):
    key = srv.create_key()
    proto.assert_ok(proto.post(srv, key, auth="x-api-key"))
    proto.assert_ok(proto.post(srv, key, auth="bearer"))
    for up in mock.requests:
        assert key not in up.text
        for name, value in up.headers.items():
            assert key not in value, f"client key forwarded upstream in header {name}"
        assert "x-api-key" not in up.headers or up.headers["x-api-key"] == UPSTREAM_SECRET


# --------------------------------------------------------------------------
# Missing, unknown, revoked, expired keys → 401
# --------------------------------------------------------------------------


@proto_param
def test_missing_key_is_401_authentication_error(srv, mock, proto):
    proto.assert_error(proto.post(srv, None), "auth")
    assert mock.model_requests() == []


@proto_param
@pytest.mark.parametrize("how", ["well-formed", "garbage", "one-char-off", "empty-bearer", "wrong-scheme"])
def test_unknown_key_is_401_authentication_error(srv, mock, proto, how):
    real = srv.create_key()
    if how == "well-formed":
        r = proto.post(srv, fake_key())
    elif how == "garbage":
        r = proto.post(srv, "not-a-key", auth="bearer")
    elif how == "one-char-off":
        bad = real[:-1] + ("A" if real[-1] != "A" else "B")
        r = proto.post(srv, bad)
    elif how == "empty-bearer":
        r = proto.post(srv, None, headers={"Authorization": "Bearer "})
    else:
        r = proto.post(srv, None, headers={"Authorization": f"Basic {real}"})
    proto.assert_error(r, "auth", secrets=[real])
    assert mock.model_requests() == []


@proto_param
def test_revoked_key_is_401(srv, mock, proto):
    name = unique_name()
    key = srv.create_key(name)
    proto.assert_ok(proto.post(srv, key))
    srv.revoke_key(name)
    refused, _ = poll(lambda: proto.post(srv, key).status_code == 401, timeout=PROPAGATION)
    assert refused, f"a revoked key was still accepted after {PROPAGATION} s"
    # Once refused it stays refused, and nothing more of it reaches the upstream.
    forwarded = len(mock.model_requests())
    for _ in range(3):
        proto.assert_error(proto.post(srv, key), "auth", secrets=[key])
    assert len(mock.model_requests()) == forwarded


def test_expired_key_is_401_in_both_protocols(srv, mock):
    key = srv.create_key(expires="3s")
    created = time.monotonic()
    OPENAI.assert_ok(OPENAI.post(srv, key))
    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, key))
    assert time.monotonic() - created < 2.5, "too slow to observe the key before it expired"
    time.sleep(max(0.0, created + 3 + PROPAGATION - time.monotonic()))
    OPENAI.assert_error(OPENAI.post(srv, key), "auth", secrets=[key])
    ANTHROPIC.assert_error(ANTHROPIC.post(srv, key), "auth", secrets=[key])
    assert len(mock.model_requests()) == 2


# --------------------------------------------------------------------------
# Model restrictions → 403
# --------------------------------------------------------------------------


@proto_param
def test_model_outside_key_globs_is_403_permission_error(srv, mock, proto):
    key = srv.create_key(models="claude-*haiku*")
    msg = proto.assert_error(proto.post(srv, key, model="gpt-4o"), "permission", secrets=[key])
    assert mock.model_requests() == []
    assert "sk-sluice" not in msg


@proto_param
def test_model_inside_key_globs_passes_through(srv, mock, proto):
    key = srv.create_key(models="claude-*haiku*")
    proto.assert_ok(proto.post(srv, key, model="claude-3-5-haiku-latest"))
    (up,) = mock.model_requests()
    assert up.json["model"] == "claude-3-5-haiku-latest"


@proto_param
def test_several_model_globs_are_each_honoured_and_match_whole_names(srv, mock, proto):
    key = srv.create_key(models=["claude-*haiku*", "gpt-4o-mini"])
    proto.assert_ok(proto.post(srv, key, model="gpt-4o-mini"))
    proto.assert_ok(proto.post(srv, key, model="claude-haiku-4-5"))
    proto.assert_error(proto.post(srv, key, model="gpt-4o"), "permission")
    proto.assert_error(proto.post(srv, key, model="gpt-4o-mini-2024"), "permission")
    assert [r.json["model"] for r in mock.model_requests()] == ["gpt-4o-mini", "claude-haiku-4-5"]


def test_square_brackets_in_model_globs_are_literal(srv, mock):
    key = srv.create_key(models="claude-sonnet-4-5[1m]")
    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, key, model="claude-sonnet-4-5[1m]"))
    ANTHROPIC.assert_error(ANTHROPIC.post(srv, key, model="claude-sonnet-4-51"), "permission")
    ANTHROPIC.assert_error(ANTHROPIC.post(srv, key, model="claude-sonnet-4-5m"), "permission")


# --------------------------------------------------------------------------
# Through the SDKs
# --------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["bearer", "x-api-key"])
def test_anthropic_sdk_with_valid_key_gets_message_and_stream(srv, mock, auth):
    key = srv.create_key()
    client = srv.anthropic(key, auth=auth)
    m = anthropic_create(client)
    assert [b.text for b in m.content if b.type == "text"] == [DEFAULT_TEXT]
    with client.messages.stream(model=ANTHROPIC.model, max_tokens=32,
                                messages=[{"role": "user", "content": "hi"}]) as s:
        assert "".join(s.text_stream) == DEFAULT_TEXT
    assert len(mock.model_requests()) == 2


def test_anthropic_sdk_raises_authentication_error_for_unknown_and_revoked_keys(srv, mock):
    with pytest.raises(anthropic.AuthenticationError) as ei:
        anthropic_create(srv.anthropic(fake_key()))
    e = ei.value
    assert e.status_code == 401 and e.type == "authentication_error"
    assert e.request_id and e.api_message
    name = unique_name()
    key = srv.create_key(name)
    anthropic_create(srv.anthropic(key, auth="x-api-key"))
    srv.revoke_key(name)
    time.sleep(PROPAGATION)
    with pytest.raises(anthropic.AuthenticationError) as ei:
        anthropic_create(srv.anthropic(key, auth="x-api-key"))
    assert key not in str(ei.value)


def test_anthropic_sdk_raises_permission_denied_for_disallowed_model(srv, mock):
    key = srv.create_key(models="claude-*haiku*")
    with pytest.raises(anthropic.PermissionDeniedError) as ei:
        anthropic_create(srv.anthropic(key), model="claude-opus-4-1")
    assert ei.value.status_code == 403 and ei.value.type == "permission_error"
    assert mock.model_requests() == []


def test_openai_sdk_with_valid_key_gets_completion_stream_and_models(srv, mock):
    key = srv.create_key()
    client = srv.openai(key)
    assert openai_create(client).choices[0].message.content == DEFAULT_TEXT
    stream = client.chat.completions.create(model=OPENAI.model, messages=[{"role": "user", "content": "hi"}],
                                            stream=True)
    assert "".join((c.choices[0].delta.content or "") for c in stream if c.choices) == DEFAULT_TEXT
    models = client.models.list()
    assert all(m.object == "model" for m in models.data)


def test_openai_sdk_raises_authentication_error_with_invalid_api_key_code(srv, mock):
    with pytest.raises(openai.AuthenticationError) as ei:
        openai_create(srv.openai(fake_key()))
    e = ei.value
    assert e.status_code == 401 and e.code == "invalid_api_key" and e.type == "authentication_error"
    assert mock.model_requests() == []


def test_openai_sdk_raises_permission_denied_with_model_not_allowed_code(srv, mock):
    key = srv.create_key(models=["claude-*"])
    with pytest.raises(openai.PermissionDeniedError) as ei:
        openai_create(srv.openai(key), model="gpt-4o")
    assert ei.value.status_code == 403 and ei.value.code == "model_not_allowed"
    assert ei.value.type == "permission_error"
    assert key not in str(ei.value)


# --------------------------------------------------------------------------
# Revocation and rotation on a running server
# --------------------------------------------------------------------------


def test_cli_revocation_reaches_running_server_within_one_second(srv, mock):
    name = unique_name()
    key = srv.create_key(name)
    OPENAI.assert_ok(OPENAI.post(srv, key))
    srv.revoke_key(name)
    refused, elapsed = poll(lambda: OPENAI.post(srv, key, timeout=5).status_code == 401, timeout=PROPAGATION,
                            interval=0.02)
    assert refused, f"revoked key still accepted {elapsed:.2f}s after `sluice keys revoke` returned"
    ANTHROPIC.assert_error(ANTHROPIC.post(srv, key), "auth")


def test_rotation_with_grace_keeps_old_key_working_until_grace_ends(srv, mock):
    name = unique_name()
    old = srv.create_key(name)
    new = srv.rotate_key(name, grace="3s")
    rotated = time.monotonic()
    assert new != old
    OPENAI.assert_ok(OPENAI.post(srv, new))
    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, new))
    OPENAI.assert_ok(OPENAI.post(srv, old))
    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, old))
    assert time.monotonic() - rotated < 2.5, "too slow to observe the grace window"
    time.sleep(max(0.0, rotated + 3 - time.monotonic()))
    refused, elapsed = poll(lambda: OPENAI.post(srv, old, timeout=5).status_code == 401, timeout=PROPAGATION,
                            interval=0.05)
    assert refused, f"old key still accepted {3 + elapsed:.2f}s after rotate --grace 3s"
    ANTHROPIC.assert_error(ANTHROPIC.post(srv, old), "auth", secrets=[old, new])
    OPENAI.assert_ok(OPENAI.post(srv, new))


def test_rotation_without_grace_stops_old_key_at_once(srv, mock):
    name = unique_name()
    old = srv.create_key(name)
    OPENAI.assert_ok(OPENAI.post(srv, old))
    new = srv.rotate_key(name)
    refused, elapsed = poll(lambda: OPENAI.post(srv, old, timeout=5).status_code == 401, timeout=PROPAGATION,
                            interval=0.02)
    assert refused, f"old key still accepted {elapsed:.2f}s after rotate without --grace"
    OPENAI.assert_error(OPENAI.post(srv, old), "auth", secrets=[old, new])
    OPENAI.assert_ok(OPENAI.post(srv, new))
    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, new))


def test_successful_use_sets_last_used_at(srv, mock):
    name = unique_name()
    key = srv.create_key(name)
    assert srv.cli_json("keys", "show", name)["last_used_at"] is None
    OPENAI.assert_ok(OPENAI.post(srv, key))
    shown, _ = poll(lambda: srv.cli_json("keys", "show", name)["last_used_at"], timeout=5, interval=0.2)
    assert shown, "last_used_at still null 5s after a successful request"


# --------------------------------------------------------------------------
# Routes that need no key; routes that do
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_endpoints_answer_200_without_a_key(srv, path):
    r = srv.get(path, auth=None)
    assert r.status_code == 200, describe(r)


def test_metrics_need_no_key_and_count_requests_by_key_name_never_the_key(srv, mock):
    name = unique_name("metrics")
    key = srv.create_key(name)
    OPENAI.assert_ok(OPENAI.post(srv, key))
    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, key))
    ANTHROPIC.assert_error(ANTHROPIC.post(srv, fake_key()), "auth")

    def scrape():
        r = srv.get("/metrics", auth=None)
        assert r.status_code == 200, describe(r)
        samples = parse_prometheus(r.text)
        mine = [s for s in samples if s[0] == "sluice_requests_total" and s[1].get("key") == name]
        return r, samples, mine

    def counted():
        _, _, mine = scrape()
        return sum(v for _, labels, v in mine if labels.get("status") == "200") == 2

    ok, _ = poll(counted, timeout=3, interval=0.1)
    r, samples, mine = scrape()
    assert ok, f"sluice_requests_total for key={name} does not add up to 2 successful requests:\n{mine}"
    assert r.headers.get("content-type", "").startswith("text/plain")
    assert all({"route", "status", "key"} <= set(labels) for _, labels, _ in mine)
    names = {s[0] for s in samples}
    for suffix in ("_bucket", "_sum", "_count"):
        assert "sluice_request_duration_seconds" + suffix in names, f"histogram series {suffix} missing"
    assert key not in r.text and not KEY_RE.search(r.text)
    assert any(labels.get("status") == "401" for n, labels, _ in samples if n == "sluice_requests_total")


def test_models_without_key_is_401_in_the_shape_of_the_asking_protocol(srv):
    assert_openai_error(srv.get("/v1/models", auth=None), 401, "authentication_error", "invalid_api_key")
    assert_anthropic_error(srv.get("/v1/models", auth=None, headers={"anthropic-version": ANTHROPIC_VERSION}),
                           401, "authentication_error")
    assert_anthropic_error(srv.get("/anthropic/v1/models", auth=None,
                                   headers={"anthropic-version": ANTHROPIC_VERSION}), 401, "authentication_error")


def test_count_tokens_requires_a_key(srv, mock):
    body = {"model": ANTHROPIC.model, "messages": [{"role": "user", "content": "hello"}]}
    r = ANTHROPIC.post(srv, None, body=body, path="/v1/messages/count_tokens")
    assert_anthropic_error(r, 401, "authentication_error")
    key = srv.create_key()
    r = ANTHROPIC.post(srv, key, body=body, path="/v1/messages/count_tokens")
    assert r.status_code == 200, describe(r)


@proto_param
def test_streaming_request_with_bad_key_is_a_plain_401_not_a_stream(srv, mock, proto):
    r = proto.post(srv, fake_key(), stream=True)
    assert not r.headers.get("content-type", "").startswith("text/event-stream"), describe(r)
    proto.assert_error(r, "auth")
    assert mock.model_requests() == []


@proto_param
def test_streaming_request_with_valid_key_streams(srv, mock, proto):
    key = srv.create_key()
    r = proto.post(srv, key, stream=True)
    assert r.status_code == 200, describe(r)
    assert r.headers.get("content-type", "").startswith("text/event-stream")
    text, terminal = proto.stream_text(iter_sse(r))
    assert text == DEFAULT_TEXT and terminal

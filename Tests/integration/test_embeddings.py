"""`POST /v1/embeddings` through the real binary, with the real `openai` SDK.

Two backends answer: the embedded engine with a tiny random-weight GGUF embedding model (a
llama-architecture model with mean pooling, written by make_tiny_gguf.py --pooling mean) and the
mock upstream's OpenAI-compatible /embeddings. What is pinned: vectors of the model's width and
unit length, float and base64 answers that agree bit for bit, token-array inputs, a batch equal to
its inputs embedded one by one, the route's model rewrite, usage rows, PII scrubbed before the
upstream sees the input, content rules, request and token rate limits (429), and hostile or
impossible requests answered 4xx in OpenAI's error shape.
"""

from __future__ import annotations

import base64
import math
import sqlite3
import string
import struct
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from mock_upstream import JSONResponse, openai_embedding, openai_error_body
from protocol_checks import post_json
from sluice_harness import assert_openai_error, backend, describe, poll, route, unique_name, write_text

MAKE_TINY_GGUF = Path(__file__).with_name("make_tiny_gguf.py")
LOCAL = "local-embed"  # the engine
REMOTE = "text-embedding-3-small"  # the mock upstream
DIMENSIONS = 64  # make_tiny_gguf.py's default width
CONTEXT = 512

POLICIES = {
    "pii": "stages: [pii]\npii:\n  detectors: {email: redact, aws_access_key: tokenize}\n",
    "content": "stages: [content]\ncontent:\n  input:\n    - words: [project-x]\n      message: \"Project X may not be discussed.\"\n",
    "rpm2": "stages: [rate_limit]\nrate_limit: {requests_per_minute: 2}\n",
    "tpm50": "stages: [rate_limit]\nrate_limit: {tokens_per_minute: 50}\n",
}


@pytest.fixture(scope="module")
def embedding_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiny-embedding") / "embed.gguf"
    done = subprocess.run([sys.executable, str(MAKE_TINY_GGUF), str(path), "--pooling", "mean", "--context", str(CONTEXT)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"make_tiny_gguf.py failed (is gguf==0.19.0 installed?):\n{done.stderr}"
    return path


@pytest.fixture(scope="module")
def srv(module_sluice, _module_mock, embedding_model):
    url = _module_mock.base_url
    s = module_sluice(
        start=False,
        backends=[
            backend("upstream", url, connect_timeout="2s", read_timeout="5s"),
            backend("anth", url, type="anthropic", connect_timeout="2s", read_timeout="5s"),
            {"name": "embed", "type": "llama", "model": str(embedding_model), "embeddings": True, "parallel": 8,
             "threads": 2},
        ],
        routes=[route("anth-*", "anth"), route("local-*", "embed"), route("renamed", "upstream", model="text-embedding-3-large"),
                route("*", "upstream")])
    for name, text in POLICIES.items():
        write_text(s.policies_dir / f"{name}.yaml", text)
    s.start()
    return s


@pytest.fixture(scope="module")
def key(srv) -> str:
    return srv.create_key(unique_name("embed"))


@pytest.fixture
def client(srv, key):
    c = srv.openai(key, timeout=60)
    yield c
    c.close()


def norm(vector) -> float:
    return math.sqrt(sum(v * v for v in vector))


def close(a, b, tolerance: float = 1e-5) -> bool:
    return len(a) == len(b) and max(abs(x - y) for x, y in zip(a, b)) < tolerance


def embedding_requests(mock):
    return [r for r in mock.requests if r.route.endswith("/embeddings")]


def usage_rows(srv, key_name: str) -> list[tuple]:
    with sqlite3.connect(f"file:{srv.db}?mode=ro", uri=True, timeout=10) as db:
        return db.execute("SELECT endpoint, model, backend, status, input_tokens, output_tokens FROM usage "
                          "WHERE key_name = ? ORDER BY id", (key_name,)).fetchall()


# --------------------------------------------------------------------------
# The embedded engine
# --------------------------------------------------------------------------


def test_engine_answers_unit_vectors_of_the_models_width(client):
    reply = client.embeddings.create(model=LOCAL, input=["Hello there", "a second text"], encoding_format="float")
    assert reply.object == "list" and reply.model == LOCAL
    assert [item.index for item in reply.data] == [0, 1]
    for item in reply.data:
        assert item.object == "embedding"
        assert len(item.embedding) == DIMENSIONS
        assert abs(norm(item.embedding) - 1) < 1e-5
    assert not close(reply.data[0].embedding, reply.data[1].embedding, 1e-2)
    assert reply.usage.prompt_tokens == reply.usage.total_tokens > 2


def test_base64_answer_is_the_float_answer_bit_for_bit(srv, key, client):
    floats = client.embeddings.create(model=LOCAL, input="same text", encoding_format="float").data[0].embedding
    # JSON carries each float32's shortest decimal form: as float32 again, it is the same value.
    floats = list(struct.unpack(f"<{DIMENSIONS}f", struct.pack(f"<{DIMENSIONS}f", *floats)))
    # The SDK asks for base64 unless told otherwise, and decodes it.
    assert client.embeddings.create(model=LOCAL, input="same text").data[0].embedding == floats
    r = post_json(srv, "/v1/embeddings", key, {"model": LOCAL, "input": "same text", "encoding_format": "base64"})
    assert r.status_code == 200, describe(r)
    raw = base64.b64decode(r.json()["data"][0]["embedding"])
    assert list(struct.unpack(f"<{DIMENSIONS}f", raw)) == floats


def test_token_arrays_embed_like_their_text(client):
    # The tiny vocabulary: <unk>, 4 ChatML control tokens, 4 tags, 256 bytes, "▁", then printable ASCII;
    # no piece joins punctuation, and no BOS is added.
    printable = [c for c in string.printable if c not in " \t\n\r\x0b\x0c"]
    ids = [266 + printable.index(c) for c in "#%&"]
    text = client.embeddings.create(model=LOCAL, input="#%&", encoding_format="float")
    one = client.embeddings.create(model=LOCAL, input=ids, encoding_format="float")
    several = client.embeddings.create(model=LOCAL, input=[ids, ids[:2]], encoding_format="float")
    assert text.usage.prompt_tokens == one.usage.prompt_tokens == 3
    assert close(text.data[0].embedding, one.data[0].embedding)
    assert close(one.data[0].embedding, several.data[0].embedding)
    assert several.usage.prompt_tokens == 5


def test_a_batch_equals_its_inputs_one_by_one(client):
    texts = [f"input number {i}" for i in range(12)]  # more than the 8 sequences of one batch
    together = client.embeddings.create(model=LOCAL, input=texts, encoding_format="float")
    assert len(together.data) == 12
    for i in (0, 7, 8, 11):
        alone = client.embeddings.create(model=LOCAL, input=texts[i], encoding_format="float")
        assert close(together.data[i].embedding, alone.data[0].embedding, 1e-4), i


def test_engine_refuses_what_it_cannot_do_with_a_400(srv, key):
    cases = [
        ({"input": "x", "dimensions": 32}, "dimensions", None),
        ({"input": [[300] * (CONTEXT + 1)]}, "input", "context_length_exceeded"),
        ({"input": ["ok", [1, 2]]}, "input[1]", None),
        ({"input": [[1, 10_000_000]]}, "input", None),
    ]
    for body, param, code in cases:
        r = post_json(srv, "/v1/embeddings", key, {"model": LOCAL, **body})
        assert_openai_error(r, 400, "invalid_request_error", code if code else r.json()["error"]["code"], param=param)
    # An embedding model does not chat.
    r = post_json(srv, "/v1/chat/completions", key, {"model": LOCAL, "messages": [{"role": "user", "content": "hi"}]})
    assert_openai_error(r, 400, "invalid_request_error", "model_not_supported", param="model")


# --------------------------------------------------------------------------
# An OpenAI-compatible upstream
# --------------------------------------------------------------------------


def test_upstream_embeddings_in_float_and_base64(client, mock):
    texts = ["first", "second text"]
    for encoding in ("float", "base64"):
        reply = client.embeddings.create(model=REMOTE, input=texts, encoding_format=encoding)
        assert reply.model == REMOTE
        for i, text in enumerate(texts):
            vector = reply.data[i].embedding
            if encoding == "base64":  # the SDK decodes only when it chose base64 itself
                vector = struct.unpack("<8f", base64.b64decode(vector))
            assert close(vector, openai_embedding(text), 1e-6)
        assert reply.usage.prompt_tokens == 3
    for request in embedding_requests(mock):
        assert request.json == {"model": REMOTE, "input": texts, "encoding_format": "float"}


def test_upstream_gets_tokens_dimensions_user_and_the_routes_model(client, mock):
    reply = client.embeddings.create(model="renamed", input=[[1, 2, 3]], dimensions=4, user="u-7", encoding_format="float")
    assert len(reply.data[0].embedding) == 4
    (request,) = embedding_requests(mock)
    assert request.json == {"model": "text-embedding-3-large", "input": [[1, 2, 3]], "encoding_format": "float",
                            "dimensions": 4, "user": "u-7"}


def test_upstream_client_error_reaches_the_client_as_a_400(srv, key, mock):
    mock.enqueue(JSONResponse(openai_error_body("input too long", code="context_length_exceeded"), status=400),
                 path="/embeddings")
    r = post_json(srv, "/v1/embeddings", key, {"model": REMOTE, "input": "x"})
    message = assert_openai_error(r, 400, "invalid_request_error", "context_length_exceeded", param=None)
    assert "input too long" in message


def test_malformed_upstream_answer_is_retried_then_a_502(srv, key, mock):
    # Like any upstream failure before the client got a byte: tried again (max_attempts, 2 by default).
    mock.enqueue(JSONResponse({"object": "list", "data": []}), JSONResponse({"data": "no"}), path="/embeddings")
    r = post_json(srv, "/v1/embeddings", key, {"model": REMOTE, "input": "x"})
    message = assert_openai_error(r, 502, "api_error", None, param=None)
    assert message.startswith("backend 'upstream' sent a malformed embeddings response: ")
    assert len(embedding_requests(mock)) == 2


def test_anthropic_backend_cannot_embed(srv, key, mock):
    r = post_json(srv, "/v1/embeddings", key, {"model": "anth-claude", "input": "x"})
    message = assert_openai_error(r, 400, "invalid_request_error", "model_not_supported", param="model")
    assert "cannot create embeddings" in message and "anth" in message
    assert not mock.requests


# --------------------------------------------------------------------------
# The policy chain and usage
# --------------------------------------------------------------------------


def test_usage_rows_count_the_input_tokens(srv):
    name = unique_name("embed-usage")
    c = srv.openai(srv.create_key(name))
    local = c.embeddings.create(model=LOCAL, input=["one", "two"], encoding_format="float")
    remote = c.embeddings.create(model=REMOTE, input="three four five", encoding_format="float")
    c.close()
    rows, _ = poll(lambda: (lambda found: found if len(found) == 2 else None)(usage_rows(srv, name)), timeout=10)
    assert rows == [("embeddings", LOCAL, "embed", 200, local.usage.prompt_tokens, 0),
                    ("embeddings", REMOTE, "upstream", 200, 3, 0)], rows
    summary = srv.cli_json("usage", "--key", name)
    assert sorted((row["model"], row["input_tokens"]) for row in summary) == sorted(
        [(LOCAL, local.usage.prompt_tokens), (REMOTE, 3)])


def test_pii_is_scrubbed_before_the_upstream(srv, mock):
    c = srv.openai(srv.create_key(unique_name("embed-pii"), policy="pii"))
    aws = "AKIAIOSFODNN7EXAMPLE"
    reply = c.embeddings.create(model=REMOTE, input=["mail john@example.com now", f"key {aws}", "clean"],
                                encoding_format="float")
    c.close()
    (request,) = embedding_requests(mock)
    assert "john@example.com" not in request.text and aws not in request.text
    sent = request.json["input"]
    assert sent[0] == "mail [EMAIL] now" and sent[2] == "clean"
    assert sent[1].startswith("key ") and sent[1] != f"key {aws}"
    # What was embedded is the scrubbed text.
    assert close(reply.data[0].embedding, openai_embedding("mail [EMAIL] now"), 1e-6)


def test_content_rules_refuse_the_input(srv, mock):
    key = srv.create_key(unique_name("embed-content"), policy="content")
    r = post_json(srv, "/v1/embeddings", key, {"model": REMOTE, "input": ["fine", "all about project-x"]})
    message = assert_openai_error(r, 403, "permission_error", "content_policy_violation")
    assert message == "Project X may not be discussed."
    assert not embedding_requests(mock)


def test_requests_per_minute_limit_answers_429(srv):
    c = srv.openai(srv.create_key(unique_name("embed-rpm"), policy="rpm2"))
    for _ in range(2):
        c.embeddings.create(model=REMOTE, input="x", encoding_format="float")
    with pytest.raises(openai.RateLimitError) as caught:
        c.embeddings.create(model=REMOTE, input="x", encoding_format="float")
    c.close()
    assert caught.value.status_code == 429
    assert caught.value.response.headers.get("retry-after")
    assert caught.value.body["type"] == "rate_limit_error"


def test_tokens_per_minute_count_the_embedded_tokens(srv):
    key = srv.create_key(unique_name("embed-tpm"), policy="tpm50")
    # 60 tokens, as the upstream counts them: admitted (nothing used yet), then charged.
    r = post_json(srv, "/v1/embeddings", key, {"model": REMOTE, "input": [list(range(60))]})
    assert r.status_code == 200, describe(r)
    assert r.json()["usage"]["prompt_tokens"] == 60
    r = post_json(srv, "/v1/embeddings", key, {"model": REMOTE, "input": "x"})
    assert_openai_error(r, 429, "rate_limit_error", "rate_limit_exceeded")


# --------------------------------------------------------------------------
# Hostile requests
# --------------------------------------------------------------------------


@pytest.mark.parametrize("body, param", [
    ({"model": REMOTE}, "input"),
    ({"model": REMOTE, "input": ""}, "input"),
    ({"model": REMOTE, "input": []}, "input"),
    ({"model": REMOTE, "input": [""]}, "input[0]"),
    ({"model": REMOTE, "input": [[]]}, "input[0]"),
    ({"model": REMOTE, "input": ["x"] * 2049}, "input"),
    ({"model": REMOTE, "input": [["x"]]}, "input[0][0]"),
    ({"model": REMOTE, "input": [1, -2]}, "input[1]"),
    ({"model": REMOTE, "input": [1e300]}, "input[0]"),
    ({"model": REMOTE, "input": {"a": 1}}, "input"),
    ({"model": REMOTE, "input": [[[[1]]]]}, "input[0][0]"),
    ({"model": REMOTE, "input": "x", "encoding_format": "int8"}, "encoding_format"),
    ({"model": REMOTE, "input": "x", "dimensions": -1}, "dimensions"),
    ({"model": REMOTE, "input": "x", "dimensions": "8"}, "dimensions"),
    ({"model": 7, "input": "x"}, "model"),
    ({"input": "x"}, "model"),
], ids=lambda v: str(v)[:40])
def test_hostile_bodies_get_a_400_in_openai_shape(srv, key, mock, body, param):
    r = post_json(srv, "/v1/embeddings", key, body)
    assert_openai_error(r, 400, "invalid_request_error", r.json()["error"]["code"], param=param)
    assert not embedding_requests(mock)


def test_non_json_and_unauthenticated_requests(srv, key):
    r = srv.request("POST", "/v1/embeddings", key=key, headers={"content-type": "application/json"}, data=b"{nope")
    assert_openai_error(r, 400, "invalid_request_error", r.json()["error"]["code"], param=None)
    r = post_json(srv, "/v1/embeddings", None, {"model": REMOTE, "input": "x"})
    assert r.status_code == 401, describe(r)

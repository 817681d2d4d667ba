"""OpenTelemetry: GenAI spans over OTLP/HTTP, W3C trace context in and out, the GenAI metrics.

A small OTLP/HTTP collector runs in the test (`OTLPReceiver`): it decodes each
ExportTraceServiceRequest by hand (protobuf wire format, only the fields the tests read), so
the spans checked are the bytes Sluice really sent.
"""

from __future__ import annotations

import json
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mock_upstream import DEFAULT_TEXT, free_port, server_error
from sluice_harness import ANTHROPIC, OPENAI, parse_prometheus, write_text

CLIENT_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{CLIENT_TRACE_ID}-{CLIENT_SPAN_ID}-01"
PROMPT = "the secret prompt text 8f3a"


# --------------------------------------------------------------------------
# A minimal OTLP/HTTP receiver
# --------------------------------------------------------------------------


def _varint(data: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _fields(data: bytes) -> list[tuple[int, Any]]:
    """(field number, value) pairs: ints for varints, bytes for fixed and length-delimited fields."""
    out, i = [], 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 2:
            length, i = _varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        out.append((number, value))
    return out


def _any_value(data: bytes) -> Any:
    for number, value in _fields(data):
        if number == 1:
            return value.decode()
        if number == 2:
            return bool(value)
        if number == 3:
            return value - (1 << 64) if value >= 1 << 63 else value
        if number == 4:
            return struct.unpack("<d", value)[0]
        if number == 5:
            return [_any_value(v) for n, v in _fields(value) if n == 1]
    return None


def _attributes(pairs: list[tuple[int, Any]], number: int) -> dict[str, Any]:
    attributes = {}
    for n, kv in pairs:
        if n == number:
            entry = dict(_fields(kv))
            attributes[entry[1].decode()] = _any_value(entry.get(2, b""))
    return attributes


def decode_spans(body: bytes) -> list[dict[str, Any]]:
    spans = []
    for n, resource_spans in _fields(body):
        if n != 1:
            continue
        resource_fields = _fields(resource_spans)
        resource = next((_attributes(_fields(v), 1) for k, v in resource_fields if k == 1), {})
        for k, scope_spans in resource_fields:
            if k != 2:
                continue
            for m, span in _fields(scope_spans):
                if m != 2:
                    continue
                f = _fields(span)
                one = {number: value for number, value in f}
                events = []
                for number, event in f:
                    if number == 11:
                        ef = _fields(event)
                        events.append({"name": dict(ef)[2].decode(), "attributes": _attributes(ef, 3)})
                status = dict(_fields(one[15])) if 15 in one else {}
                spans.append({
                    "trace_id": one[1].hex(), "span_id": one[2].hex(), "parent_span_id": one.get(4, b"").hex(),
                    "name": one[5].decode(), "kind": one.get(6, 0), "attributes": _attributes(f, 9), "events": events,
                    "status_code": status.get(3, 0), "resource": resource,
                })
    return spans


class OTLPReceiver:
    """Accepts POST /v1/traces (application/x-protobuf) and keeps the decoded spans."""

    def __init__(self, port: int | None = None):
        self.spans: list[dict[str, Any]] = []
        self.posts: list[tuple[str, str]] = []  # (path, content-type)
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver._cond:
                    receiver.posts.append((self.path, self.headers.get("content-type", "")))
                    receiver.spans.extend(decode_spans(body))
                    receiver._cond.notify_all()
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port or free_port()), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for(self, predicate, timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self.spans):
                left = deadline - time.monotonic()
                assert left > 0, f"spans never matched; got {[s['name'] for s in self.spans]}"
                self._cond.wait(left)
            return list(self.spans)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = OTLPReceiver()
    yield r
    r.close()


def traced_env(receiver: OTLPReceiver, **extra: str) -> dict[str, str]:
    # A short batch delay, so spans arrive while the test waits.
    return {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "100", **extra}


def request_spans(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in spans if s["kind"] == 2]  # SPAN_KIND_SERVER


def children_of(spans: list[dict[str, Any]], parent: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in spans if s["parent_span_id"] == parent["span_id"] and s["trace_id"] == parent["trace_id"]]


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_a_request_span_continues_the_clients_trace_with_genai_attributes(sluice, mock, receiver):
    srv = sluice(env=traced_env(receiver, OTEL_SERVICE_NAME="sluice-under-test"))
    key = srv.create_key("tracer")
    r = OPENAI.post(srv, key, auth="bearer", body=OPENAI.body(text=PROMPT, max_tokens=77),
                    headers={"traceparent": TRACEPARENT, "x-claude-code-session-id": "session-42"})
    assert r.status_code == 200, r.text

    spans = receiver.wait_for(lambda s: request_spans(s))
    [span] = request_spans(spans)
    assert span["trace_id"] == CLIENT_TRACE_ID
    assert span["parent_span_id"] == CLIENT_SPAN_ID
    assert span["name"] == "chat gpt-test-model"
    assert span["resource"].get("service.name") == "sluice-under-test"
    a = span["attributes"]
    assert a["gen_ai.operation.name"] == "chat"
    assert a["gen_ai.provider.name"] == "openai"
    assert a["gen_ai.request.model"] == "gpt-test-model"
    assert a["gen_ai.response.model"]
    assert a["gen_ai.request.max_tokens"] == 77
    assert a["gen_ai.usage.input_tokens"] > 0 and a["gen_ai.usage.output_tokens"] > 0
    assert a["gen_ai.response.finish_reasons"] == ["stop"]
    assert a["sluice.key.name"] == "tracer"
    assert a["session.id"] == "session-42"
    assert a["http.response.status_code"] == 200

    children = children_of(spans, span)
    stages = sorted(c["attributes"].get("sluice.policy.stage") for c in children if c["name"].startswith("policy "))
    assert stages == ["cache", "content", "pii", "rate_limit"]  # the default policy's stages
    [backend] = [c for c in children if c["kind"] == 3]  # SPAN_KIND_CLIENT
    assert backend["attributes"]["sluice.backend"] == "upstream"
    assert [e["name"] for e in backend["events"]] == ["gen_ai.first_token"]
    assert backend["events"][0]["attributes"]["gen_ai.server.time_to_first_token"] >= 0

    # The upstream got the backend call's context: same trace, the backend span as parent.
    [upstream] = mock.model_requests()
    version, trace_id, parent_id, flags = upstream.headers["traceparent"].split("-")
    assert (version, trace_id, parent_id) == ("00", CLIENT_TRACE_ID, backend["span_id"])

    # No prompt or answer text unless the policy asks for it.
    for s in spans:
        for value in s["attributes"].values():
            assert PROMPT not in str(value) and DEFAULT_TEXT not in str(value)
    assert all(path == "/v1/traces" and "protobuf" in ctype for path, ctype in receiver.posts)


def test_a_policy_with_capture_content_puts_prompt_and_answer_on_the_span(sluice, mock, receiver):
    srv = sluice(env=traced_env(receiver), start=False)
    write_text(srv.policies_dir / "captured.yaml", "stages: []\ntelemetry: {capture_content: true}\n")
    srv.start()
    key = srv.create_key("capturer", policy="captured")
    with ANTHROPIC.post(srv, key, body=ANTHROPIC.body(text=PROMPT, stream=True), stream=True) as r:
        assert r.status_code == 200, r.text
        body = r.content.decode()
    assert DEFAULT_TEXT.split()[0] in body

    [span] = request_spans(receiver.wait_for(lambda s: request_spans(s)))
    a = span["attributes"]
    assert a["gen_ai.provider.name"] == "openai"  # the upstream's protocol, whatever the client's
    input_messages = json.loads(a["gen_ai.input.messages"])
    assert input_messages[0]["role"] == "user" and PROMPT in input_messages[0]["parts"][0]["content"]
    output = json.loads(a["gen_ai.output.messages"])
    assert output[0]["role"] == "assistant" and output[0]["parts"][0]["content"] == DEFAULT_TEXT
    assert span["trace_id"] != CLIENT_TRACE_ID and span["parent_span_id"] == ""  # a new trace


def test_a_failed_request_span_says_why(sluice, mock, receiver):
    srv = sluice(env=traced_env(receiver))
    key = srv.create_key()
    mock.enqueue(*[server_error(500) for _ in range(5)])
    r = OPENAI.post(srv, key, auth="bearer", headers={"traceparent": "not-a-traceparent"})
    assert r.status_code >= 500
    [span] = request_spans(receiver.wait_for(lambda s: request_spans(s)))
    assert span["parent_span_id"] == ""  # a malformed traceparent starts a new trace
    assert span["attributes"]["http.response.status_code"] == r.status_code
    assert span["status_code"] == 2  # STATUS_CODE_ERROR
    assert span["attributes"]["error.type"] == "upstream_failed"
    # The upstream never sees what the client sent unparsed.
    assert all(req.headers.get("traceparent", "").split("-")[0] == "00" for req in mock.model_requests())


def test_with_nothing_configured_nothing_is_exported_and_the_clients_trace_passes_through(sluice, mock):
    # A collector on the default OTLP/HTTP port, when it is free: it must hear nothing.
    try:
        default = OTLPReceiver(4318)
    except OSError:
        default = None
    try:
        srv = sluice(env={"OTEL_SERVICE_NAME": "not-enough-to-turn-tracing-on"})
        key = srv.create_key()
        r = OPENAI.post(srv, key, auth="bearer", headers={"traceparent": TRACEPARENT, "tracestate": "vendor=abc"})
        assert r.status_code == 200, r.text
        [upstream] = mock.model_requests()
        assert upstream.headers["traceparent"] == TRACEPARENT
        assert upstream.headers["tracestate"] == "vendor=abc"
        assert "exporting traces" not in srv.log()
        time.sleep(0.5)
        if default is not None:
            assert default.posts == []
    finally:
        if default is not None:
            default.close()


def test_otel_sdk_disabled_wins_over_an_endpoint(sluice, mock, receiver):
    srv = sluice(env=traced_env(receiver, OTEL_SDK_DISABLED="true"))
    key = srv.create_key()
    r = OPENAI.post(srv, key, auth="bearer")
    assert r.status_code == 200, r.text
    assert "exporting traces" not in srv.log()
    srv.stop()  # a running exporter would flush its spans at shutdown
    assert receiver.posts == []


def test_grpc_protocol_is_refused_at_start_with_the_reason(sluice, receiver):
    srv = sluice(env=traced_env(receiver, OTEL_EXPORTER_OTLP_PROTOCOL="grpc"), start=False, migrate=True)
    with pytest.raises(AssertionError, match="not gRPC"):
        srv.start(timeout=10)


def test_genai_histograms_appear_on_metrics_after_a_request(sluice, mock):
    srv = sluice()
    key = srv.create_key()
    with OPENAI.post(srv, key, auth="bearer", stream=True) as r:
        assert r.status_code == 200
        r.content  # noqa: B018 - read the whole stream
    metrics = parse_prometheus(srv.get("/metrics").text)
    counts = {(labels.get("gen_ai_token_type"), labels.get("gen_ai_provider_name")): value
              for name, labels, value in metrics if name == "gen_ai_client_token_usage_count"}
    assert counts[("input", "openai")] == 1 and counts[("output", "openai")] == 1
    token_sums = {labels["gen_ai_token_type"]: value for name, labels, value in metrics
                  if name == "gen_ai_client_token_usage_sum"}
    assert token_sums["input"] > 0 and token_sums["output"] > 0
    ttft = [value for name, labels, value in metrics
            if name == "gen_ai_server_time_to_first_token_seconds_count" and labels.get("gen_ai_operation_name") == "chat"]
    assert ttft == [1]

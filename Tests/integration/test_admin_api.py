"""The admin API (/admin/api/…) through the real server: every endpoint, refused without an admin
credential (401) and with a plain key (403); admin keys on the model API; keys made, used, rotated
and revoked through it; audit rows under the admin's name; usage and spend; policies checked and
tried; live status; hostile input; and the OpenAPI document against what is served.

Most tests share one server (SQLite); the key and audit paths run on PostgreSQL too.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
import requests

from postgres_cluster import PASSWORD, postgres_available
from sluice_harness import ANTHROPIC, KEY_RE, OPENAI, Sluice, describe, poll, unique_name, write_text

# How long a running server may keep honouring a key revoked through the API (the promise is
# one second; the margin absorbs the request round trip).
PROPAGATION = 1.25
CENT_PRICE = {"match": "gpt-*", "input": 600, "output": 800}
# Provider-secret-shaped text the default policy's pii stage tokenizes.
FAKE_SECRET = "sk-ant-api03-" + "Ab1" * 12
CONTENT_POLICY = """stages: [content]
content:
  input:
    - words: [project-x]
      message: "Project X may not be discussed with the model."
"""


class Admin:
    """An admin key's view of one server's admin API."""

    def __init__(self, srv: Sluice, key: str, name: str):
        self.srv, self.key, self.name = srv, key, name

    def call(self, method: str, path: str, body: Any = None, *, key: str | None = None, auth: str | None = "x-api-key",
             headers: dict[str, str] | None = None, data: bytes | str | None = None) -> requests.Response:
        h = dict(headers or {})
        kw: dict[str, Any] = {}
        if body is not None:
            h.setdefault("content-type", "application/json")
            kw["data"] = json.dumps(body)
        elif data is not None:
            kw["data"] = data
        r = self.srv.request(method, "/admin/api" + path, key=key or self.key, auth=auth, headers=h, **kw)
        self.srv.collect_keys(r.text)
        return r

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        r = self.call(method, path, body)
        assert r.status_code == status, describe(r)
        assert r.headers.get("content-type", "").startswith("application/json"), describe(r)
        return r.json()


def assert_admin_error(r: requests.Response, status: int, err_type: str) -> str:
    """Exactly {"error":{"type":T,"message":M}}; never a full key in it."""
    assert r.status_code == status, describe(r)
    assert r.headers.get("content-type", "").startswith("application/json"), describe(r)
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message"}, describe(r)
    assert body["error"]["type"] == err_type, describe(r)
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip(), describe(r)
    assert not KEY_RE.search(r.text), describe(r)
    return body["error"]["message"]


def make_admin(srv: Sluice, *flags: str) -> Admin:
    name = unique_name("admin")
    info = srv.cli_json("keys", "create", "--name", name, "--role", "admin", *flags)
    assert info["role"] == "admin", info
    return Admin(srv, info["key"], name)


def audit_rows(admin: Admin, action: str, target: str) -> list[dict[str, Any]]:
    entries = admin.ok("GET", "/audit?limit=10000")["entries"]
    return [e for e in entries if e["action"] == action and e["target"] == target]


@pytest.fixture(scope="module")
def srv(module_sluice) -> Sluice:
    s = module_sluice(start=False, body_limit=65536, extra_config={"prices": [CENT_PRICE]})
    write_text(s.policies_dir / "guarded.yaml", CONTENT_POLICY)
    # A policy whose name is also a word of the API's own paths.
    write_text(s.policies_dir / "check.yaml", CONTENT_POLICY)
    return s.start()


@pytest.fixture(scope="module")
def admin(srv: Sluice) -> Admin:
    return make_admin(srv)


@pytest.fixture(scope="module")
def fixtures(srv: Sluice, admin: Admin) -> dict[str, str]:
    """A key and a team every endpoint's path can name."""
    key = unique_name("fixture")
    admin.ok("POST", "/keys", {"name": key}, status=201)
    team = unique_name("fixture-team")
    admin.ok("POST", "/teams", {"name": team}, status=201)
    return {"key": key, "team": team, "policy": "default"}


def endpoints(fx: dict[str, str]) -> list[tuple[str, str, Any]]:
    """Every admin route, with a path and body it accepts (changes aimed at throwaway names)."""
    return [
        ("GET", "/keys", None), ("POST", "/keys", {"name": unique_name("ep")}), ("GET", f"/keys/{fx['key']}", None),
        ("PATCH", f"/keys/{fx['key']}", {"policy": None}), ("POST", f"/keys/{fx['key']}/rotate", {"grace": "1h"}),
        ("POST", f"/keys/{fx['key']}/revoke", None), ("GET", "/teams", None), ("POST", "/teams", {"name": unique_name("ep")}),
        ("GET", f"/teams/{fx['team']}", None), ("PATCH", f"/teams/{fx['team']}", {"budget_usd": 5}),
        ("DELETE", f"/teams/{fx['team']}", None), ("GET", "/budgets", None), ("GET", "/usage", None),
        ("GET", "/policies", None), ("POST", "/policy-check", {"yaml": "stages: []\n"}),
        ("GET", f"/policies/{fx['policy']}", None), ("POST", f"/policies/{fx['policy']}/test", {"text": "hi"}),
        ("GET", "/audit", None), ("GET", "/status", None),
    ]


ENDPOINT_IDS = ["list-keys", "create-key", "show-key", "update-key", "rotate-key", "revoke-key", "list-teams",
                "create-team", "show-team", "update-team", "remove-team", "budgets", "usage", "list-policies",
                "check-policy", "show-policy", "test-policy", "audit", "status"]


# --------------------------------------------------------------------------
# Who may call it
# --------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(ENDPOINT_IDS)), ids=ENDPOINT_IDS)
def test_every_endpoint_refuses_a_request_without_credentials(srv, admin, fixtures, index):
    method, path, body = endpoints(fixtures)[index]
    r = admin.call(method, path, body, auth=None)
    assert "admin key" in assert_admin_error(r, 401, "authentication_error")
    assert r.headers.get("www-authenticate") == "Bearer", describe(r)


@pytest.mark.parametrize("index", range(len(ENDPOINT_IDS)), ids=ENDPOINT_IDS)
def test_every_endpoint_refuses_a_plain_key(srv, admin, fixtures, index):
    method, path, body = endpoints(fixtures)[index]
    plain = srv.create_key()
    assert "--role admin" in assert_admin_error(admin.call(method, path, body, key=plain), 403, "permission_error")
    # A plain key with every model is still a plain key.
    everything = srv.create_key(models="*")
    assert_admin_error(admin.call(method, path, body, key=everything, auth="bearer"), 403, "permission_error")


def test_unknown_revoked_and_rotated_away_keys_are_401(srv, admin):
    assert "invalid" in assert_admin_error(admin.call("GET", "/keys", key="sk-sluice-" + "x" * 40), 401, "authentication_error")
    other = make_admin(srv)
    admin.ok("POST", f"/keys/{other.name}/revoke")
    r, _ = poll(lambda: admin.call("GET", "/keys", key=other.key).status_code == 401, PROPAGATION)
    assert "revoked" in assert_admin_error(admin.call("GET", "/keys", key=other.key), 401, "authentication_error")


def test_an_admin_key_without_models_is_refused_by_the_model_api_in_each_protocol(srv, admin, mock):
    ANTHROPIC.assert_error(ANTHROPIC.post(srv, admin.key), "permission")
    OPENAI.assert_error(OPENAI.post(srv, admin.key, auth="bearer"), "permission")
    r = srv.post("/v1/embeddings", key=admin.key, json={"model": OPENAI.model, "input": "hi"})
    assert r.status_code == 403, describe(r)
    assert srv.get("/v1/models", key=admin.key).status_code == 403
    assert mock.model_requests() == []
    # Given models, it may call the model API for them.
    both = make_admin(srv, "--models", "*")
    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, both.key))
    OPENAI.assert_ok(OPENAI.post(srv, both.key))
    assert both.ok("GET", "/keys")["keys"]


def test_the_bearer_form_of_an_admin_key_works(srv, admin):
    r = admin.call("GET", "/keys", auth="bearer")
    assert r.status_code == 200, describe(r)


# --------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------


def test_a_key_made_through_the_api_works_until_revoked_through_it(srv, admin, mock):
    name = unique_name("api-key")
    made = admin.ok("POST", "/keys", {"name": name, "models": ["claude-*", "gpt-*"], "requests_per_minute": 100}, status=201)
    secret = made["key"]
    assert re.fullmatch(r"sk-sluice-[A-Za-z0-9]{40}", secret) and made["prefix"] == secret[:14], made
    assert (made["role"], made["status"], made["requests_per_minute"]) == ("user", "active", 100), made
    # The secret is shown once: never in a listing or a show.
    listed = {k["name"]: k for k in admin.ok("GET", "/keys")["keys"]}
    assert "key" not in listed[name] and "key" not in admin.ok("GET", f"/keys/{name}")
    assert secret not in json.dumps(admin.ok("GET", "/audit?limit=10000"))

    ANTHROPIC.assert_ok(ANTHROPIC.post(srv, secret))
    assert len(mock.model_requests()) == 1

    revoked = admin.ok("POST", f"/keys/{name}/revoke")
    assert revoked["status"] == "revoked" and revoked["revoked_at"], revoked
    started = time.monotonic()
    r, elapsed = poll(lambda: (lambda r: r if r.status_code == 401 else None)(ANTHROPIC.post(srv, secret)), PROPAGATION)
    assert r is not None, f"a key revoked through the API still worked after {time.monotonic() - started:.2f}s"
    ANTHROPIC.assert_error(r, "auth")
    served = len(mock.model_requests())
    ANTHROPIC.assert_error(ANTHROPIC.post(srv, secret), "auth")
    assert len(mock.model_requests()) == served, "a refused request reached the upstream"


def test_a_key_is_updated_rotated_with_grace_and_each_change_is_audited_under_the_admin(srv, admin, fixtures):
    name = unique_name("lifecycle")
    first = admin.ok("POST", "/keys", {"name": name, "budget_usd": "2.50", "budget_period": "week", "expires_in": "30d"},
                     status=201)["key"]
    assert OPENAI.post(srv, first).status_code == 200

    updated = admin.ok("PATCH", f"/keys/{name}", {"team": fixtures["team"], "models": ["gpt-*"], "policy": "default",
                                                 "budget_usd": 7})
    assert (updated["team"], updated["models"], updated["policy"]) == (fixtures["team"], ["gpt-*"], "default"), updated
    assert (updated["budget_usd"], updated["budget_period"]) == (7, "week"), updated
    shown, _ = poll(lambda: (lambda k: k if k["spent_usd"] else None)(admin.ok("GET", f"/keys/{name}")), 5.0, 0.1)
    assert shown and shown["spent_usd"] == pytest.approx(0.01) and shown["budget_resets_at"], shown
    cleared = admin.ok("PATCH", f"/keys/{name}", {"team": None, "budget_usd": None, "models": None, "policy": None})
    assert (cleared["team"], cleared["budget_usd"], cleared["models"], cleared["policy"]) == (None, None, [], None), cleared

    rotated = admin.ok("POST", f"/keys/{name}/rotate", {"grace": "10m"})
    second = rotated["key"]
    assert second != first and rotated["previous_key_expires_at"], rotated
    assert OPENAI.post(srv, second).status_code == 200
    assert OPENAI.post(srv, first).status_code == 200, "the old secret stops only after its grace"
    third = admin.ok("POST", f"/keys/{name}/rotate")["key"]
    _, elapsed = poll(lambda: OPENAI.post(srv, second).status_code == 401, PROPAGATION)
    assert OPENAI.post(srv, second).status_code == 401 and OPENAI.post(srv, third).status_code == 200

    actor = f"admin:{admin.name}"
    for action, count in (("key.created", 1), ("key.updated", 2), ("key.rotated", 2)):
        rows = audit_rows(admin, action, name)
        assert len(rows) == count and all(r["actor"] == actor for r in rows), (action, rows)
    changes = audit_rows(admin, "key.updated", name)[-1]["details"]
    assert changes["team"] == {"from": None, "to": fixtures["team"]} and changes["budget_usd"] == {"from": 2.5, "to": 7}, changes
    text = json.dumps(admin.ok("GET", "/audit?limit=10000"))
    assert not any(secret in text for secret in (first, second, third))
    assert admin.ok("PATCH", f"/keys/{name}", {"policy": None})["policy"] is None
    assert len(audit_rows(admin, "key.updated", name)) == 2, "a change that changes nothing is not audited"


def test_an_admin_key_made_through_the_api_can_call_it(srv, admin):
    made = admin.ok("POST", "/keys", {"name": unique_name("second-admin"), "role": "admin"}, status=201)
    other = Admin(srv, made["key"], made["name"])
    assert other.ok("GET", "/status")["database"] == "reachable"
    ANTHROPIC.assert_error(ANTHROPIC.post(srv, made["key"]), "permission")


# --------------------------------------------------------------------------
# Teams and budgets
# --------------------------------------------------------------------------


def test_teams_are_made_shown_changed_and_removed_with_audit_rows(srv, admin):
    team = unique_name("team")
    made = admin.ok("POST", "/teams", {"name": team, "budget_usd": 10, "budget_period": "day", "policy": "default"}, status=201)
    assert (made["name"], made["budget_usd"], made["budget_period"], made["policy"]) == (team, 10, "day", "default"), made
    assert team in [t["name"] for t in admin.ok("GET", "/teams")["teams"]]
    member = unique_name("member")
    secret = admin.ok("POST", "/keys", {"name": member, "team": team}, status=201)["key"]
    assert OPENAI.post(srv, secret).status_code == 200
    shown, _ = poll(lambda: (lambda t: t if t["spent_usd"] else None)(admin.ok("GET", f"/teams/{team}")), 5.0, 0.1)
    assert shown and shown["keys"] == [member] and shown["spent_usd"] == pytest.approx(0.01) and shown["budget_resets_at"], shown
    budgets = {(b["scope"], b["name"]): b for b in admin.ok("GET", "/budgets")["budgets"]}
    assert budgets[("team", team)]["spent_usd"] == pytest.approx(0.01) and budgets[("team", team)]["budget_usd"] == 10

    changed = admin.ok("PATCH", f"/teams/{team}", {"budget_usd": 20, "budget_period": "month", "policy": None})
    assert (changed["budget_usd"], changed["budget_period"], changed["policy"]) == (20, "month", None), changed
    # A team with keys cannot go: the refusal names them.
    assert member in assert_admin_error(admin.call("DELETE", f"/teams/{team}"), 400, "invalid_request_error")
    admin.ok("PATCH", f"/keys/{member}", {"team": None})
    assert admin.ok("DELETE", f"/teams/{team}") == {"removed": team}
    assert_admin_error(admin.call("GET", f"/teams/{team}"), 404, "not_found_error")

    actor = f"admin:{admin.name}"
    for action in ("team.created", "team.updated", "team.removed"):
        rows = audit_rows(admin, action, team)
        assert len(rows) == 1 and rows[0]["actor"] == actor, (action, rows)
    assert audit_rows(admin, "team.updated", team)[0]["details"]["budget_usd"] == {"from": 10, "to": 20}


# --------------------------------------------------------------------------
# Usage and spend
# --------------------------------------------------------------------------


def test_usage_and_spend_by_key_team_model_session_and_day_over_ranges(srv, admin):
    team = unique_name("usage-team")
    admin.ok("POST", "/teams", {"name": team}, status=201)
    names = [unique_name("usage"), unique_name("usage")]
    secrets = [admin.ok("POST", "/keys", {"name": n, "team": team}, status=201)["key"] for n in names]
    for i in range(3):
        assert OPENAI.post(srv, secrets[0], headers={"x-claude-code-session-id": "sess-1"}).status_code == 200
    assert OPENAI.post(srv, secrets[1]).status_code == 200

    def rows(query: str) -> list[dict[str, Any]]:
        return admin.ok("GET", "/usage?" + query)["rows"]

    def mine(query: str) -> list[dict[str, Any]]:
        return [r for r in rows(query) if r.get("key") in names or r.get("team") == team]

    got, _ = poll(lambda: (lambda r: r if sum(x["requests"] for x in r) >= 4 else None)(mine("by=key")), 5.0, 0.1)
    assert got, mine("by=key")
    by_key = {r["key"]: r for r in got}
    assert by_key[names[0]]["requests"] == 3 and by_key[names[1]]["requests"] == 1, by_key
    assert by_key[names[0]]["cost_usd"] == pytest.approx(0.03), by_key
    assert [(r["team"], r["requests"]) for r in mine("by=team")] == [(team, 4)]
    models = mine("by=model")
    assert {(r["key"], r["model"]) for r in models} == {(names[0], OPENAI.model), (names[1], OPENAI.model)}, models
    sessions = {(r["key"], r["session"]): r["requests"] for r in mine("by=session")}
    assert sessions == {(names[0], "sess-1"): 3, (names[1], "-"): 1}, sessions
    one = admin.ok("GET", f"/usage?by=key&key={names[1]}")
    assert [r["key"] for r in one["rows"]] == [names[1]] and one["key"] == names[1], one
    days = rows("by=day&since=1d")
    assert len(days) == 1 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", days[0]["day"]) and days[0]["requests"] >= 4, days
    # Ranges: the past holds none of it; a range around now holds all of it.
    assert rows("by=key&from=2000-01-01&to=2000-01-02") == []
    wide = admin.ok("GET", "/usage?by=key&from=2000-01-01&to=2999-01-01")
    assert wide["from"].startswith("2000-01-01") and wide["to"].startswith("2999-01-01"), wide
    assert sum(r["requests"] for r in wide["rows"] if r["key"] in names) == 4


# --------------------------------------------------------------------------
# Policies
# --------------------------------------------------------------------------


def test_policies_are_listed_shown_and_checked_without_loading_a_draft(srv, admin):
    listed = admin.ok("GET", "/policies")
    by_name = {p["name"]: p for p in listed["policies"]}
    assert listed["default"] == "default" and by_name["default"]["default"] is True and by_name["default"]["valid"], listed
    assert by_name["guarded"]["stages"] == ["content"], by_name
    shown = admin.ok("GET", "/policies/default")
    assert shown["stages"] == ["rate_limit", "pii", "content", "cache"] and shown["check"] == {"valid": True}, shown
    assert shown["settings"]["pii"]["detectors"]["provider_secret"] == "tokenize", shown

    assert admin.ok("POST", "/policy-check", {"yaml": "stages: [pii]\npii: {detectors: {email: redact}}\n"}) == {"valid": True}
    bad = admin.ok("POST", "/policy-check", {"yaml": "stages: [pii, nonsense]\n", "name": "draft"})
    assert bad["valid"] is False and bad["line"] == 1 and "nonsense" in bad["error"], bad
    # Checking loads nothing: the draft is not a policy now.
    assert "draft" not in {p["name"] for p in admin.ok("GET", "/policies")["policies"]}
    assert_admin_error(admin.call("GET", "/policies/draft"), 404, "not_found_error")


def test_a_text_tried_against_the_default_policy_shows_the_secret_scrubbed(srv, admin, mock):
    text = f"deploy with {FAKE_SECRET} tonight"
    trial = admin.ok("POST", "/policies/default/test", {"text": text})
    assert trial["refused"] is False and trial["reason"] is None, trial
    assert FAKE_SECRET not in trial["upstream"] and "deploy with" in trial["upstream"], trial
    assert any(f.startswith("pii:") for f in trial["found"]), trial
    refused = admin.ok("POST", "/policies/guarded/test", {"text": "tell me about project-x"})
    assert refused["refused"] is True and refused["reason"] == "Project X may not be discussed with the model.", refused
    assert refused["upstream"] is None
    assert admin.ok("POST", "/policies/guarded/test", {"text": "hello"})["refused"] is False
    assert mock.model_requests() == [], "a trial never reaches a backend"
    assert_admin_error(admin.call("POST", "/policies/nope/test", {"text": "x"}), 404, "not_found_error")


def test_a_policy_named_check_is_shown_and_tried_like_any_other(srv, admin):
    assert admin.ok("GET", "/policies/check")["stages"] == ["content"]
    assert admin.ok("POST", "/policies/check/test", {"text": "tell me about project-x"})["refused"] is True
    assert admin.ok("POST", "/policy-check", {"yaml": "stages: []\n"}) == {"valid": True}


# --------------------------------------------------------------------------
# Audit log and status
# --------------------------------------------------------------------------


def test_the_audit_log_is_newest_first_and_honours_since_and_limit(srv, admin):
    names = [unique_name("audit") for _ in range(3)]
    for n in names:
        admin.ok("POST", "/teams", {"name": n}, status=201)
    last_two = admin.ok("GET", "/audit?limit=2")["entries"]
    assert [e["target"] for e in last_two] == [names[2], names[1]], last_two
    assert admin.ok("GET", "/audit?since=2999-01-01T00:00:00Z")["entries"] == []
    recent = admin.ok("GET", "/audit?since=1h&limit=10000")["entries"]
    assert {n for n in names} <= {e["target"] for e in recent}
    assert all(e["id"] > 0 and e["at"] for e in recent)


def test_status_shows_backends_replicas_cache_and_recent_errors(srv, admin):
    srv.request("POST", "/v1/chat/completions", key="sk-sluice-" + "y" * 40, headers={"content-type": "application/json"},
                data=json.dumps(OPENAI.body()))
    status = admin.ok("GET", "/status")
    assert status["database"] == "reachable" and status["requests"] > 0, status
    (upstream,) = status["backends"]
    assert (upstream["name"], upstream["kind"], upstream["status"], upstream["engine"]) == ("upstream", "openai", "available", None)
    (replica,) = upstream["replicas"]
    assert replica["url"] == srv.config["backends"][0]["url"] and replica["available"] is True, replica
    assert set(status["cache"]) == {"hits", "misses", "hit_rate"}
    errors = [e for e in status["recent_errors"] if e["path"] == "/v1/chat/completions" and e["status"] == 401]
    assert errors and errors[0]["error"] == "authentication_error" and errors[0]["request_id"].startswith("req_"), status


def test_status_counts_cache_hits(sluice, mock):
    srv = sluice(start=False)
    write_text(srv.policies_dir / "cached.yaml", "stages: [cache]\ncache: {enabled: true, scope: shared}\n")
    srv.start()
    admin = make_admin(srv)
    key = srv.create_key(policy="cached")
    for _ in range(3):
        assert OPENAI.post(srv, key, body=OPENAI.body(text="same question")).status_code == 200
    cache = admin.ok("GET", "/status")["cache"]
    assert (cache["hits"], cache["misses"]) == (2, 1) and cache["hit_rate"] == pytest.approx(2 / 3), cache


# --------------------------------------------------------------------------
# Hostile input
# --------------------------------------------------------------------------


@pytest.mark.parametrize("method,path,data,status,err_type", [
    ("POST", "/keys", "{not json", 400, "invalid_request_error"),
    ("POST", "/keys", "[1, 2]", 400, "invalid_request_error"),
    ("POST", "/keys", "", 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": 5}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "has space"}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "role": "root"}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "models": "gpt-*"}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "requests_per_minute": 0}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "requests_per_minute": "9"}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "budget_usd": -1}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "budget_usd": [1]}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "budget_period": "year", "budget_usd": 1}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "expires_in": "soon"}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "frobnicate": True}), 400, "invalid_request_error"),
    ("POST", "/keys", json.dumps({"name": "x", "team": "no-such-team"}), 404, "not_found_error"),
    ("PATCH", "/keys/no-such-key", json.dumps({"policy": None}), 404, "not_found_error"),
    ("PATCH", "/keys/{key}", json.dumps({}), 400, "invalid_request_error"),
    ("PATCH", "/keys/{key}", json.dumps({"team": 7}), 400, "invalid_request_error"),
    ("PATCH", "/keys/{key}", json.dumps({"budget_period": "day"}), 400, "invalid_request_error"),
    ("PATCH", "/keys/{key}", json.dumps({"budget_usd": None, "budget_period": "day"}), 400, "invalid_request_error"),
    ("GET", "/keys/no-such-key", None, 404, "not_found_error"),
    ("POST", "/keys/no-such-key/rotate", None, 404, "not_found_error"),
    ("POST", "/keys/{key}/rotate", json.dumps({"grace": -5}), 400, "invalid_request_error"),
    ("POST", "/keys/no-such-key/revoke", None, 404, "not_found_error"),
    ("GET", "/teams/no-such-team", None, 404, "not_found_error"),
    ("PATCH", "/teams/no-such-team", json.dumps({"budget_usd": 1}), 404, "not_found_error"),
    ("DELETE", "/teams/no-such-team", None, 404, "not_found_error"),
    ("POST", "/teams", json.dumps({"name": ""}), 400, "invalid_request_error"),
    ("POST", "/teams", json.dumps({"budget_usd": 1}), 400, "invalid_request_error"),
    ("POST", "/policy-check", json.dumps({"yaml": 3}), 400, "invalid_request_error"),
    ("POST", "/policy-check", json.dumps({"yaml": "stages: [\n  - ]]]: {"}), 200, None),
    ("POST", "/policies/default/test", json.dumps({"text": None}), 400, "invalid_request_error"),
    ("GET", "/usage?by=planet", None, 400, "invalid_request_error"),
    ("GET", "/usage?from=yesterday", None, 400, "invalid_request_error"),
    ("GET", "/usage?from=2030-01-02&to=2030-01-01", None, 400, "invalid_request_error"),
    ("GET", "/usage?since=1d&from=2030-01-01", None, 400, "invalid_request_error"),
    ("GET", "/usage?colour=red", None, 400, "invalid_request_error"),
    ("GET", "/audit?limit=0", None, 400, "invalid_request_error"),
    ("GET", "/audit?limit=many", None, 400, "invalid_request_error"),
    ("GET", "/audit?since=whenever", None, 400, "invalid_request_error"),
    ("GET", "/no-such-endpoint", None, 404, "not_found_error"),
    ("PUT", "/keys", None, 404, "not_found_error"),
])
def test_hostile_input_is_a_4xx_in_the_admin_error_shape(srv, admin, fixtures, method, path, data, status, err_type):
    headers = {"content-type": "application/json"} if data is not None else {}
    r = admin.call(method, path.replace("{key}", fixtures["key"]), headers=headers, data=data)
    if err_type is None:
        assert r.status_code == status and r.json()["valid"] is False, describe(r)
    else:
        assert_admin_error(r, status, err_type)


def test_bodies_past_the_limit_or_not_json_are_refused(srv, admin):
    huge = json.dumps({"name": "x" * 100_000})
    assert_admin_error(admin.call("POST", "/keys", headers={"content-type": "application/json"}, data=huge), 413,
                       "request_too_large")
    assert_admin_error(admin.call("POST", "/keys", headers={"content-type": "text/plain"}, data='{"name":"x"}'), 415,
                       "unsupported_media_type")
    assert admin.ok("GET", "/status")["database"] == "reachable"


# --------------------------------------------------------------------------
# The OpenAPI document
# --------------------------------------------------------------------------


def test_the_openapi_document_is_valid_and_matches_the_served_routes(srv, admin, fixtures):
    from openapi_spec_validator import validate

    r = srv.get("/admin/api/openapi.json", auth=None)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), describe(r)
    document = r.json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    documented = {(m.upper(), p) for p, item in document["paths"].items() for m in item if m != "parameters"}
    templates = {"key": "{key}", "team": "{team}", "policy": "{policy}"}
    served = {(m, "/admin/api" + p) for m, p, _ in endpoints(templates)} | {("GET", "/admin/api/openapi.json")}
    assert documented == served, (documented - served, served - documented)
    # Every documented operation is served: no route-level 404 or 405 for any of them.
    values = {**fixtures, "key": unique_name("probe"), "team": unique_name("probe")}
    for method, path in sorted(documented):
        probe = path.replace("/admin/api", "").format(**values)
        r = admin.call(method, probe, headers={"content-type": "application/json"}, data="{}")
        assert r.status_code != 405 and "no route for" not in r.text and "method not allowed" not in r.text, (method, path, describe(r))


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not installed")
def test_keys_and_audit_through_the_api_on_postgresql(sluice, mock, postgres):
    url = postgres.create_database()
    config = {"database": url, "database_password_env": "SLUICE_DB_PASSWORD", "database_pool": 4}
    replicas = [sluice(start=False, extra_config=config, env={"SLUICE_DB_PASSWORD": PASSWORD}, migrate=False)
                for _ in range(2)]
    for replica in replicas:
        replica.start()
    info = replicas[0].cli_json("keys", "create", "--name", "pg-admin", "--role", "admin", "--config", replicas[0].config_path)
    assert info["role"] == "admin"
    replicas[0].collect_keys(info["key"])
    admins = [Admin(replica, info["key"], "pg-admin") for replica in replicas]
    plain = replicas[0].cli_json("keys", "create", "--name", "pg-plain", "--config", replicas[0].config_path)["key"]
    replicas[0].collect_keys(plain)
    assert_admin_error(admins[1].call("GET", "/keys", key=plain), 403, "permission_error")
    ANTHROPIC.assert_error(ANTHROPIC.post(replicas[1], info["key"]), "permission")

    made = admins[0].ok("POST", "/keys", {"name": "pg-user", "models": ["*"]}, status=201)
    ANTHROPIC.assert_ok(ANTHROPIC.post(replicas[1], made["key"]))
    assert admins[1].ok("GET", "/keys/pg-user")["role"] == "user"
    admins[1].ok("PATCH", "/keys/pg-user", {"models": ["claude-*"]})
    rotated = admins[0].ok("POST", "/keys/pg-user/rotate")["key"]
    admins[1].ok("POST", "/keys/pg-user/revoke")
    r, _ = poll(lambda: (lambda r: r if r.status_code == 401 else None)(ANTHROPIC.post(replicas[0], rotated)), PROPAGATION)
    assert r is not None, "a key revoked on one replica still worked on the other"
    entries = admins[0].ok("GET", "/audit?limit=100")["entries"]
    seen = [(e["action"], e["actor"]) for e in entries if e["target"] == "pg-user"]
    assert seen == [("key.revoked", "admin:pg-admin"), ("key.rotated", "admin:pg-admin"), ("key.updated", "admin:pg-admin"),
                    ("key.created", "admin:pg-admin")], seen
    assert {k["name"]: k["role"] for k in admins[1].ok("GET", "/keys")["keys"]} == {
        "pg-admin": "admin", "pg-plain": "user", "pg-user": "user"}


@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not installed")
def test_db_copy_carries_the_admin_role_to_postgresql(sluice, postgres):
    single = sluice(start=False)
    single.cli_json("keys", "create", "--name", "root-admin", "--role", "admin")
    single.create_key("worker")
    target = postgres.create_database().replace("postgres://sluice@", f"postgres://sluice:{PASSWORD}@")
    assert single.cli_json("db", "copy", "--from", single.db, "--to", target, database=False)["keys_copied"] == 2
    copied = {k["name"]: k["role"] for k in single.cli_json("keys", "list", "--database", target, database=False)}
    assert copied == {"root-admin": "admin", "worker": "user"}, copied

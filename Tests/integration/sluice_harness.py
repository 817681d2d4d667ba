"""Process and protocol helpers for the Sluice integration tests.

`Sluice` wraps one `sluice` working directory: its YAML config, its SQLite
database, the server process (optional) and the admin CLI run against the same
database.  The pytest fixtures in conftest.py build these; tests use the
protocol helpers (`ANTHROPIC`, `OPENAI`, `assert_*_error`, `iter_sse`, …).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence
from unittest.mock import ANY

import pytest
import requests

from mock_upstream import DEFAULT_TEXT, free_port, parse_sse

REPO_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = REPO_ROOT / "migrations" / "sqlite"  # the SQLite dialect; postgres/ is tested by test_replicas.py
POLICIES_DIR = REPO_ROOT / "policies"

UPSTREAM_SECRET = "upstream-secret"
ANTHROPIC_VERSION = "2023-06-01"
HTTP_TIMEOUT = 30.0  # every HTTP call made by the tests
CLI_TIMEOUT = 60.0  # every admin CLI invocation
START_TIMEOUT = 30.0  # serve → /healthz
STOP_TIMEOUT = 15.0  # SIGTERM → exit

#: A full Sluice key, as the spec defines it.
KEY_RE = re.compile(r"sk-sluice-[0-9A-Za-z]{32,}")
KEY_FULL_RE = re.compile(r"^sk-sluice-[0-9A-Za-z]{32,}$")

#: Environment variables of the test process that must not reach sluice.
_SCRUB_ENV = ("SLUICE_DATABASE", "SLUICE_CONFIG", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
              "all_proxy", "ALL_PROXY")

#: Every Sluice instance currently alive; the autouse fixture checks each for key leaks after every test.
LIVE_INSTANCES: list["Sluice"] = []


# --------------------------------------------------------------------------
# Binaries
# --------------------------------------------------------------------------


def sluice_binary() -> Path:
    p = Path(os.environ.get("SLUICE_BIN", ".build/debug/sluice"))
    return p if p.is_absolute() else (REPO_ROOT / p)


def binary_available() -> bool:
    p = sluice_binary()
    return p.is_file() and os.access(p, os.X_OK)


def require_binary() -> Path:
    """Skip (or, with SLUICE_REQUIRE_BIN=1, fail) when the sluice binary is missing."""
    p = sluice_binary()
    if not binary_available():
        msg = f"sluice binary not found at {p} (build it with `swift build` or set SLUICE_BIN)"
        if os.environ.get("SLUICE_REQUIRE_BIN") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return p


def claude_cli_path() -> Path | None:
    spec = importlib.util.find_spec("claude_agent_sdk")
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(list(spec.submodule_search_locations)[0]) / "_bundled" / "claude"
    return p if p.is_file() else None


def run_claude_code(url: str, workdir: Path, key_env: dict[str, str], prompt: str, *, allowed_tools: str = "Write",
                    model: str = "claude-sonnet-4-5", extra_env: dict[str, str] | None = None,
                    timeout: float = 120) -> subprocess.CompletedProcess:
    """`claude -p PROMPT` in `workdir` against the gateway at `url`, with a home of its own."""
    binary = claude_cli_path()
    assert binary is not None, "claude-agent-sdk (with its bundled claude CLI) must be installed: see requirements.txt"
    home = workdir.parent / f"{workdir.name}-home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "CLAUDE_"))}
    env.update({
        "ANTHROPIC_BASE_URL": url,
        "HOME": str(home),
        "CLAUDE_CONFIG_DIR": str(home / ".claude"),
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_TELEMETRY": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        **key_env,
        **(extra_env or {}),
    })
    return subprocess.run([str(binary), "-p", prompt, "--allowedTools", allowed_tools, "--model", model],
                          cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


#: Mark for tests that drive the real `claude` CLI bundled with claude-agent-sdk.
requires_claude = pytest.mark.skipif(claude_cli_path() is None,
                                     reason="claude_agent_sdk/_bundled/claude is not installed")


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB_ENV}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["UPSTREAM_API_KEY"] = UPSTREAM_SECRET
    if extra:
        env.update(extra)
    return env


def run_sluice(args: Sequence[str | os.PathLike[str]], *, env: dict[str, str] | None = None,
               cwd: str | os.PathLike[str] | None = None, timeout: float = CLI_TIMEOUT,
               input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the sluice binary once (bounded by timeout) and capture its output."""
    argv = [str(require_binary()), *map(str, args)]
    return subprocess.run(argv, cwd=cwd, env=env if env is not None else base_env(), capture_output=True,
                          text=True, timeout=timeout, input=input)


# --------------------------------------------------------------------------
# YAML (a tiny emitter: every string is a double-quoted JSON string, which is valid YAML)
# --------------------------------------------------------------------------


def _yaml_scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(str(v))


def to_yaml(obj: Any, indent: int = 0) -> str:
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:")
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, (dict, list)):
                lines.append(f"{pad}{k}: {'{}' if isinstance(v, dict) else '[]'}")
            else:
                lines.append(f"{pad}{k}: {_yaml_scalar(v)}")
    elif isinstance(obj, list):
        for item in obj:
            if isinstance(item, dict) and item:
                sub = to_yaml(item, indent + 1).splitlines()
                lines.append(f"{pad}- {sub[0].lstrip()}")
                lines.extend(sub[1:])
            elif isinstance(item, list) and item:
                lines.append(f"{pad}-")
                lines.append(to_yaml(item, indent + 1))
            else:
                lines.append(f"{pad}- {_yaml_scalar(item) if not isinstance(item, (dict, list)) else '[]'}")
    else:
        lines.append(pad + _yaml_scalar(obj))
    return "\n".join(lines)


def backend(name: str, url: str, type: str = "openai", **extra: Any) -> dict[str, Any]:
    """A backends: entry.  extra: connect_timeout="2s", read_timeout="5s", …"""
    b: dict[str, Any] = {"name": name, "type": type, "url": url, "api_key_env": "UPSTREAM_API_KEY"}
    b.update(extra)
    return b


def route(match: str, backend: str | None = None, *, backends: list[str] | None = None,
          model: str | None = None) -> dict[str, Any]:
    r: dict[str, Any] = {"match": match}
    if backends is not None:
        r["backends"] = backends
    else:
        r["backend"] = backend or "upstream"
    if model is not None:
        r["model"] = model
    return r


def unique_name(prefix: str = "key") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# --------------------------------------------------------------------------
# One sluice working directory / process
# --------------------------------------------------------------------------


class Sluice:
    """A sluice config + database in its own directory, optionally serving.

    Attributes: url, port, db, config_path, workdir, proc, keys (name → JSON from create/rotate),
    minted_keys (every full key seen in CLI output).
    """

    def __init__(self, workdir: Path, upstream_url: str | None, *, backends: list[dict[str, Any]] | None = None,
                 routes: list[dict[str, Any]] | None = None, extra_config: dict[str, Any] | None = None,
                 body_limit: int | None = None, log_format: str = "text", env: dict[str, str] | None = None,
                 serve_args: Sequence[str] = ()):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db = self.workdir / "sluice.sqlite"
        self.config_path = self.workdir / "sluice.yaml"
        self.log_path = self.workdir / "sluice.log"
        self.policies_dir = self.workdir / "policies"
        self._copy_policies()
        self.log_format = log_format
        self.env_extra = dict(env or {})
        self.serve_args = list(serve_args)
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.keys: dict[str, dict[str, Any]] = {}
        self.minted_keys: set[str] = set()
        self._reported_leaks: set[str] = set()
        self.signalled = False  # set once the test or the harness sent a signal
        self._lock = threading.Lock()
        if backends is None:
            assert upstream_url is not None, "either backends or an upstream url"
            backends = [backend("upstream", upstream_url, connect_timeout="2s", read_timeout="5s")]
        if routes is None:
            routes = [route("*", "upstream")]
        self.config: dict[str, Any] = {
            "listen": f"127.0.0.1:{self.port}",
            "database": str(self.db),
            "policies_dir": str(self.policies_dir),
            "default_policy": "default",
        }
        if body_limit is not None:
            self.config["body_limit"] = body_limit
        self.config["backends"] = backends
        self.config["routes"] = routes
        self.config.update(extra_config or {})
        self.write_config()

    def _copy_policies(self) -> None:
        self.policies_dir.mkdir(exist_ok=True)
        if POLICIES_DIR.is_dir():
            for f in POLICIES_DIR.iterdir():
                if f.is_file():
                    (self.policies_dir / f.name).write_bytes(f.read_bytes())

    # -- config --------------------------------------------------------------

    def write_config(self) -> None:
        self.config["listen"] = f"127.0.0.1:{self.port}"
        self.config_path.write_text(to_yaml(self.config) + "\n", encoding="utf-8")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        e = base_env(self.env_extra)
        if extra:
            e.update(extra)
        return e

    # -- process ---------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = START_TIMEOUT) -> "Sluice":
        binary = require_binary()
        for attempt in range(3):
            argv = [str(binary), "serve", "--config", str(self.config_path), "--log-format", self.log_format,
                    *self.serve_args]
            with open(self.log_path, "ab") as logf:
                self.proc = subprocess.Popen(argv, cwd=self.workdir, env=self.env(), stdin=subprocess.DEVNULL,
                                             stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
            if self._wait_healthy(timeout):
                return self
            log = self.log()
            if attempt < 2 and re.search(r"in use|EADDRINUSE|bind", log, re.I):
                self.port = free_port()  # lost the race for the port; try another
                self.write_config()
                continue
            self.signalled = True  # reported here; the teardown need not report it again
            self.kill()
            raise AssertionError(f"sluice did not become healthy (rc={self.proc.poll()}); log:\n{log[-4000:]}")
        raise AssertionError("unreachable")

    def _wait_healthy(self, timeout: float) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                r = http("GET", self.url + "/healthz", timeout=1.0)
                if r.status_code == 200:
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill()
        return False

    def send_signal(self, sig: int = signal.SIGTERM) -> None:
        assert self.proc is not None
        self.signalled = True
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> int:
        """Send `sig` (unless the process already exited) and wait; returns the exit code.
        Kills the process and raises AssertionError if it does not exit within timeout."""
        assert self.proc is not None, "not started"
        self.signalled = True
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"sluice did not exit within {timeout}s of signal {sig}; log tail:\n"
                                 + self.log()[-3000:])

    def kill(self) -> None:
        self.signalled = True
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def log(self) -> str:
        """Everything the server wrote to stdout and stderr so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(self, pattern: str | re.Pattern[str], timeout: float = 5.0) -> re.Match[str]:
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.log())
            if m:
                return m
            if time.monotonic() > deadline:
                raise AssertionError(f"log never matched {rx.pattern!r} within {timeout}s; tail:\n{self.log()[-3000:]}")
            time.sleep(0.05)

    def assert_no_key_leak(self) -> None:
        """Fail if a key minted through the CLI appears in the server log.  Each leaked key is
        reported once (so one leak in a shared server does not fail every later test)."""
        text = self.log()
        with self._lock:
            leaked = sorted(k for k in self.minted_keys if k in text and k not in self._reported_leaks)
            self._reported_leaks.update(leaked)
        assert not leaked, (f"full API key(s) appear in the server log {self.log_path}: "
                            + ", ".join(k[:14] + "…" for k in leaked))

    # -- admin CLI -------------------------------------------------------------

    def cli(self, *args: Any, check: bool = True, env: dict[str, str] | None = None, database: bool = True,
            timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess[str]:
        """Run `sluice ARGS… --database DB` (the DB flag is added unless database=False or the
        args already carry --database/--config).  check=True: fail the test on a non-zero exit."""
        argv = [str(a) for a in args]
        if database and "--database" not in argv and "--config" not in argv:
            argv += ["--database", str(self.db)]
        cp = run_sluice(argv, env=self.env(env), cwd=self.workdir, timeout=timeout)
        self.collect_keys(cp.stdout + cp.stderr)
        if check and cp.returncode != 0:
            raise AssertionError(f"`sluice {' '.join(argv)}` exited {cp.returncode}\nstdout: {cp.stdout}\n"
                                 f"stderr: {cp.stderr}")
        return cp

    def cli_json(self, *args: Any, **kw: Any) -> Any:
        argv = [str(a) for a in args]
        if "--json" not in argv:
            argv.append("--json")
        cp = self.cli(*argv, **kw)
        try:
            return json.loads(cp.stdout)
        except ValueError as e:
            raise AssertionError(f"`sluice {' '.join(argv)}` did not print JSON: {e}\nstdout: {cp.stdout!r}") from e

    def collect_keys(self, text: str) -> None:
        with self._lock:
            self.minted_keys.update(KEY_RE.findall(text))

    def create_key(self, name: str | None = None, *, policy: str | None = None,
                   models: str | Sequence[str] | None = None, expires: str | None = None) -> str:
        """`sluice keys create --json`; returns the full key (remembered for leak checks)."""
        name = name or unique_name()
        args = ["keys", "create", "--name", name]
        if policy is not None:
            args += ["--policy", policy]
        if models is not None:
            args += ["--models", models if isinstance(models, str) else ",".join(models)]
        if expires is not None:
            args += ["--expires", expires]
        info = self.cli_json(*args)
        assert isinstance(info, dict) and KEY_FULL_RE.match(str(info.get("key"))), f"bad create output: {info!r}"
        self.keys[name] = info
        return info["key"]

    def revoke_key(self, name_or_id: str) -> Any:
        return self.cli_json("keys", "revoke", name_or_id)

    def rotate_key(self, name_or_id: str, grace: str | None = None) -> str:
        args = ["keys", "rotate", name_or_id]
        if grace is not None:
            args += ["--grace", grace]
        info = self.cli_json(*args)
        assert isinstance(info, dict) and KEY_FULL_RE.match(str(info.get("key"))), f"bad rotate output: {info!r}"
        self.keys[info.get("name", name_or_id)] = info
        return info["key"]

    # -- HTTP ------------------------------------------------------------------

    def request(self, method: str, path: str, *, key: str | None = None, auth: str | None = "x-api-key",
                headers: dict[str, str] | None = None, timeout: float | tuple[float, float] = HTTP_TIMEOUT,
                **kw: Any) -> requests.Response:
        """Raw HTTP to the server.  auth: "x-api-key" | "bearer" | None (no key header)."""
        h = auth_headers(key, auth)
        h.update(headers or {})
        return http(method, self.url + path, headers=h, timeout=timeout, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def anthropic(self, key: str, *, auth: str = "bearer", timeout: float = HTTP_TIMEOUT, **kw: Any):
        """An anthropic.Anthropic client pointed at sluice (max_retries=0).

        auth="bearer": api_key=KEY (this SDK sends it as Authorization: Bearer);
        auth="x-api-key": the key is sent as an x-api-key header instead."""
        import anthropic

        if auth == "x-api-key":
            headers = {"x-api-key": key, **kw.pop("default_headers", {})}
            return anthropic.Anthropic(base_url=self.url, api_key=None, auth_token=None, default_headers=headers,
                                       max_retries=0, timeout=timeout, **kw)
        return anthropic.Anthropic(base_url=self.url, api_key=key, max_retries=0, timeout=timeout, **kw)

    def openai(self, key: str, *, timeout: float = HTTP_TIMEOUT, **kw: Any):
        """An openai.OpenAI client pointed at sluice's /v1 (max_retries=0)."""
        import openai

        return openai.OpenAI(base_url=self.url + "/v1", api_key=key, max_retries=0, timeout=timeout, **kw)

    def __repr__(self) -> str:
        return f"<Sluice {self.url} db={self.db} running={self.running}>"


def http(method: str, url: str, *, timeout: float | tuple[float, float] = HTTP_TIMEOUT, **kw: Any) -> requests.Response:
    """requests without proxies from the environment and without a shared pool (one connection per call)."""
    s = requests.Session()
    s.trust_env = False
    try:
        resp = s.request(method, url, timeout=timeout, **kw)
    except BaseException:
        s.close()
        raise
    if not kw.get("stream"):
        s.close()
    return resp


def auth_headers(key: str | None, auth: str | None = "x-api-key") -> dict[str, str]:
    if key is None or auth is None:
        return {}
    if auth == "x-api-key":
        return {"x-api-key": key}
    if auth == "bearer":
        return {"Authorization": f"Bearer {key}"}
    raise ValueError(f"unknown auth style {auth!r}")


def describe(resp: requests.Response) -> str:
    return f"HTTP {resp.status_code} {resp.request.method} {resp.url}\nheaders: {dict(resp.headers)}\nbody: {resp.text[:2000]}"


# --------------------------------------------------------------------------
# Error shapes
# --------------------------------------------------------------------------


def _check_no_secrets(text: str, secrets: Iterable[str]) -> None:
    assert not KEY_RE.search(text), f"a full sluice key appears in the response: {text[:500]}"
    assert UPSTREAM_SECRET not in text, "the upstream API key appears in the response"
    for s in secrets:
        if s:
            assert s not in text, "a secret appears in the response"


def assert_anthropic_error(resp: requests.Response, status: int, err_type: str, *,
                           secrets: Iterable[str] = ()) -> str:
    """Exactly {"type":"error","error":{"type":T,"message":M}} with a request-id header; returns M."""
    assert resp.status_code == status, describe(resp)
    assert resp.headers.get("content-type", "").startswith("application/json"), describe(resp)
    body = resp.json()
    assert isinstance(body, dict) and set(body) == {"type", "error"}, describe(resp)
    assert body["type"] == "error", describe(resp)
    err = body["error"]
    assert isinstance(err, dict) and set(err) == {"type", "message"}, describe(resp)
    assert err["type"] == err_type, describe(resp)
    assert isinstance(err["message"], str) and err["message"].strip(), describe(resp)
    assert resp.headers.get("request-id"), f"no request-id header\n{describe(resp)}"
    _check_no_secrets(resp.text, secrets)
    return err["message"]


def assert_openai_error(resp: requests.Response, status: int, err_type: str, code: Any = ANY, *,
                        param: Any = None, secrets: Iterable[str] = ()) -> str:
    """Exactly {"error":{"message":M,"type":T,"param":P,"code":C}}; returns M.
    param: the expected param (default None; pass ANY to accept any)."""
    assert resp.status_code == status, describe(resp)
    assert resp.headers.get("content-type", "").startswith("application/json"), describe(resp)
    body = resp.json()
    assert isinstance(body, dict) and set(body) == {"error"}, describe(resp)
    err = body["error"]
    assert isinstance(err, dict) and set(err) == {"message", "type", "param", "code"}, describe(resp)
    assert err["type"] == err_type, describe(resp)
    assert err["code"] == code, describe(resp)
    assert err["param"] == param, describe(resp)
    assert isinstance(err["message"], str) and err["message"].strip(), describe(resp)
    _check_no_secrets(resp.text, secrets)
    return err["message"]


#: What each error kind looks like in each protocol: (status, anthropic type, openai type, openai code).
ERROR_KINDS: dict[str, tuple[int, str, str, Any]] = {
    "auth": (401, "authentication_error", "authentication_error", "invalid_api_key"),
    "permission": (403, "permission_error", "permission_error", "model_not_allowed"),
    "too_large": (413, "request_too_large", "invalid_request_error", "request_too_large"),
    "invalid": (400, "invalid_request_error", "invalid_request_error", ANY),
    "not_found": (404, "not_found_error", "not_found_error", ANY),
}


# --------------------------------------------------------------------------
# The two fronts
# --------------------------------------------------------------------------


class Proto:
    """One client-facing protocol of sluice: where to POST, what to send, what comes back."""

    def __init__(self, name: str, path: str, model: str):
        self.name, self.path, self.model = name, path, model

    def __repr__(self) -> str:
        return self.name

    @property
    def is_anthropic(self) -> bool:
        return self.name == "anthropic"

    def body(self, model: str | None = None, text: str = "hi", *, stream: bool = False, **extra: Any) -> dict[str, Any]:
        b: dict[str, Any] = {"model": model or self.model, "messages": [{"role": "user", "content": text}]}
        if self.is_anthropic:
            b["max_tokens"] = 64
        if stream:
            b["stream"] = True
        b.update(extra)
        return b

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        h = {"content-type": "application/json"}
        if self.is_anthropic:
            h["anthropic-version"] = ANTHROPIC_VERSION
        h.update(extra or {})
        return h

    def post(self, srv: Sluice, key: str | None = None, *, auth: str | None = "x-api-key", model: str | None = None,
             body: Any = None, data: bytes | str | None = None, stream: bool = False,
             headers: dict[str, str] | None = None, path: str | None = None,
             timeout: float | tuple[float, float] = HTTP_TIMEOUT) -> requests.Response:
        """POST a minimal valid request (or `body` / raw `data`) to this front."""
        kw: dict[str, Any] = {}
        if data is not None:
            kw["data"] = data
        else:
            kw["data"] = json.dumps(body if body is not None else self.body(model, stream=stream)).encode()
        return srv.request("POST", path or self.path, key=key, auth=auth, headers=self.headers(headers),
                           timeout=timeout, stream=stream, **kw)

    def assert_error(self, resp: requests.Response, kind: str, *, secrets: Iterable[str] = (),
                     param: Any = None) -> str:
        status, a_type, o_type, o_code = ERROR_KINDS[kind]
        if self.is_anthropic:
            return assert_anthropic_error(resp, status, a_type, secrets=secrets)
        return assert_openai_error(resp, status, o_type, o_code, param=param, secrets=secrets)

    def assert_ok(self, resp: requests.Response, text: str = DEFAULT_TEXT) -> dict[str, Any]:
        assert resp.status_code == 200, describe(resp)
        body = resp.json()
        if self.is_anthropic:
            assert body.get("type") == "message" and body.get("role") == "assistant", describe(resp)
            got = "".join(b.get("text", "") for b in body.get("content", []) if b.get("type") == "text")
        else:
            assert body.get("object") == "chat.completion", describe(resp)
            got = body["choices"][0]["message"]["content"]
        assert got == text, describe(resp)
        return body

    def stream_text(self, frames: Iterable[dict[str, Any]]) -> tuple[str, bool]:
        """(concatenated text, whether the stream's terminal frame was seen)."""
        out, terminal = [], False
        for f in frames:
            if self.is_anthropic:
                if f["event"] == "message_stop":
                    terminal = True
                elif f["event"] == "content_block_delta":
                    d = json.loads(f["data"]).get("delta", {})
                    if d.get("type") == "text_delta":
                        out.append(d.get("text", ""))
            else:
                if f["data"] == "[DONE]":
                    terminal = True
                    continue
                obj = json.loads(f["data"])
                for ch in obj.get("choices") or []:
                    c = (ch.get("delta") or {}).get("content")
                    if c:
                        out.append(c)
        return "".join(out), terminal


ANTHROPIC = Proto("anthropic", "/v1/messages", "claude-test-model")
OPENAI = Proto("openai", "/v1/chat/completions", "gpt-test-model")
PROTOCOLS = [ANTHROPIC, OPENAI]


def iter_sse(resp: requests.Response) -> Iterator[dict[str, Any]]:
    """Yield SSE frames ({"event", "data"}) of a streaming requests.Response as they complete."""
    buf = b""
    for chunk in resp.iter_content(chunk_size=None):
        buf += chunk.replace(b"\r\n", b"\n")
        while b"\n\n" in buf:
            block, buf = buf.split(b"\n\n", 1)
            frames = parse_sse(block + b"\n\n")
            yield from frames
    if buf.strip():
        yield from parse_sse(buf)


# --------------------------------------------------------------------------
# Misc
# --------------------------------------------------------------------------


def poll(fn: Callable[[], Any], timeout: float, interval: float = 0.05) -> tuple[Any, float]:
    """Call fn until it returns a truthy value or timeout passes; returns (last value, elapsed)."""
    start = time.monotonic()
    while True:
        v = fn()
        elapsed = time.monotonic() - start
        if v or elapsed >= timeout:
            return v, elapsed
        time.sleep(interval)


_PROM_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$')
_PROM_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text: str) -> list[tuple[str, dict[str, str], float]]:
    """Samples of a Prometheus text exposition: (metric name, labels, value)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _PROM_LINE.match(line)
        if not m:
            continue
        labels = {k: v for k, v in _PROM_LABEL.findall(m.group(3) or "")}
        try:
            value = float(m.group(4))
        except ValueError:
            continue
        out.append((m.group(1), labels, value))
    return out


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path

"""pytest fixtures for the Sluice integration tests.

Fixtures
--------
mock            the scripted upstream (mock_upstream.MockUpstream), reset before each test.  One
                instance per test module, so module-scoped sluice servers can point at it.
mock2           a second, independent MockUpstream (fresh per test), e.g. for fallback tests.
refused_url     "http://127.0.0.1:PORT/v1" where nothing listens.
sluice          factory (function scope): sluice(backends=…, routes=…, extra_config=…, log_format="text",
                env=…, body_limit=…, start=True, serve_args=()) → sluice_harness.Sluice.  Default
                config: one `openai` backend "upstream" at mock.base_url, route "*" → upstream.
                start=False gives a working dir + DB (already `sluice migrate`d) for CLI-only tests.
                Teardown: SIGTERM, exit 0 within 15 s (else kill + fail), no minted key in the log.
start_sluice    alias of `sluice`.
module_sluice   the same factory with module scope (servers shared by a module's tests).
shared_sluice   a module-scoped, started server with the default config.
postgres        a throwaway PostgreSQL server for the session (postgres_cluster.PostgresCluster):
                `postgres.create_database()` gives each test a database URL of its own.
The autouse `_no_key_leaks` fixture checks after every test that no key minted through the CLI
appears in the log of any live server.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from mock_upstream import MockUpstream, refused_url as _refused_url
from postgres_cluster import PostgresCluster
from sluice_harness import LIVE_INSTANCES, STOP_TIMEOUT, Sluice, require_binary

# Keep the SDKs and requests away from anything in the environment.
for _v in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_PROFILE",
           "OPENAI_API_KEY", "OPENAI_BASE_URL", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
           "all_proxy", "ALL_PROXY"):
    os.environ.pop(_v, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


@pytest.fixture(scope="session")
def postgres():
    cluster = PostgresCluster()
    yield cluster
    cluster.close()


# --------------------------------------------------------------------------
# Mock upstreams
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _module_mock():
    m = MockUpstream(name="upstream").start()
    yield m
    m.stop()


@pytest.fixture
def mock(_module_mock: MockUpstream) -> MockUpstream:
    _module_mock.reset()
    return _module_mock


@pytest.fixture
def mock2():
    m = MockUpstream(name="upstream2").start()
    yield m
    m.stop()


@pytest.fixture
def refused_url() -> str:
    return _refused_url("/v1")


# --------------------------------------------------------------------------
# Sluice servers
# --------------------------------------------------------------------------


class SluiceFactory:
    """Creates Sluice instances and shuts every one of them down, checked, at teardown."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, mock: MockUpstream, label: str):
        self.tmp_path_factory, self.mock, self.label = tmp_path_factory, mock, label
        self.instances: list[Sluice] = []

    def __call__(self, *, backends: list[dict[str, Any]] | None = None, routes: list[dict[str, Any]] | None = None,
                 extra_config: dict[str, Any] | None = None, log_format: str = "text",
                 env: dict[str, str] | None = None, body_limit: int | None = None, start: bool = True,
                 migrate: bool | None = None, serve_args: tuple[str, ...] = ()) -> Sluice:
        require_binary()
        workdir = Path(self.tmp_path_factory.mktemp(self.label))
        inst = Sluice(workdir, self.mock.base_url, backends=backends, routes=routes, extra_config=extra_config,
                      body_limit=body_limit, log_format=log_format, env=env, serve_args=serve_args)
        self.instances.append(inst)
        LIVE_INSTANCES.append(inst)
        if migrate if migrate is not None else not start:
            inst.cli("migrate")
        if start:
            inst.start()
        return inst

    def close(self) -> list[str]:
        problems = []
        for inst in self.instances:
            if inst.proc is not None and inst.proc.poll() is not None and not inst.signalled:
                problems.append(f"{inst}: the server exited on its own with code {inst.proc.returncode}; log tail:\n"
                                + inst.log()[-2000:])
            elif inst.proc is not None and inst.proc.poll() is None:
                try:
                    rc = inst.stop(timeout=STOP_TIMEOUT)
                    if rc != 0:
                        problems.append(f"{inst}: exit code {rc} after SIGTERM (expected 0); log tail:\n"
                                        + inst.log()[-2000:])
                except AssertionError as e:
                    problems.append(str(e))
            try:
                inst.assert_no_key_leak()
            except AssertionError as e:
                problems.append(str(e))
            if inst in LIVE_INSTANCES:
                LIVE_INSTANCES.remove(inst)
        return problems


@pytest.fixture
def sluice(tmp_path_factory: pytest.TempPathFactory, mock: MockUpstream):
    f = SluiceFactory(tmp_path_factory, mock, "sluice")
    yield f
    problems = f.close()
    if problems:
        pytest.fail("sluice teardown:\n" + "\n\n".join(problems), pytrace=False)


@pytest.fixture
def start_sluice(sluice: SluiceFactory) -> SluiceFactory:
    return sluice


@pytest.fixture(scope="module")
def module_sluice(tmp_path_factory: pytest.TempPathFactory, _module_mock: MockUpstream):
    f = SluiceFactory(tmp_path_factory, _module_mock, "sluice-shared")
    yield f
    problems = f.close()
    if problems:
        pytest.fail("shared sluice teardown:\n" + "\n\n".join(problems), pytrace=False)


@pytest.fixture(scope="module")
def shared_sluice(module_sluice: SluiceFactory) -> Sluice:
    return module_sluice()


@pytest.fixture(autouse=True)
def _no_key_leaks():
    yield
    problems = []
    for inst in list(LIVE_INSTANCES):
        try:
            inst.assert_no_key_leak()
        except AssertionError as e:
            problems.append(str(e))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)

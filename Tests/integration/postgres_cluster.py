"""A throwaway PostgreSQL server for the integration tests.

`initdb` in a temporary folder (as the `postgres` user when the tests run as root), started on
a free loopback port with password authentication, stopped and removed at the end of the
session. Tests ask it for databases of their own, and may stop and start it to play an outage.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from mock_upstream import free_port

PASSWORD = "sluice-test-password"


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]), reverse=True)
    return Path(found[0]).parent if found else None


def postgres_available() -> bool:
    return _binaries() is not None


class PostgresCluster:
    def __init__(self) -> None:
        binaries = _binaries()
        assert binaries is not None, "PostgreSQL is not installed (scripts/setup --test installs it)"
        self.bin = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="sluice-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = "sluice"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        # The superuser is `sluice`, with a password: the gateway authenticates as a real team's would.
        self._run("initdb", "-D", self.data, "-U", self.user, "--pwfile", pwfile, "--auth=scram-sha-256",
                  "-E", "UTF8", "--no-sync")
        # TLS on offer (clients choose with sslmode), with a self-signed certificate no client trusts.
        self.certificate = self.folder / "server.crt"
        self._run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.folder / "server.key",
                  "-out", self.certificate, "-days", "2", "-subj", "/CN=127.0.0.1",
                  "-addext", "subjectAltName=IP:127.0.0.1", binary=False)
        (self.folder / "server.key").chmod(0o600)
        self.start()

    def _run(self, tool: str, *args: object, check: bool = True, binary: bool = True) -> subprocess.CompletedProcess[str]:
        argv = [str(self.bin / tool) if binary else tool, *map(str, args)]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        env = {**os.environ, "PGPASSWORD": PASSWORD}
        cp = subprocess.run(argv, cwd="/tmp", env=env, capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
        if check and cp.returncode != 0:
            raise AssertionError(f"{tool} {' '.join(map(str, args))} exited {cp.returncode}: {cp.stdout}{cp.stderr}")
        return cp

    def start(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-l", self.folder / "log", "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                  f"-c max_connections=300 -c ssl=on -c ssl_cert_file={self.certificate} "
                  f"-c ssl_key_file={self.folder / 'server.key'}", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def create_database(self) -> str:
        """A new empty database; returns its URL without the password."""
        name = "t_" + uuid.uuid4().hex[:16]
        self._run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", self.user, name)
        return self.url(name)

    def url(self, database: str, *, password: bool = False) -> str:
        secret = f":{PASSWORD}" if password else ""
        return f"postgres://{self.user}{secret}@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def psql(self, database: str, sql: str) -> str:
        return self._run("psql", "-h", "127.0.0.1", "-p", self.port, "-U", self.user, "-At", "-d", database,
                         "-c", sql).stdout.strip()

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

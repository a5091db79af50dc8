"""Real CalDAV/CardDAV servers for the sync tests, each run as a subprocess on 127.0.0.1.

``RadicaleServer`` (htpasswd auth, so a wrong password is a 401; optional TLS from a ``trustme``
CA) and ``XandikosServer`` (no auth: Xandikos only offers htpasswd behind its own self-signed
``--autocert``, so the tests run it open). Both keep their data in ``folder`` so ``restart()``
brings the same server back on the same port ("the server stopped mid-sync, then came back").
The server's output goes to ``folder/server.log`` (a file, never a pipe that can fill up).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

START_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DavServer:
    """One server process; subclasses say how to start it."""

    name = ""
    username = ""
    password = ""
    scheme = "http"
    ca_file: Path | None = None

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.log_path = self.folder / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    # What a user would type into crm's config.
    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.base + "/"

    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Write config files and the like before the first start."""

    def start(self) -> DavServer:
        if self.process is not None and self.process.poll() is None:
            return self
        self.prepare()
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        finally:
            log.close()
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"{self.name} exited at start; its output:\n{self._log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                if self.process.poll() is None:
                    return
            except OSError:
                time.sleep(0.02)
        self.kill()
        raise RuntimeError(
            f"{self.name} did not answer on port {self.port} within {START_TIMEOUT:.0f} s; "
            f"its output:\n{self._log_tail()}"
        )

    def _log_tail(self, limit: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-limit:]
        except OSError:
            return "(no output)"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """Graceful: SIGTERM, then SIGKILL if it does not go."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL: the server dies in the middle of whatever it is doing."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> DavServer:
        """Same port, same data."""
        self.stop()
        return self.start()

    def __enter__(self) -> DavServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url} running={self.running}>"


class RadicaleServer(DavServer):
    """Radicale 3 with htpasswd (plain) auth; the user owns /<user>/ (rights owner_only)."""

    name = "radicale"
    username = "phone-user"
    password = "phone-secret"

    def __init__(self, folder: Path, port: int | None = None, tls: bool = False) -> None:
        super().__init__(folder, port)
        self.tls = tls
        if tls:
            self.scheme = "https"
            self.ca_file = self.folder / "ca.pem"

    def prepare(self) -> None:
        users = self.folder / "users"
        users.write_text(f"{self.username}:{self.password}\n")
        ssl_lines = ""
        if self.tls:
            cert, key = self.folder / "cert.pem", self.folder / "key.pem"
            if not cert.exists():
                import trustme

                ca = trustme.CA()
                leaf = ca.issue_cert("127.0.0.1", "localhost")
                assert self.ca_file is not None
                ca.cert_pem.write_to_path(str(self.ca_file))
                leaf.cert_chain_pems[0].write_to_path(str(cert))
                for extra in leaf.cert_chain_pems[1:]:
                    extra.write_to_path(str(cert), append=True)
                leaf.private_key_pem.write_to_path(str(key))
            ssl_lines = f"ssl = True\ncertificate = {cert}\nkey = {key}\n"
        (self.folder / "config").write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            f"{ssl_lines}"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {users}\n"
            "htpasswd_encryption = plain\n"
            "delay = 0\n"
            "[rights]\n"
            "type = owner_only\n"
            "[storage]\n"
            f"filesystem_folder = {self.folder / 'collections'}\n"
            "[web]\n"
            "type = none\n"
            "[logging]\n"
            "level = warning\n"
        )

    def command(self) -> list[str]:
        return [sys.executable, "-m", "radicale", "--config", str(self.folder / "config")]


class XandikosServer(DavServer):
    """Xandikos with autocreate of /user/ (the current-user-principal); no authentication.

    Any username/password is accepted (it ignores Authorization), so "wrong password" tests
    only make sense on Radicale.
    """

    name = "xandikos"
    username = "user"
    password = "unused"

    def prepare(self) -> None:
        super().prepare()
        # A server killed mid-write leaves git's lock files (then every write is 423 Locked);
        # starting it again after a crash is when an administrator would clear them.
        for lock in (self.folder / "data").rglob("*.lock"):
            lock.unlink()

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "xandikos",
            "serve",
            "--directory",
            str(self.folder / "data"),
            "--state-dir",
            str(self.folder / "state"),
            "--current-user-principal",
            "/user/",
            "--autocreate",
            "--no-detect-systemd",
            "--listen-address",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]


SERVERS: dict[str, type[DavServer]] = {"radicale": RadicaleServer, "xandikos": XandikosServer}

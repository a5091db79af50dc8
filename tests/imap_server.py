"""A real IMAP server for the mail tests: Dovecot (Debian's ``dovecot-imapd``) on 127.0.0.1.

Each ``DovecotServer`` writes its own dovecot.conf into a fresh temporary folder (config, runtime
sockets, state, a passwd-file with one plaintext test password, the Maildir and the log) and
runs ``dovecot -F`` as a child process, so nothing of the machine's own Dovecot is used or
touched. It runs as whoever runs the tests: as a normal user every Dovecot process runs as that
user; as root (CI) Dovecot insists that neither its login processes nor mail access run as
root, so those use the package's ``dovenull`` user and ``nobody``, and the mail folder belongs
to ``nobody``. The server's log goes to ``folder/dovecot.log``, shown when it fails to start.

Tests reach the mailbox only over IMAP (``client``, ``append``, ``recreate``, ``flags``), as a
mail client would.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.dav_servers import START_TIMEOUT, free_port

DOVECOT_PATHS = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")


def dovecot_binary() -> str | None:
    """Where Dovecot is; /usr/sbin is often missing from a normal user's PATH."""
    found = shutil.which("dovecot")
    if found:
        return found
    return next((path for path in DOVECOT_PATHS if os.access(path, os.X_OK)), None)


def quoted(folder: str) -> str:
    """A folder name as an IMAP quoted string (imaplib sends arguments as they are)."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class DovecotServer:
    """One Dovecot on a free loopback port with a single user. ``tls=True`` offers only IMAPS,
    ``starttls=True`` plain IMAP that offers STARTTLS; both with a certificate from a throwaway
    trustme CA (``ca_file``)."""

    name = "dovecot"
    username = "job-seeker"
    password = "imap-secret"

    def __init__(self, tls: bool = False, starttls: bool = False) -> None:
        binary = dovecot_binary()
        if binary is None:
            raise FileNotFoundError("dovecot is not installed (apt-get install dovecot-imapd)")
        self.binary = binary
        # A short path of its own: Dovecot's unix sockets live under it (108-byte limit).
        self.folder = Path(tempfile.mkdtemp(prefix="crm-imap-"))
        self.folder.chmod(0o755)
        self.port = free_port()
        self.host = "127.0.0.1"
        self.tls = tls
        self.starttls = starttls
        self.ca_file: Path | None = None
        self.log_path = self.folder / "dovecot.log"
        self.process: subprocess.Popen[bytes] | None = None

    def _users(self) -> tuple[str, str, int, int]:
        """(login user, internal user, mail uid, mail gid) Dovecot's processes run as."""
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.geteuid()).pw_name
            return me, me, os.geteuid(), os.getegid()
        nobody = pwd.getpwnam("nobody")
        return "dovenull", "dovecot", nobody.pw_uid, nobody.pw_gid

    def prepare(self) -> None:
        login_user, internal_user, uid, gid = self._users()
        mail = self.folder / "mail"
        mail.mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0:
            os.chown(mail, uid, gid)
        users = self.folder / "users"
        users.write_text(f"{self.username}:{{PLAIN}}{self.password}\n")
        users.chmod(0o600)
        # One listener on our port (plain IMAP, or IMAPS with tls), the other one off.
        on = f"{{\n    address = 127.0.0.1\n    port = {self.port}\n  }}"
        off = "{\n    port = 0\n  }"
        ssl = self._certificate() if self.tls or self.starttls else "ssl = no\n"
        if self.starttls:
            ssl = ssl.replace("ssl = required", "ssl = yes")
        imap, imaps = (off, on) if self.tls else (on, off)
        listeners = f"inet_listener imap {imap}\n  inet_listener imaps {imaps}"
        unprivileged = os.geteuid() != 0
        # Unprivileged, Dovecot can't chroot its helpers; as root it keeps its defaults.
        no_chroot = "".join(
            f"service {name} {{\n  chroot =\n}}\n"
            for name in ("anvil", "auth", "stats", "imap-login")
            if unprivileged and name != "imap-login"
        )
        (self.folder / "dovecot.conf").write_text(
            f"protocols = imap\n"
            f"listen = 127.0.0.1\n"
            f"base_dir = {self.folder / 'run'}\n"
            f"state_dir = {self.folder / 'state'}\n"
            f"instance_name = crm-test-{self.port}\n"
            f"log_path = {self.log_path}\n"
            f"{ssl}"
            "disable_plaintext_auth = no\n"
            "auth_mechanisms = plain login\n"
            f"default_login_user = {login_user}\n"
            f"default_internal_user = {internal_user}\n"
            + (f"default_internal_group = {grp.getgrgid(gid).gr_name}\n" if unprivileged else "")
            + f"first_valid_uid = {min(uid, 500)}\n"
            f"first_valid_gid = {min(gid, 500)}\n"
            f"mail_location = maildir:{mail}/%u\n"
            "passdb {\n  driver = passwd-file\n"
            f"  args = scheme=PLAIN username_format=%u {users}\n}}\n"
            "userdb {\n  driver = static\n"
            f"  args = uid={uid} gid={gid} home={mail}/%u\n}}\n"
            f"service imap-login {{\n  {listeners}\n"
            + ("  chroot =\n" if unprivileged else "")
            + "}\n"
            + no_chroot
            + ("" if unprivileged else "service auth {\n  user = root\n}\n")
        )

    def _certificate(self) -> str:
        import trustme

        ca = trustme.CA()
        leaf = ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = self.folder / "ca.pem"
        cert, key = self.folder / "cert.pem", self.folder / "key.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        leaf.cert_chain_pems[0].write_to_path(str(cert))
        for extra in leaf.cert_chain_pems[1:]:
            extra.write_to_path(str(cert), append=True)
        leaf.private_key_pem.write_to_path(str(key))
        return f"ssl = required\nssl_cert = <{cert}\nssl_key = <{key}\n"

    def start(self) -> DovecotServer:
        if self.running:
            return self
        self.prepare()
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.folder / "dovecot.conf")],
            stdin=subprocess.DEVNULL,
            stdout=open(self.folder / "master.out", "ab"),  # noqa: SIM115 - the child keeps it
            stderr=subprocess.STDOUT,
            cwd=self.folder,
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        """Until a login works: the listener is up before the auth process is."""
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        problem = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                raise RuntimeError(f"dovecot exited at start; its output:\n{self.log_tail()}")
            try:
                with self.client():
                    return
            except (OSError, imaplib.IMAP4.error) as error:
                problem = str(error)
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(
            f"dovecot did not let {self.username} in on port {self.port} within "
            f"{START_TIMEOUT:.0f} s ({problem}); its output:\n{self.log_tail()}"
        )

    def log_tail(self, limit: int = 4000) -> str:
        text = ""
        for name in ("master.out", "dovecot.log"):
            try:
                text += (self.folder / name).read_text(errors="replace")
            except OSError:
                pass
        return text[-limit:] or "(no output)"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def remove(self) -> None:
        """Stop it and delete its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- what a mail client does -------------------------------------------------------------

    @contextmanager
    def client(self) -> Iterator[imaplib.IMAP4]:
        """Logged in (plain IMAP, or IMAPS trusting the test CA)."""
        if self.tls:
            import ssl

            context = ssl.create_default_context(cafile=str(self.ca_file))
            connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                self.host, self.port, ssl_context=context, timeout=5
            )
        else:
            connection = imaplib.IMAP4(self.host, self.port, timeout=5)
            if self.starttls:
                import ssl

                connection.starttls(ssl.create_default_context(cafile=str(self.ca_file)))
        try:
            connection.login(self.username, self.password)
            yield connection
        finally:
            try:
                connection.logout()
            except (OSError, imaplib.IMAP4.error):
                pass

    def append(self, folder: str, message: bytes, flags: str = "") -> int:
        """Put ``message`` into ``folder`` (made if missing); its UID."""
        with self.client() as imap:
            imap.create(quoted(folder))
            status, data = imap.append(quoted(folder), flags or None, None, message)
            assert status == "OK", data
            found = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
            assert found, data
            return int(found.group(1))

    def create(self, folder: str) -> None:
        with self.client() as imap:
            imap.create(quoted(folder))

    def recreate(self, folder: str) -> None:
        """Delete ``folder`` and make it again (empty): its UIDVALIDITY changes."""
        # INBOX can be neither deleted nor (on Dovecot) renamed: tests recreate other folders.
        assert folder.upper() != "INBOX", "recreate a folder other than INBOX"
        with self.client() as imap:
            status, data = imap.delete(quoted(folder))
            assert status == "OK", data
            imap.create(quoted(folder))

    def uidvalidity(self, folder: str) -> int:
        with self.client() as imap:
            status, data = imap.status(quoted(folder), "(UIDVALIDITY)")
            assert status == "OK", data
            found = re.search(rb"UIDVALIDITY (\d+)", data[0] or b"")
            assert found, data
            return int(found.group(1))

    def flags(self, folder: str) -> dict[int, str]:
        """UID → the message's flags, as the server has them (read without changing them)."""
        with self.client() as imap:
            status, data = imap.select(quoted(folder), readonly=True)
            assert status == "OK", data
            status, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            assert status == "OK", data
            flags: dict[int, str] = {}
            for line in data:
                if not isinstance(line, bytes):
                    continue
                found = re.search(rb"UID (\d+) FLAGS \(([^)]*)\)", line) or re.search(
                    rb"FLAGS \(([^)]*)\) UID (\d+)", line
                )
                if found and found.re.pattern.startswith(b"UID"):
                    flags[int(found.group(1))] = found.group(2).decode()
                elif found:
                    flags[int(found.group(2))] = found.group(1).decode()
            return flags

    def __enter__(self) -> DovecotServer:
        try:
            return self.start()
        except BaseException:
            self.remove()
            raise

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"<DovecotServer 127.0.0.1:{self.port} tls={self.tls} running={self.running}>"

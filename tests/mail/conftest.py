"""Fixtures for the mail tests: a real Dovecot IMAP server, run as a child process with a
generated configuration in a temporary folder (plain-text login on 127.0.0.1, no TLS,
Maildir storage), and one fresh IMAP account per test."""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

DOVECOT = Path("/usr/sbin/dovecot")
# Every user name logs in with this password (a static passdb: a new user per test needs
# no reload) and gets a fresh Maildir under the server's folder.
PASSWORD = "imap-test-password"


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ImapAccount:
    host: str
    port: int
    username: str
    password: str

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            client.append(folder, raw)
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """UID -> flags of every message in the folder."""
        client = self.client()
        try:
            client.select_folder(folder, readonly=True)
            fetched = client.fetch(client.search(["ALL"]), ["FLAGS"])
            return {uid: data[b"FLAGS"] for uid, data in fetched.items()}
        finally:
            client.logout()


@dataclass
class Dovecot:
    root: Path
    port: int

    def add_account(self) -> ImapAccount:
        """A new user with an empty mailbox."""
        return ImapAccount("127.0.0.1", self.port, f"u{uuid.uuid4().hex[:12]}", PASSWORD)


def _config(root: Path, port: int, user: str, group: str, uid: int, gid: int, version: str) -> str:
    chroot_off = "" if os.geteuid() == 0 else "  chroot =\n"
    if version.startswith("2.3"):
        return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
{chroot_off}  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    # Dovecot 2.4 renamed most settings.
    return f"""
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
auth_allow_cleartext = yes
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
mail_driver = maildir
mail_path = ~/Maildir
passdb static {{
  password = {PASSWORD}
}}
userdb static {{
  fields {{
    uid = {uid}
    gid = {gid}
    home = {root}/home/%{{user}}
  }}
}}
service imap-login {{
{chroot_off}  inet_listener imap {{
    listen = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _wait_for_port(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    text = log.read_text() if log.exists() else "(no log)"
    proc.kill()
    raise RuntimeError(f"Dovecot did not start on port {port}:\n{text}")


@contextlib.contextmanager
def running_dovecot() -> Iterator[Dovecot]:
    """Start a Dovecot child process on a free port; stop it and remove its files after."""
    if not DOVECOT.exists():
        pytest.skip("Dovecot is not installed (/usr/sbin/dovecot, Debian package dovecot-imapd)")
    # Dovecot refuses to run its login and mail processes as root.
    root_user = os.geteuid() == 0
    account = pwd.getpwnam("nobody") if root_user else pwd.getpwuid(os.geteuid())
    user, uid, gid = account.pw_name, account.pw_uid, account.pw_gid
    group = grp.getgrgid(gid).gr_name
    # A short path: Dovecot's unix sockets live under base_dir (108-byte limit).
    root = Path(tempfile.mkdtemp(prefix="kdv-", dir="/tmp"))
    root.chmod(0o755)
    (root / "home").mkdir(mode=0o755)
    os.chown(root / "home", uid, gid)  # Dovecot creates each user's home in it
    version = subprocess.run(
        [str(DOVECOT), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    port = unused_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, port, user, group, uid, gid, version))
    log = root / "dovecot.log"
    with (root / "stderr.log").open("wb") as stderr:
        proc = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=stderr
        )
    try:
        _wait_for_port(proc, port, log)
        yield Dovecot(root=root, port=port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """A real Dovecot on a free port for the whole session."""
    with running_dovecot() as server:
        yield server


@pytest.fixture
def private_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of one's own, for tests that fail logins: Dovecot then delays every
    login from 127.0.0.1 for a while, which would slow every later test."""
    with running_dovecot() as server:
        yield server


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    return dovecot.add_account()

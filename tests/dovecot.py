"""A real Dovecot IMAP server for tests, run as a child process with a
generated configuration in a temporary folder (plain-text login on 127.0.0.1, Maildir
storage; TLS only when asked for), and one fresh IMAP account per test."""

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
    port: int  # IMAP (with STARTTLS when TLS is on)
    tls_port: int | None = None  # IMAPS, when started with tls=True
    certificate: Path | None = None  # its self-signed certificate, to trust in a test

    def logins(self, username: str) -> list[str]:
        """Dovecot's log lines of the user's logins; a login over TLS says ", TLS,"."""
        log = self.root / "dovecot.log"
        text = log.read_text() if log.exists() else ""
        return [line for line in text.splitlines() if f"Login: user=<{username}>" in line]

    def add_account(self) -> ImapAccount:
        """A new user with an empty mailbox."""
        return ImapAccount("127.0.0.1", self.port, f"u{uuid.uuid4().hex[:12]}", PASSWORD)


def _config(root: Path, port: int, user: str, group: str, uid: int, gid: int, version: str) -> str:
    chroot_off = "" if os.geteuid() == 0 else "  chroot =\n"
    # What both versions call the same: paths, no TLS (see _with_tls), logins from loopback.
    shared = f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
"""
    if version.startswith("2.3"):
        return f"""
{shared}disable_plaintext_auth = no
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
{shared}auth_allow_cleartext = yes
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


def _self_signed(root: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that is its own authority, and its key."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = root / "cert.pem", root / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o644)  # read by Dovecot's processes, which run as another user
    return cert_path, key_path


def _with_tls(config: str, version: str, cert: Path, key: Path, tls_port: int) -> str:
    """The configuration with TLS on: STARTTLS on the IMAP port, IMAPS on tls_port."""
    if version.startswith("2.3"):
        files = f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}"
        imaps = f"inet_listener imaps {{\n    address = 127.0.0.1\n    port = {tls_port}\n  }}"
    else:
        files = f"ssl = yes\nssl_server_cert_file = {cert}\nssl_server_key_file = {key}"
        imaps = f"inet_listener imaps {{\n    listen = 127.0.0.1\n    port = {tls_port}\n  }}"
    disabled = "inet_listener imaps {\n    port = 0\n  }"
    assert "ssl = no" in config and disabled in config
    return config.replace("ssl = no", files).replace(disabled, imaps)


@contextlib.contextmanager
def running_dovecot(*, tls: bool = False) -> Iterator[Dovecot]:
    """Start a Dovecot child process on a free port; stop it and remove its files after.
    With `tls`, it also offers STARTTLS and listens for IMAPS on a second port, with a
    self-signed certificate for 127.0.0.1. (Dovecot takes
    passwords in plain text from 127.0.0.1 all the same: it counts loopback as secure.)"""
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
    config = _config(root, port, user, group, uid, gid, version)
    tls_port, cert = None, None
    if tls:
        tls_port = unused_port()
        cert, key = _self_signed(root)
        config = _with_tls(config, version, cert, key, tls_port)
    conf.write_text(config)
    log = root / "dovecot.log"
    with (root / "stderr.log").open("wb") as stderr:
        proc = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=stderr
        )
    try:
        _wait_for_port(proc, port, log)
        if tls_port is not None:
            _wait_for_port(proc, tls_port, log)
        yield Dovecot(root=root, port=port, tls_port=tls_port, certificate=cert)
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
def tls_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of one's own that speaks TLS (IMAPS and STARTTLS), whose certificate
    the test process trusts (SSL_CERT_FILE) while it runs."""
    with running_dovecot(tls=True) as server:
        assert server.certificate is not None
        previous = os.environ.get("SSL_CERT_FILE")
        os.environ["SSL_CERT_FILE"] = str(server.certificate)
        try:
            yield server
        finally:
            if previous is None:
                del os.environ["SSL_CERT_FILE"]
            else:
                os.environ["SSL_CERT_FILE"] = previous


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    return dovecot.add_account()

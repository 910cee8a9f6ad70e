"""The production recipe in `deploy/`, run for tests and benchmarks, and clients that send slowly.

gunicorn runs with the arguments of `deploy/systemd/simplespa-zoom.service`, and Debian's nginx
with `deploy/nginx/simplespa-zoom.conf` itself: only ports, the certificate and folders are
replaced (each replacement must match, so the recipe cannot drift from what is tested). nginx runs
in the foreground from a temporary folder with a self-signed certificate for 127.0.0.1.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
SITE = DEPLOY / "nginx" / "simplespa-zoom.conf"
APP_UNIT = DEPLOY / "systemd" / "simplespa-zoom.service"
APP_ADDRESS = "127.0.0.1:8000"  # where the recipe's gunicorn listens and its nginx sends requests
INSTALLED = "/srv/simplespa/.venv/bin/"  # the recipe's virtualenv


class NginxMissing(RuntimeError):
    """Debian's nginx package is not installed; the message says how to install it."""


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        raise NginxMissing("nginx is not installed: apt-get install nginx (scripts/test does it)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, what: str, seconds: float = 30) -> None:
    """Poll until something accepts on the port (the server's start has no event to wait on)."""
    deadline = threading.Event()
    timer = threading.Timer(seconds, deadline.set)
    timer.start()
    try:
        while not deadline.is_set():
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited with {process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                deadline.wait(0.05)
        raise TimeoutError(f"{what} did not listen on port {port}")
    finally:
        timer.cancel()


def replaced(text: str, replacements: dict[str, str], source: Path) -> str:
    """text with each key replaced; every key must be in it, or the recipe changed under the test."""
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"{source} no longer holds {old!r}: update devtools/reverse_proxy.py")
        text = text.replace(old, new)
    return text


def gunicorn_arguments(port: int) -> list[str]:
    """gunicorn's arguments in the recipe's unit (its ExecStart), bound to this port instead."""
    for line in APP_UNIT.read_text().splitlines():
        if line.startswith("ExecStart="):
            program, *arguments = shlex.split(line.removeprefix("ExecStart="))
            assert program == f"{INSTALLED}gunicorn", program
            return shlex.split(replaced(shlex.join(arguments), {APP_ADDRESS: f"127.0.0.1:{port}"}, APP_UNIT))
    raise ValueError(f"{APP_UNIT} has no ExecStart")


@contextmanager
def recipe_gunicorn(env: dict[str, str], folder: Path) -> Iterator[int]:
    """The app under gunicorn as the recipe's unit runs it, with env as its EnvironmentFile; yields its port."""
    port = free_port()
    # Beside the recipe: the control socket in this run's folder, not the user's home (runs at once would share it).
    command = [sys.executable, "-m", "gunicorn", "--control-socket", str(folder / "gunicorn.ctl")]
    command += gunicorn_arguments(port)
    with open(folder / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(command, env={**os.environ, **env}, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(port, process, "gunicorn")
        yield port
    finally:
        process.terminate()
        process.wait(10)


@dataclass(frozen=True)
class Proxy:
    """The recipe's nginx: its https and http addresses and the certificate a client should trust."""

    https_port: int
    http_port: int
    certificate: Path

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate_path, key_path


def site_for_test(app_port: int, proxy: Proxy, key: Path, folder: Path) -> str:
    """The recipe's site with this run's ports, certificate and challenge folder (loopback, IPv4 only)."""
    return replaced(
        SITE.read_text(),
        {
            APP_ADDRESS: f"127.0.0.1:{app_port}",
            "listen 80;": f"listen 127.0.0.1:{proxy.http_port};",
            "listen [::]:80;": "",
            "listen 443 ssl;": f"listen 127.0.0.1:{proxy.https_port} ssl;",
            "listen [::]:443 ssl;": "",
            "/etc/letsencrypt/live/spa.example.com/fullchain.pem": str(proxy.certificate),
            "/etc/letsencrypt/live/spa.example.com/privkey.pem": str(key),
            "/var/www/html": str(folder),
        },
        SITE,
    )


def main_config(folder: Path, site: Path) -> str:
    """nginx.conf around the site, as Debian's wraps sites-enabled, with every file in this run's folder."""
    user = "user root;" if os.geteuid() == 0 else ""  # its workers must write the folder's temporary files
    temporary = "".join(
        f"{kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
master_process on;
worker_processes 1;
{user}
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    access_log {folder / "access.log"};
    {temporary}
    include {site};
}}
"""


@contextmanager
def recipe_nginx(app_port: int, folder: Path) -> Iterator[Proxy]:
    """Debian's nginx serving the recipe's site in front of the app on app_port, until the block ends."""
    binary = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = self_signed(folder)
    proxy = Proxy(free_port(), free_port(), certificate)
    site = folder / "simplespa-zoom.conf"
    site.write_text(site_for_test(app_port, proxy, key, folder))
    config = folder / "nginx.conf"
    config.write_text(main_config(folder, site))
    with open(folder / "nginx.out", "wb") as log:
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_listening(proxy.https_port, process, f"nginx (see {folder / 'error.log'})")
        yield proxy
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def app_behind_nginx(env: dict[str, str], folder: Path) -> Iterator[tuple[Proxy, int]]:
    """The whole recipe: gunicorn, and nginx in front; yields the proxy and gunicorn's own port."""
    with ExitStack() as stack:
        app_port = stack.enter_context(recipe_gunicorn(env, folder))
        yield stack.enter_context(recipe_nginx(app_port, folder / "nginx")), app_port


FORM_BYTES = 1_200_000  # a large appointment form, under the app's limit (FORM_BODY_LIMIT)


class SlowClients:
    """Clients that send a request slowly, as an attacker would: `headers` of them send the request
    line and then one header line every `interval` seconds, `bodies` send whole headers for a
    1.2 MB form and then 1 KB of it every `interval` seconds. Each stops by itself after `lines`
    sends, or when the block ends; `started` returns once every one of them has sent its first bytes
    (or more)."""

    def __init__(self, port: int, headers: int, bodies: int, tls: bool, interval: float = 1.0, lines: int = 30) -> None:
        self.port, self.tls, self.interval, self.lines = port, tls, interval, lines
        self.stop = threading.Event()
        self._sent = threading.Condition()
        self.failures: list[OSError] = []
        kinds = [False] * headers + [True] * bodies
        self._sends = [0] * len(kinds)
        self.threads = [threading.Thread(target=self._run, args=(client, body)) for client, body in enumerate(kinds)]

    def _connect(self) -> socket.socket:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        if not self.tls:
            return raw
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # an attacker checks nothing
        return context.wrap_socket(raw)

    def _count_send(self, client: int) -> None:
        with self._sent:
            self._sends[client] += 1
            self._sent.notify_all()

    def _run(self, client: int, body: bool) -> None:
        host = f"Host: 127.0.0.1:{self.port}\r\n"
        try:
            with closing(self._connect()) as connection:
                if body:
                    connection.sendall(
                        f"POST /login HTTP/1.1\r\n{host}Content-Type: application/x-www-form-urlencoded\r\n"
                        f"Content-Length: {FORM_BYTES}\r\n\r\n".encode()
                    )
                else:
                    connection.sendall(f"GET /login HTTP/1.1\r\n{host}".encode())
                self._count_send(client)
                for number in range(self.lines):
                    if self.stop.wait(self.interval):
                        return
                    connection.sendall(b"notes=" + b"a" * 1018 if body else f"X-Slow-{number}: 1\r\n".encode())
                    self._count_send(client)
        except OSError as error:  # refused, reset or timed out (TLS errors too): started() says so
            with self._sent:
                self.failures.append(error)
                self._sent.notify_all()

    def __enter__(self) -> SlowClients:
        for thread in self.threads:
            thread.start()
        return self

    def started(self, sends: int = 1, seconds: float = 30) -> None:
        """Wait until every client has connected and made `sends` sends (the first is its first bytes)."""
        with self._sent:
            if not self._sent.wait_for(lambda: self.failures or min(self._sends) >= sends, seconds):
                raise TimeoutError("a slow client never connected")
        if self.failures:
            raise RuntimeError(f"a slow client failed: {self.failures[0]!r}")

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

"""The bench's stack on loopback: a dedicated database, gunicorn with production settings, nginx.

Shared by bench/run.py and tests/test_cluster.py. Every process started here is stopped by the
`Processes` context manager that started it, by its own id, even when something fails.
"""

import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PYTHON = sys.executable
GUNICORN = str(VENV_BIN / "gunicorn")
HOST = "127.0.0.1"
# The PostgreSQL server and role come from DATABASE_URL (as CI creates it, by default); the bench
# creates its own databases there and never touches the one DATABASE_URL names.
DEFAULT_DATABASE_URL = "postgres://end287g:end287g@127.0.0.1:5432/end287g"


def _server(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"The bench needs PostgreSQL: DATABASE_URL is {parts.scheme}://…")
    return {
        "host": parts.hostname or HOST,
        "port": parts.port or 5432,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
    }


PG = _server(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
# A port nothing listens on: email is queued in the task table, never sent during the bench.
DEAD_SMTP = "smtp://127.0.0.1:8199"


def database_url(name: str) -> str:
    user, password = quote(PG["user"], safe=""), quote(PG["password"], safe="")
    return f"postgres://{user}:{password}@{PG['host']}:{PG['port']}/{name}"


def describe_server() -> str:
    """Where the bench's databases go (no password): for its output."""
    return f"role {PG['user']} at {PG['host']}:{PG['port']} (from DATABASE_URL)"


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(db: int) -> None:
    import redis

    redis.Redis(host=HOST, port=6379, db=db).flushdb()


def server_env(*, database: str, redis_db: int, static_root: Path, site_port: int) -> dict:
    """The production settings, on loopback: only what loopback and the bench need is changed."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "BENCH_"))
    }
    env.update(
        # The production settings, plus the ceiling views served through their middleware.
        DJANGO_SETTINGS_MODULE="bench.project_settings",
        DEBUG="false",
        SECRET_KEY="bench-" + secrets.token_urlsafe(40),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        BEHIND_PROXY="false",
        SESSION_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_PRELOAD="false",
        DATABASE_URL=database_url(database),
        CACHE_URL=f"redis://{HOST}:6379/{redis_db}",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        EMAIL_URL=DEAD_SMTP,
        SITE_URL=f"http://{HOST}:{site_port}",
        STATIC_ROOT=str(static_root),
        # Each bench request plays a different visitor (as in a real surge): the client address
        # comes from X-Forwarded-For, as it would behind a load balancer. wrk plays that load
        # balancer (it writes the entry) and the cluster's nginx appends a second one: two hops.
        CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
        TRUSTED_PROXY_HOPS="2",
        LOG_LEVEL="WARNING",
        CSRF_TRUSTED_ORIGINS="",
    )
    return env


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        timeout=900,
    )
    return result.stdout or ""


def seed(env: dict, *args: str) -> dict:
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "seed.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE,
        timeout=900,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


class Processes:
    """Starts processes in their own process group; stops each, newest first, on exit."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.started: list[tuple[str, subprocess.Popen, int]] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop_all()

    def start(self, name: str, cmd: list[str], env: dict, stop_signal=signal.SIGTERM):
        log = (self.log_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.started.append((name, proc, stop_signal))
        return proc

    def stop(
        self, proc: subprocess.Popen, stop_signal=signal.SIGTERM, wait: float = 30, *, ask=True
    ) -> None:
        # Asked once: a task worker asked twice drops the task it is running.
        if proc.poll() is None:
            if ask:
                proc.send_signal(stop_signal)
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # its own group: only what it started
                proc.wait(timeout=10)
        self.started = [s for s in self.started if s[1] is not proc]

    def stop_all(self) -> None:
        # All asked first, then each waited for: a dozen workers finishing their task at once.
        for _name, proc, stop_signal in reversed(list(self.started)):
            if proc.poll() is None:
                proc.send_signal(stop_signal)
        for _name, proc, stop_signal in reversed(list(self.started)):
            self.stop(proc, stop_signal, ask=False)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        return (
            "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
            if path.exists()
            else ""
        )


def wait_until_up(port: int, proc: subprocess.Popen, timeout: float = 60, path="/healthz") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            status, _h, _b = request(port, "GET", path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer {path} within {timeout:.0f} s")


def start_gunicorn(
    procs: Processes,
    env: dict,
    port: int,
    *,
    name: str,
    workers: int | None = None,
    app: str = "config.wsgi",
):
    """gunicorn with the project's gunicorn.conf.py, serving `app` (the site, or the bare ceiling)."""
    env = {**env, "GUNICORN_BIND": f"{HOST}:{port}"}
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    proc = procs.start(name, [GUNICORN, "-c", "gunicorn.conf.py", app], env)
    try:
        wait_until_up(port, proc)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}\n{procs.log_tail(name)}") from exc
    return proc


NGINX_TEMPLATE = ROOT / "bench" / "nginx-cluster.conf"
NGINX_STATIC_TEMPLATE = ROOT / "bench" / "nginx-static.conf"


def nginx_config(tmp: Path, listen: int, upstreams: list[int]) -> Path:
    text = NGINX_TEMPLATE.read_text()
    text = text.replace("@TMP@", str(tmp)).replace("@LISTEN@", f"{HOST}:{listen}")
    text = text.replace("@UPSTREAMS@", "\n".join(f"    server {HOST}:{p};" for p in upstreams))
    path = tmp / "nginx.conf"
    path.write_text(text)
    return path


def start_nginx(procs: Processes, tmp: Path, listen: int, upstreams: list[int]):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = nginx_config(tmp, listen, upstreams)
    cmd = [nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")]
    subprocess.run([*cmd, "-t"], check=True, capture_output=True, timeout=30)
    proc = procs.start("nginx", cmd, os.environ.copy(), stop_signal=signal.SIGQUIT)
    wait_until_up(listen, proc)
    return proc


def start_static_nginx(procs: Processes, tmp: Path, listen: int, page: bytes):
    """nginx serving `page` as a static file at /page.html (and /healthz): the physical bound."""
    www = tmp / "www"
    www.mkdir(parents=True, exist_ok=True)
    (www / "page.html").write_bytes(page)
    # Started by root, nginx's workers run as an unprivileged user: they may cross the bench's
    # private temp dirs to the page (no listing of them) and read it.
    (www / "page.html").chmod(0o644)
    for folder in (tmp.parent, tmp, www):
        folder.chmod(folder.stat().st_mode | 0o011)
    text = NGINX_STATIC_TEMPLATE.read_text().replace("@TMP@", str(tmp))
    conf = tmp / "nginx.conf"
    conf.write_text(text.replace("@LISTEN@", f"{HOST}:{listen}"))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    cmd = [nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")]
    subprocess.run([*cmd, "-t"], check=True, capture_output=True, timeout=30)
    proc = procs.start("nginx-static", cmd, os.environ.copy(), stop_signal=signal.SIGQUIT)
    wait_until_up(listen, proc, path="/page.html")
    return proc


def nginx_available() -> bool:
    return bool(shutil.which("nginx") or Path("/usr/sbin/nginx").exists())


def request(port, method, path, *, form=None, headers=None, cookies=None, timeout=30):
    """One HTTP request to loopback, redirects not followed: (status, headers, body text)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        hdrs = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form)
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body, headers=hdrs)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return response.status, response.headers, text
    finally:
        conn.close()


def set_cookies(headers) -> dict:
    """The cookies a response sets (name -> value; an expired one is an empty value)."""
    cookies = {}
    for line in headers.get_all("Set-Cookie") or []:
        name, _eq, rest = line.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies

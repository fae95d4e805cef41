"""Where a request's time goes, in-process: `.venv/bin/python bench/profile_requests.py [--setup]`.

Pushes N requests of each hot scenario through Django's WSGI handler with the production
settings the bench uses (DEBUG off, Redis cache, PostgreSQL) and the headers wrk sends
(bench/lua/*.lua), and prints per request: Python CPU time, SQL statements (and their shape),
commits and Redis round trips; then each scenario's cProfile, top functions by cumulative time.
The bare ceiling's raw insert (bench/ceiling/) runs the same way in a child process, since it
is another Django project. CPU time, not wall time: counts and profiles hold on a busy machine.

--setup builds its database (PROFILE_DB, default end287g_profile) the way bench/run.py does,
smaller; without it the database of the last --setup is reused.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack  # noqa: E402

DB_NAME = os.environ.get("PROFILE_DB", "end287g_profile")
REDIS_DB = int(os.environ.get("PROFILE_REDIS_DB", "14"))
PORT = 8100  # only for the Host and Origin headers: nothing listens
STATE = Path(tempfile.gettempdir()) / f"{DB_NAME}.json"
CSRF_SECRET = "benchcsrfsecret0123456789abcdefg"  # noqa: S105 (the bench's fixed pair)
SCENARIOS = ("bare_insert", "bare_fixed", "insert", "sign", "confirm", "zip", "count")


def environment() -> dict:
    env = stack.server_env(
        database=DB_NAME,
        redis_db=REDIS_DB,
        static_root=Path(tempfile.gettempdir()) / f"{DB_NAME}-static",
        site_port=PORT,
    )
    # A fixed key: tokens written by --setup must still read in a later run.
    env["SECRET_KEY"] = "profile-requests-" + DB_NAME + "-not-a-secret-0123456789"
    return env


def setup(env: dict, pending: int) -> None:
    print(f"Setting up {DB_NAME}…", flush=True)
    stack.recreate_database(DB_NAME)
    stack.manage(env, "migrate", "--no-input")
    stack.manage(env, "import_contracts", "fixtures/287g_agreements_2019.csv")
    stack.manage(env, "seed_content")
    stack.manage(env, "collectstatic", "--no-input")
    tokens = Path(tempfile.gettempdir()) / f"{DB_NAME}-tokens.txt"
    info = stack.seed(
        env,
        *("--signatures", "10000", "--small", "100"),
        *("--pending", str(pending), "--tokens-file", str(tokens)),
    )
    info["tokens"] = str(tokens)
    STATE.write_text(json.dumps(info))


# Counting -------------------------------------------------------------------------------------


class Counts:
    """Statements (with their shape), commits and Redis round trips, while `on`."""

    def __init__(self):
        self.on = False
        self.statements: Counter = Counter()
        self.n_statements = 0
        self.commits = 0
        self.redis = 0
        self.redis_commands: Counter = Counter()

    def install(self):
        import redis.connection
        from django.db import connection
        from django.db.backends.base.base import BaseDatabaseWrapper

        counts = self

        def wrapper(execute, sql, params, many, context):
            if counts.on:
                counts.n_statements += 1
                counts.statements[shape(sql)] += 1
                if not context["connection"].in_atomic_block and is_write(sql):
                    counts.commits += 1  # autocommit: the statement is its own transaction
            return execute(sql, params, many, context)

        connection.execute_wrappers.append(wrapper)
        original_commit = BaseDatabaseWrapper._commit

        def _commit(self):
            if counts.on:
                counts.commits += 1
            return original_commit(self)

        BaseDatabaseWrapper._commit = _commit
        original_send = redis.connection.AbstractConnection.send_packed_command

        def send_packed_command(self, command, check_health=True):
            if counts.on:
                counts.redis += 1
                first = command[0] if isinstance(command, list | tuple) else command
                name = re.search(rb"\$\d+\r\n(\w+)", bytes(first))
                counts.redis_commands[name.group(1).decode() if name else "?"] += 1
            return original_send(self, command, check_health)

        redis.connection.AbstractConnection.send_packed_command = send_packed_command


def shape(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql)
    if sql.startswith("INSERT INTO"):
        return sql[:60] + (" … ON CONFLICT …" if "ON CONFLICT" in sql else "")
    return sql[:110]


def is_write(sql: str) -> bool:
    return sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE")


# Requests -------------------------------------------------------------------------------------


def wsgi_environ(method, path, *, body=b"", headers=None, query=""):
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": stack.HOST,
        "SERVER_PORT": str(PORT),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": stack.HOST,
        "HTTP_HOST": f"{stack.HOST}:{PORT}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def request_makers(info: dict):
    """scenario: (expected status, a function i -> WSGI environ), as the bench's wrk scripts."""
    origin = f"http://{stack.HOST}:{PORT}"
    run = time.strftime("%H%M%S")

    def forwarded(i):
        return f"10.{i // 62500 % 250}.{i // 250 % 250}.{i % 250}"

    def sign_body(i, prefix):
        return (
            f"name=Bench+Signer+{i}&email={prefix}{run}-{i}%40example.org"
            "&zip_code=77550&visibility=counted&website="
        ).encode()

    def insert(i, prefix="prof-ceiling-"):
        headers = {"Origin": origin, "X-Forwarded-For": forwarded(i)}
        return wsgi_environ(
            "POST", "/bench/ceiling/insert/", body=sign_body(i, prefix), headers=headers
        )

    tokens = Path(info["tokens"]).read_text().split() if info.get("tokens") else []

    def confirm(i):
        headers = {
            "Origin": origin,
            "Cookie": f"csrftoken={CSRF_SECRET}",
            "X-Forwarded-For": forwarded(i),
        }
        body = f"csrfmiddlewaretoken={CSRF_SECRET}".encode()
        return wsgi_environ("POST", f"/confirm/{tokens.pop()}/", body=body, headers=headers)

    big = info["big"]["path"]
    return {
        "bare_insert": ("303", insert),
        "bare_fixed": ("200", lambda i: wsgi_environ("GET", "/bench/ceiling/page/")),
        "insert": ("303", lambda i: insert(i, "prof-mw-")),
        "sign": (
            "303",
            lambda i: wsgi_environ(
                "POST",
                big + "sign/",
                body=sign_body(i, "prof-sign-"),
                headers={"Origin": origin, "X-Forwarded-For": forwarded(i)},
            ),
        ),
        "confirm": ("302", confirm),
        "zip": ("200", lambda i: wsgi_environ("GET", "/search/", query=f"q={info['zip']}")),
        "count": ("200", lambda i: wsgi_environ("GET", big + "count/")),
    }


def run_scenario(handler, make, expected, n, counts, profile: bool):
    statuses = Counter()

    def one(i):
        environ = make(i)
        status_line = []
        body = handler(environ, lambda status, headers, exc_info=None: status_line.append(status))
        for _chunk in body:
            pass
        if hasattr(body, "close"):
            body.close()  # request_finished: as gunicorn does
        statuses[status_line[0].split()[0]] += 1

    for i in range(20):  # warm: compiled queries, cached pages, connections
        one(10_000_000 + i)
    counts.__init__()
    counts.on = True
    cpu = time.process_time()
    wall = time.perf_counter()
    for i in range(n):
        one(i)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    counts.on = False
    profiler = None
    if profile:  # a second pass, profiled: the profiler's own cost stays out of the times above
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(n):
            one(20_000_000 + i)
        profiler.disable()
    ok = statuses.get(expected, 0)
    return {
        "cpu_ms": cpu / n * 1000,
        "wall_ms": wall / n * 1000,
        "statements": counts.n_statements / n,
        "commits": counts.commits / n,
        "redis": counts.redis / n,
        "redis_commands": {k: v / n for k, v in counts.redis_commands.most_common()},
        "shapes": {k: v / n for k, v in counts.statements.most_common(8)},
        "statuses": dict(statuses),
        "ok": ok == sum(statuses.values()),
        "calls": calls(profiler) / n if profiler else 0,
        "profile": profile_text(profiler) if profiler else "",
        "raw_profile": profiler,
    }


def calls(profiler) -> int:
    """Python function calls in the profiled pass: steadier than times on a shared machine."""
    stats = pstats.Stats(profiler)
    return sum(primitive for primitive, *_rest in stats.stats.values())


def profile_text(profiler, top=35) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(20)
    text = out.getvalue()
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return text.replace(root, "").replace(str(Path(sys.executable).parent.parent) + "/", "")


def measure(names, n, profile) -> dict:
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    info = json.loads(STATE.read_text())
    counts = Counts()
    counts.install()
    handler = WSGIHandler()
    makers = request_makers(info)
    results = {}
    for name in names:
        expected, make = makers[name]
        results[name] = run_scenario(handler, make, expected, n, counts, profile)
        profiler = results[name].pop("raw_profile")
        if profiler and os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(Path(os.environ["PROFILE_DUMP"]) / f"{name}.prof")
    return results


def child(names, n, profile, settings, dump="") -> dict:
    """`names` measured in a child process with other settings (the bare ceiling project)."""
    env = {**environment(), "DJANGO_SETTINGS_MODULE": settings, "PROFILE_DUMP": dump}
    out = subprocess.run(
        [sys.executable, __file__, "--child", ",".join(names), "-n", str(n)]
        + ([] if profile else ["--no-profile"]),
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="store_true", help="(re)build the profile database")
    parser.add_argument("-n", type=int, default=500, help="requests per scenario")
    parser.add_argument("--only", type=lambda s: s.split(","), default=list(SCENARIOS))
    parser.add_argument("--no-profile", action="store_true", help="counts and times only")
    parser.add_argument("--profiles", default="", help="write each cProfile to this directory")
    parser.add_argument("--json", default="", help="write the results as JSON to this file")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    profile = not args.no_profile

    if args.child:
        results = measure(args.child.split(","), args.n, profile)
        print(json.dumps(results))
        return 0

    env = environment()
    if args.setup or not STATE.exists():
        setup(env, pending=max(5000, 3 * args.n * 3))
    stack.flush_redis(REDIS_DB)
    info = json.loads(STATE.read_text())
    if len(Path(info["tokens"]).read_text().split()) < 2 * args.n + 40 and "confirm" in args.only:
        sys.exit("Not enough confirmation tokens left: run again with --setup")
    if args.profiles:
        Path(args.profiles).mkdir(parents=True, exist_ok=True)
    results = {}
    bare = [name for name in args.only if name.startswith("bare_")]
    if bare:
        results.update(child(bare, args.n, profile, "bench.ceiling.settings", args.profiles))
    site = [name for name in args.only if not name.startswith("bare_")]
    if site:
        results.update(child(site, args.n, profile, "bench.project_settings", args.profiles))
    if "confirm" in site:  # used tokens are gone for the next run
        tokens = Path(info["tokens"]).read_text().split()
        Path(info["tokens"]).write_text("\n".join(tokens[: -(2 * args.n + 20)]) + "\n")

    print(
        f"\n{'scenario':12} {'CPU ms':>7} {'wall ms':>7} {'SQL':>5} {'commits':>7} "
        f"{'redis':>5} {'calls':>6}  statuses"
    )
    for name, r in results.items():
        print(
            f"{name:12} {r['cpu_ms']:7.2f} {r['wall_ms']:7.2f} {r['statements']:5.1f} "
            f"{r['commits']:7.1f} {r['redis']:5.1f} {r['calls']:6.0f}  {r['statuses']}"
        )
    for name, r in results.items():
        print(f"\n{name}: statements per request")
        for sql, k in r["shapes"].items():
            print(f"  {k:4.2f}  {sql}")
        print(f"  redis: {r['redis_commands']}")
    if args.profiles:
        directory = Path(args.profiles)
        directory.mkdir(parents=True, exist_ok=True)
        for name, r in results.items():
            (directory / f"{name}.txt").write_text(r["profile"])
        print(f"\nProfiles in {directory}/")
    if args.json:
        slim = {k: {x: y for x, y in r.items() if x != "profile"} for k, r in results.items()}
        Path(args.json).write_text(json.dumps(slim, indent=1))
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

"""The load benchmark: `make bench` (or `.venv/bin/python bench/run.py [--quick] [--cluster]`).

Builds a dedicated PostgreSQL database (the 2019 contracts, a campaign with 100,000 confirmed
signatures, pending ones to confirm), starts gunicorn with the production settings on loopback and
drives it with wrk, bounded in time and connections. Every figure is printed as a ratio to a
ceiling measured in the same run on the same machine, so the result holds on any machine: first a
bare Django project (bench/ceiling/: two middleware, a fixed 10 KB page, a raw insert) on the same
gunicorn.conf.py and database; then, as a diagnostic, the same views through the site's own
settings and middleware (bench/project_settings.py); and nginx serving the campaign page's bytes as
a static file, the physical bound. PostgreSQL is the server and role of DATABASE_URL. Then it checks integrity (each signature answered 303 is in the database exactly
once; the displayed count equals the confirmed rows) and the cost as work grows.

--cluster runs two gunicorn instances behind nginx instead, sharing PostgreSQL and Redis.
Writes bench/results/latest.txt. Stops everything it started, even on error.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack  # noqa: E402
from bench.stack import HOST, ROOT  # noqa: E402

LUA = ROOT / "bench" / "lua"
RESULTS = ROOT / "bench" / "results"
# Two benches on one machine (engineers iterating side by side) need their own database, Redis
# database and ports: BENCH_DB, BENCH_REDIS_DB and BENCH_PORT_OFFSET set them.
DB_NAME = os.environ.get("BENCH_DB", "end287g_bench")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "5"))
_OFFSET = int(os.environ.get("BENCH_PORT_OFFSET", "0"))
PORT = 8100 + _OFFSET
CLUSTER_PORTS = (8101 + _OFFSET, 8102 + _OFFSET)
NGINX_PORT = 8110 + _OFFSET
BARE_PORT = 8103 + _OFFSET
STATIC_PORT = 8111 + _OFFSET
CONNECTIONS = 32
THREADS = 2
# A fixed CSRF secret (32 letters and digits) sent as both cookie and form field: no secret.
CSRF_SECRET = "benchcsrfsecret0123456789abcdefg"  # noqa: S105
COUNT_CACHE_SECONDS = 5  # the settings' default, which the bench does not change

# (scenario, its ceiling through the site's middleware, minimum ratio to it, p99 limit in ms or None).
# The minimums were set against that ceiling, so they are still judged on it (the "mw" column); the
# main column divides by the bare project's same ceiling ("bare_" + the name).
TARGETS = {
    "page": ("fixed", 0.4, 50),
    "sign": ("insert", 0.35, None),
    "confirm": ("insert", 0.3, None),
    "zip": ("fixed", 0.3, None),
    "count": ("fixed", None, None),
}
CEILINGS = ("bare_fixed", "bare_insert", "fixed", "insert")
LABELS = {
    "static": "bound: nginx, campaign page as a file",
    "bare_fixed": "ceiling: bare Django, 10 KB page GET",
    "bare_insert": "ceiling: bare Django, raw insert POST",
    "fixed": "ceiling via site middleware: page GET",
    "insert": "ceiling via site middleware: insert",
    "page": "campaign page GET (100k signatures)",
    "count": "count JSON GET",
    "zip": "ZIP search GET",
    "sign": "signing POST",
    "confirm": "confirming POST",
}
EXPECTED_STATUS = {"sign": "303", "insert": "303", "bare_insert": "303", "confirm": "302"}


class Bench:
    def __init__(self, args, tmp: Path, procs: stack.Processes):
        self.args = args
        self.tmp = tmp
        self.procs = procs
        self.duration = 3 if args.quick else args.duration
        self.growth_duration = 2 if args.quick else 5
        self.run_id = datetime.now().strftime("%H%M%S")
        self.lines: list[str] = []
        self.failures: list[str] = []

    # Output ---------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def check(self, ok: bool, what: str) -> str:
        if not ok:
            self.failures.append(what)
        return "PASS" if ok else "FAIL"

    # Set-up ---------------------------------------------------------------------------------

    def prepare(self, site_port: int) -> dict:
        self.say(
            f"Setting up database {DB_NAME} (migrate, 2019 contracts, signatures) "
            f"on PostgreSQL {stack.describe_server()}…"
        )
        stack.recreate_database(DB_NAME)
        stack.flush_redis(REDIS_DB)
        self.env = stack.server_env(
            database=DB_NAME,
            redis_db=REDIS_DB,
            static_root=self.tmp / "static",
            site_port=site_port,
        )
        stack.manage(self.env, "migrate", "--no-input")
        stack.manage(self.env, "import_contracts", "fixtures/287g_agreements_2019.csv")
        stack.manage(self.env, "seed_content")
        stack.manage(self.env, "collectstatic", "--no-input")
        pending = 3000 if self.args.quick else 40000
        started = time.monotonic()
        self.info = stack.seed(
            self.env,
            "--signatures",
            str(self.args.signatures),
            "--small",
            "1000",
            "--pending",
            str(pending),
            "--tokens-file",
            str(self.tmp / "tokens.txt"),
            *(
                [
                    "--leader-email",
                    "leader@bench.example.org",
                    "--leader-password",
                    "bench-" + self.run_id + "-pass-phrase",
                ]
                if self.args.cluster
                else []
            ),
        )
        self.say(
            f"Seeded {self.args.signatures:,} confirmed + {pending:,} pending signatures on "
            f"{self.info['big']['path']} in {time.monotonic() - started:.1f} s"
        )
        self.origin = f"http://{HOST}:{site_port}"
        return self.info

    def sql(self, query: str, params=()) -> list:
        import psycopg

        with psycopg.connect(dbname=DB_NAME, **stack.PG) as conn:
            return conn.execute(query, params).fetchall()

    # Load -----------------------------------------------------------------------------------

    def wrk(self, port, script, path="/", *, duration=None, extra_env=None) -> dict:
        duration = duration or self.duration
        env = {
            **os.environ,
            "BENCH_LUA_DIR": str(LUA),
            "BENCH_ORIGIN": self.origin,
            "BENCH_THREADS": str(THREADS),
            **(extra_env or {}),
        }
        cmd = [
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA / script),
            f"http://{HOST}:{port}{path}",
        ]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60)
        line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk gave no result: {out.stdout}\n{out.stderr}")
        result = json.loads(line.removeprefix("BENCH_JSON "))
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
        return result

    def measure(self, name, port, script, path="/", **kwargs) -> dict:
        result = self.wrk(port, script, path, **kwargs)
        expected = EXPECTED_STATUS.get(name, "200")
        socket_errors = sum(v for k, v in result["errors"].items() if k != "status")
        result["bad"] = sum(v for k, v in result["codes"].items() if k != expected) + socket_errors
        print(
            f"  {LABELS.get(name, name):40} {result['rps']:8.1f} req/s  "
            f"p50 {result['p50_us'] / 1000:6.1f} ms  p99 {result['p99_us'] / 1000:6.1f} ms  "
            f"codes {result['codes']}",
            flush=True,
        )
        return result

    def warm_up(self, port: int) -> None:
        big = self.info["big"]["path"]
        for path in ("/bench/ceiling/page/", big, big + "count/", "/search/?q=77550"):
            self.wrk(port, "get.lua", path, duration=1)
        self.wrk(BARE_PORT, "get.lua", "/bench/ceiling/page/", duration=1)
        self.wrk(STATIC_PORT, "get.lua", "/page.html", duration=1)
        drain = self.info["drain"]["path"]
        self.wrk(
            port,
            "sign.lua",
            duration=1,
            extra_env={
                "BENCH_PATH": drain + "sign/",
                "BENCH_EMAIL_PREFIX": f"warm-{self.run_id}-",
            },
        )
        for ceiling_port in (port, BARE_PORT):
            self.wrk(
                ceiling_port,
                "insert.lua",
                duration=1,
                extra_env={"BENCH_EMAIL_PREFIX": f"warm-{self.run_id}-{ceiling_port}-"},
            )

    def start_ceilings(self, site_port: int) -> None:
        """The bare project (same gunicorn.conf.py, same database) and nginx with the page as a file."""
        bare_env = {**self.env, "DJANGO_SETTINGS_MODULE": "bench.ceiling.settings"}
        stack.start_gunicorn(
            self.procs, bare_env, BARE_PORT, name="gunicorn-bare", app="bench.ceiling.wsgi"
        )
        status, _headers, body = stack.request(site_port, "GET", self.info["big"]["path"])
        if status != 200:
            raise RuntimeError(f"the campaign page answered {status}")
        page = body.encode()
        stack.start_static_nginx(self.procs, self.tmp / "nginx-static", STATIC_PORT, page)
        self.say(
            f"Ceilings: bare Django :{BARE_PORT}, nginx static :{STATIC_PORT} "
            f"(the campaign page, {len(page) / 1024:.0f} KB)"
        )

    def sign_env(self) -> dict:
        return {
            "BENCH_PATH": self.info["big"]["path"] + "sign/",
            "BENCH_DRAIN_PATH": self.info["drain"]["path"] + "sign/",
            "BENCH_SWITCH_AFTER": str(max(1, self.duration - 2)),
            "BENCH_EMAIL_PREFIX": f"bench-{self.run_id}-",
            "BENCH_ZIP": self.info["zip"],
        }

    def scenarios(self, port: int) -> dict:
        big = self.info["big"]["path"]
        self.say(
            f"Measuring: wrk {THREADS} threads, {CONNECTIONS} connections, {self.duration} s each"
        )
        wanted = self.args.only or list(TARGETS)
        ceilings = {TARGETS[name][0] for name in wanted}
        # Each with its ceilings, bare and through the middleware; the page with its static bound.
        needed = {*wanted, *ceilings, *(f"bare_{c}" for c in ceilings)}
        if "page" in wanted:
            needed.add("static")
        confirm_env = {"BENCH_TOKENS": str(self.tmp / "tokens.txt"), "BENCH_CSRF": CSRF_SECRET}
        plans = {  # scenario: (port, wrk script, path, extra environment)
            "static": (STATIC_PORT, "get.lua", "/page.html", None),
            "bare_fixed": (BARE_PORT, "get.lua", "/bench/ceiling/page/", None),
            "fixed": (port, "get.lua", "/bench/ceiling/page/", None),
            "page": (port, "get.lua", big, None),
            "count": (port, "get.lua", big + "count/", None),
            "zip": (port, "get.lua", f"/search/?q={self.info['zip']}", None),
            "bare_insert": (
                BARE_PORT,
                "insert.lua",
                "/",
                {"BENCH_EMAIL_PREFIX": f"bare-{self.run_id}-"},
            ),
            "insert": (port, "insert.lua", "/", {"BENCH_EMAIL_PREFIX": f"mw-{self.run_id}-"}),
            "sign": (port, "sign.lua", "/", self.sign_env()),
            "confirm": (port, "confirm.lua", "/", confirm_env),
        }
        rows = {}
        for name in [name for name in plans if name in needed]:  # in the order above
            if name == "confirm":
                self.confirmed_before = self.confirmed_rows()
            at, script, path, extra_env = plans[name]
            rows[name] = self.measure(name, at, script, path, extra_env=extra_env)
        return rows

    def confirmed_rows(self, campaign_id=None) -> int:
        campaign_id = campaign_id or self.info["big"]["id"]
        return self.sql(
            "SELECT count(*) FROM petitions_signature WHERE campaign_id = %s AND status = 'confirmed'",
            (campaign_id,),
        )[0][0]

    # Report ---------------------------------------------------------------------------------

    def table(self, rows: dict, title: str) -> None:
        self.say()
        self.say(title)
        self.say(
            "ratio: to the bare Django ceiling (bench/ceiling/); mw: to the same views through the "
            "site's middleware, on which the targets are judged"
        )
        self.say(
            f"{'scenario':40} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
            f"{'ratio':>6} {'mw':>5}  {'target':18} result"
        )
        order = ("static", "bare_fixed", "bare_insert", "fixed", "insert")
        for name in (*order, "page", "sign", "confirm", "zip", "count"):
            if name not in rows:
                continue
            r = rows[name]
            ratio, mw_ratio, target, verdict = "", "", "", ""
            if name in ("fixed", "insert") and f"bare_{name}" in rows:
                ratio = f"{r['rps'] / rows[f'bare_{name}']['rps']:.2f}"
            if name in CEILINGS:
                verdict = self.check(r["bad"] == 0, f"{LABELS[name]}: errors")
            if name in TARGETS:
                ceiling, minimum, p99_limit = TARGETS[name]
                ratio = f"{r['rps'] / rows['bare_' + ceiling]['rps']:.2f}"
                value = r["rps"] / rows[ceiling]["rps"]
                mw_ratio = f"{value:.2f}"
                if minimum is not None:
                    ok = value >= minimum and r["bad"] == 0
                    target = f">={minimum:.2f}"
                    if p99_limit:
                        ok = ok and r["p99_us"] / 1000 < p99_limit
                        target += f", p99<{p99_limit}ms"
                    verdict = self.check(ok, f"{LABELS[name]}: ratio {value:.2f} / {target}")
                else:
                    target = "(reported)"
                    verdict = self.check(r["bad"] == 0, f"{LABELS[name]}: errors")
            self.say(
                f"{LABELS[name]:40} {r['rps']:8.1f} {r['p50_us'] / 1000:7.1f} "
                f"{r['p99_us'] / 1000:7.1f} {r['bad']:6d} {ratio:>6} {mw_ratio:>5}  "
                f"{target:18} {verdict}"
            )
        if "page" in rows and "static" in rows:
            share = rows["page"]["rps"] / rows["static"]["rps"]
            self.say(
                f"The campaign page serves {share:.2f} of what nginx serves of its bytes as a "
                "static file (the physical bound, same wrk connections)."
            )

    # Integrity ------------------------------------------------------------------------------

    def signing_integrity(self, sign: dict) -> None:
        big, drain = self.info["big"], self.info["drain"]
        prefix = f"bench-{self.run_id}-%"
        answered = sign["locations"]
        ok_big = answered.get(big["path"] + "signed/", 0)
        ok_drain = answered.get(drain["path"] + "signed/", 0)
        time.sleep(1)  # requests cut off when wrk stopped finish on the server
        (in_big,) = self.sql(
            "SELECT count(*) FROM petitions_signature WHERE campaign_id = %s AND email LIKE %s",
            (big["id"], prefix),
        )[0]
        (in_drain,) = self.sql(
            "SELECT count(*) FROM petitions_signature WHERE campaign_id = %s AND email LIKE %s",
            (drain["id"], prefix),
        )[0]
        (duplicates,) = self.sql(
            "SELECT count(*) - count(DISTINCT (campaign_id, email_key)) FROM petitions_signature "
            "WHERE email LIKE %s",
            (prefix,),
        )[0]
        verdict = self.check(
            in_big == ok_big and duplicates == 0 and sign["bad"] == 0,
            "signatures answered 303 vs rows",
        )
        self.say(
            f"  signing: {ok_big} answered 303 -> {in_big} rows, each exactly once "
            f"(duplicates: {duplicates}, other answers or socket errors: {sign['bad']}) "
            f"{verdict}"
        )
        self.follow_up(prefix)
        cut = in_drain - ok_drain
        verdict = self.check(0 <= cut <= CONNECTIONS, "drain window")
        self.say(
            f"  signing, last 2 s (other campaign, cut by wrk's stop): {ok_drain} answered 303 -> "
            f"{in_drain} rows, {cut} in flight when wrk stopped (<= {CONNECTIONS}) {verdict}"
        )

    def follow_up(self, prefix: str) -> None:
        """What signing left to the worker: its sweep must queue one email per signature."""
        due_sql = "SELECT count(*) FROM petitions_signature WHERE follow_up_due"
        (due,) = self.sql(due_sql)[0]
        out = stack.manage(self.env, "follow_up_signatures", capture=True).strip()
        (left,) = self.sql(due_sql)[0]
        (without_email,) = self.sql(
            "SELECT count(*) FROM petitions_signature s LEFT JOIN ("
            "  SELECT DISTINCT (args_kwargs->'args'->>0)::bigint AS id"
            "  FROM django_tasks_database_dbtaskresult"
            "  WHERE task_path = 'petitions.tasks.send_confirmation'"
            ") queued ON queued.id = s.id WHERE s.email LIKE %s AND queued.id IS NULL",
            (prefix,),
        )[0]
        verdict = self.check(left == 0 and without_email == 0, "follow-up sweep")
        self.say(
            f"  follow-up (the worker's sweep, run once after the load): {due} signatures were "
            f"due; {out.lower().removesuffix('.')}; {left} left, {without_email} of this run's "
            f"signatures without a queued confirmation email {verdict}"
        )

    def integrity(self, rows: dict, count_ports: list[int]) -> None:
        self.say()
        self.say("Integrity")
        if "sign" in rows:
            self.signing_integrity(rows["sign"])
        confirmed_after = self.confirmed_rows()
        if "confirm" in rows:
            answered = rows["confirm"]["codes"].get("302", 0)
            gained = confirmed_after - self.confirmed_before
            verdict = self.check(
                answered <= gained <= answered + CONNECTIONS and rows["confirm"]["bad"] == 0,
                "confirmations vs rows",
            )
            self.say(
                f"  confirming: {answered} answered 302 -> {gained} rows moved to confirmed "
                f"({gained - answered} in flight when wrk stopped) {verdict}"
            )
        time.sleep(COUNT_CACHE_SECONDS + 1)  # let the cached count expire
        for port in count_ports:
            status, _h, body = stack.request(port, "GET", self.info["big"]["path"] + "count/")
            shown = json.loads(body)["counted"] if status == 200 else None
            verdict = self.check(shown == confirmed_after, f"displayed count on :{port}")
            self.say(
                f"  displayed count on :{port}: {shown} = confirmed rows {confirmed_after} {verdict}"
            )

    # Cost as work grows ---------------------------------------------------------------------

    def best_of(self, name, port, script, path, runs=2) -> dict:
        results = [
            self.measure(name, port, script, path, duration=self.growth_duration)
            for _ in range(runs)
        ]
        return max(results, key=lambda r: r["rps"])

    def growth(self, port: int) -> None:
        self.say()
        self.say(f"Cost as work grows (best of 2 runs, {self.growth_duration} s each)")
        big, small = self.info["big"]["path"], self.info["small"]["path"]
        zip_path = f"/search/?q={self.info['zip']}"
        pairs = []
        for label, path_small, path_big in (
            ("campaign page", small, big),
            ("count", small + "count/", big + "count/"),
        ):
            a = self.best_of("growth", port, "get.lua", path_small)
            b = self.best_of("growth", port, "get.lua", path_big)
            pairs.append((f"{label}: 1,000 vs {self.args.signatures:,} signatures", a, b))
        a = self.best_of("growth", port, "get.lua", zip_path)
        self.say("  importing the 2026 list (1,843 contracts)…")
        stack.manage(self.env, "import_contracts", "fixtures/287g_agreements_2026-05.csv")
        (contracts,) = self.sql("SELECT count(*) FROM campaigns_contract")[0]
        stack.flush_redis(REDIS_DB)
        self.wrk(port, "get.lua", zip_path, duration=1)
        b = self.best_of("growth", port, "get.lua", zip_path)
        pairs.append((f"ZIP search: 2019 list vs 2026 list ({contracts} contracts)", a, b))
        self.say(
            f"{'':58} {'req/s':>8} {'p50 ms':>7} {'req/s':>8} {'p50 ms':>7} {'change':>7}  result"
        )
        for label, a, b in pairs:
            change = b["rps"] / a["rps"] - 1
            ok = change >= -0.10 and a["bad"] == 0 and b["bad"] == 0
            self.say(
                f"{label:58} {a['rps']:8.1f} {a['p50_us'] / 1000:7.1f} {b['rps']:8.1f} "
                f"{b['p50_us'] / 1000:7.1f} {change:+7.1%}  {self.check(ok, label)}"
            )

    # Modes ----------------------------------------------------------------------------------

    def run_single(self) -> None:
        self.prepare(PORT)
        stack.start_gunicorn(self.procs, self.env, PORT, name="gunicorn")
        self.start_ceilings(PORT)
        self.warm_up(PORT)
        rows = self.scenarios(PORT)
        workers = os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1
        self.table(
            rows,
            f"One server: gunicorn {workers} workers x 2 threads (gunicorn.conf.py), "
            f"{os.cpu_count()} cores, wrk {THREADS} threads x {CONNECTIONS} connections, "
            f"{self.duration} s per scenario",
        )
        self.integrity(rows, [PORT])
        if not self.args.skip_growth:
            self.growth(PORT)

    def run_cluster(self) -> None:
        from bench.cluster import journeys

        self.prepare(NGINX_PORT)
        # Two identical app servers on one machine: each gets half of the workers one would get.
        workers = max(2, (os.cpu_count() or 1) + 1)
        for i, port in enumerate(CLUSTER_PORTS, start=1):
            stack.start_gunicorn(self.procs, self.env, port, name=f"gunicorn{i}", workers=workers)
        nginx_tmp = self.tmp / "nginx"
        nginx_tmp.mkdir()
        stack.start_nginx(self.procs, nginx_tmp, NGINX_PORT, list(CLUSTER_PORTS))
        self.start_ceilings(NGINX_PORT)
        self.say()
        self.say(
            f"Cluster: nginx :{NGINX_PORT} -> gunicorn :{CLUSTER_PORTS[0]}, :{CLUSTER_PORTS[1]}"
        )
        for line, ok in journeys(NGINX_PORT, self.env, self.info, CLUSTER_PORTS):
            self.say(f"  {line} {self.check(ok, line)}")
        self.warm_up(NGINX_PORT)
        rows = self.scenarios(NGINX_PORT)
        self.table(
            rows,
            f"Cluster: nginx + 2 x gunicorn ({workers} workers x 2 threads each), "
            f"{os.cpu_count()} cores, wrk {THREADS} x {CONNECTIONS}, {self.duration} s each",
        )
        self.integrity(rows, [NGINX_PORT, *CLUSTER_PORTS])


def ensure_tool(binary: str, package: str) -> None:
    if shutil.which(binary) or Path(f"/usr/sbin/{binary}").exists():
        return
    if os.geteuid() != 0:
        sys.exit(f"{binary} is missing: apt-get install {package}")
    print(f"Installing {package} (apt-get)…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", package],
        check=True,
        env=env,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run (3 s scenarios)")
    parser.add_argument("--cluster", action="store_true", help="two gunicorns behind nginx")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--signatures", type=int, default=100_000)
    parser.add_argument("--skip-growth", action="store_true", help="skip the cost-growth runs")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database")
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        help=f"comma-separated scenarios, each measured with its ceiling ({','.join(TARGETS)})",
    )
    args = parser.parse_args()
    args.duration = min(max(args.duration, 3), 60)  # bounded, whatever is asked
    if args.only:
        unknown = set(args.only) - set(TARGETS)
        if unknown:
            parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
        args.skip_growth = True

    ensure_tool("wrk", "wrk")
    ensure_tool("nginx", "nginx")  # the static bound, and the cluster's balancer

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)

    tmp = Path(tempfile.mkdtemp(prefix="end287g-bench-"))
    started = time.monotonic()
    bench = None
    finished = False
    try:
        with stack.Processes(tmp) as procs:
            bench = Bench(args, tmp, procs)
            bench.say(
                f"End 287(g) benchmark, {datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, "
                f"{os.cpu_count()} cores, Python {platform.python_version()}"
            )
            bench.say(f"Command: {' '.join([Path(sys.executable).name, *sys.argv])}")
            if args.cluster:
                bench.run_cluster()
            else:
                bench.run_single()
            finished = True
    finally:
        if bench:
            bench.say()
            bench.say(f"Took {time.monotonic() - started:.0f} s.")
            if not finished:
                bench.failures.append("the run stopped before the end (see the error above)")
            if bench.failures:
                bench.say("Missed: " + "; ".join(bench.failures))
            else:
                bench.say("Every target held.")
            RESULTS.mkdir(parents=True, exist_ok=True)
            name = "latest-cluster.txt" if args.cluster else "latest.txt"
            (RESULTS / name).write_text("\n".join(bench.lines) + "\n")
            print(f"Written to {RESULTS / name}")
        if not args.keep_db:
            try:
                stack.drop_database(DB_NAME)
            except Exception as exc:  # the run's result matters more than the clean-up
                print(f"Could not drop {DB_NAME}: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bench and bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""The load benchmark: `make bench` (or `.venv/bin/python bench/run.py [--quick] [--runs 3] [--cluster]`).

Builds a dedicated PostgreSQL database (the 2019 contracts, a campaign with 1,000,000 confirmed
signatures, pending ones to confirm), starts gunicorn with the production settings on loopback and
drives it with wrk, bounded in time and connections. Every figure is a ratio to a ceiling measured
in the same run on the same machine, so the result holds on any machine: a bare Django project
(bench/ceiling/: two middleware, a fixed 10 KB page, a raw insert) on the same gunicorn.conf.py and
database, on which the targets are judged; as a diagnostic, the same views through the site's own
settings and middleware (bench/project_settings.py); and nginx serving the campaign page's bytes as
a static file, the physical bound. PostgreSQL is the server and role of DATABASE_URL.

While people sign, the task workers run for real (`manage.py db_worker`, --mail-workers of them)
against a mail provider on loopback as slow as a real one (bench/smtp_sink.py): the delay from each
signature to its confirmation email's arrival is measured. Then it checks integrity (each signature
answered 303 is in the database exactly once, with its email; the displayed count equals the
confirmed rows) and that cost stays flat as the data grows: 1,000 vs 1,000,000 signatures on a
campaign, and the 2019 list vs ICE's current list (2026) on the public pages.

--runs N repeats the load scenarios and reports each one's median (and the spread). --cluster runs
two gunicorn instances behind nginx instead, sharing PostgreSQL and Redis. Prints one report and
writes it to bench/results/<UTC date-time>.txt and latest.txt. Stops everything it started, even
on error.
"""

import argparse
import gzip
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
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
MAIL_PORT = 8112 + _OFFSET
CONNECTIONS = 32
THREADS = 2
# A fixed CSRF secret (32 letters and digits) sent as both cookie and form field: no secret.
CSRF_SECRET = "benchcsrfsecret0123456789abcdefg"  # noqa: S105
COUNT_CACHE_SECONDS = 5  # the settings' default, which the bench does not change
# The confirmation emails of a surge: p95 of the delay from signing to arrival under this.
MAIL_P95_LIMIT = 60

# scenario: (its ceiling, minimum ratio to the bare project's ceiling, p99 limit in ms or None).
# The "mw" column divides by the same ceiling served through the site's middleware: a diagnostic
# of what the middleware costs, not judged.
TARGETS = {
    "page": ("fixed", 0.50, 50),
    "sign": ("insert", 0.35, None),
    "confirm": ("insert", 0.30, None),
    "zip": ("fixed", 0.30, None),
    "count": ("fixed", 0.50, None),
}
CEILINGS = ("static", "bare_fixed", "bare_insert", "fixed", "insert")
LABELS = {
    "static": "bound: nginx, campaign page as a file",
    "bare_fixed": "ceiling: bare Django, 10 KB page GET",
    "bare_insert": "ceiling: bare Django, raw insert POST",
    "fixed": "ceiling via site middleware: page GET",
    "insert": "ceiling via site middleware: insert",
    "page": "campaign page GET",
    "count": "count JSON GET",
    "zip": "ZIP search GET",
    "sign": "signing POST",
    "confirm": "confirming POST",
}
EXPECTED_STATUS = {"sign": "303", "insert": "303", "bare_insert": "303", "confirm": "302"}
# The public pages measured with the 2019 list and with ICE's current list on top.
ICE_PAGES = (
    ("home", "/"),
    ("campaigns, page 2", "/campaigns/?page=2"),
    ("state record (Texas)", "/record/tx/"),
    ("map", "/map/"),
    ("ZIP search", "/search/?q={zip}"),
)
PAIR_LIMIT = 0.10


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the value below which `share` of `values` lie (inf counts as missing)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))]


class MailSurge:
    """The mail provider on loopback (bench/smtp_sink.py) and the task workers that send to it."""

    def __init__(self, bench, env: dict):
        self.bench = bench
        self.env = env
        self.arrivals = bench.tmp / "arrivals.txt"
        self.arrivals.touch()
        self.workers: list = []

    def start(self, procs: stack.Processes, workers: int) -> None:
        args = self.bench.args
        procs.start(
            "smtp-sink",
            [
                stack.PYTHON,
                str(ROOT / "bench" / "smtp_sink.py"),
                str(MAIL_PORT),
                str(self.arrivals),
                "--connect-ms",
                str(args.smtp_connect_ms),
                "--message-ms",
                str(args.smtp_message_ms),
            ],
            os.environ.copy(),
        )
        # Workers niced: in production they run beside the web servers, not on their cores; here
        # they share two cores, and must not take the signing scenario's CPU to measure themselves.
        for n in range(workers):
            self.workers.append(
                procs.start(
                    f"worker{n}",
                    ["nice", "-n", "10", stack.PYTHON, "manage.py", "db_worker", "--no-reload"],
                    self.env,
                )
            )

    def cpu_seconds(self) -> float:
        """CPU time the workers have used so far (Linux /proc: user + system ticks)."""
        total = 0
        for proc in self.workers:
            try:
                fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def wait_until_idle(self, timeout: float = 90) -> None:
        """Until the workers' Django start-up is over: it must not overlap a measurement."""
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(1)
            now = self.cpu_seconds()
            if now - before <= 0.02 * len(self.workers):
                return
            before = now

    def read(self, since: float) -> tuple[dict[str, float], int]:
        """(first arrival per recipient, connections opened) since `since`."""
        first: dict[str, float] = {}
        connections = 0
        for line in self.arrivals.read_text().splitlines():
            kind, _sp, rest = line.partition(" ")
            stamp, _sp, address = rest.partition(" ")
            if float(stamp) < since:
                continue
            if kind == "C":
                connections += 1
            elif kind == "M" and address not in first:
                first[address] = float(stamp)
        return first, connections

    def capacity(self, count: int, wait: float) -> dict:
        """`count` emails queued at once: how fast the workers send a backlog (emails/s)."""
        started = time.time()
        cpu_before = self.cpu_seconds()
        out = subprocess.run(
            [stack.PYTHON, str(ROOT / "bench" / "seed.py"), "--queue-confirmations", str(count)],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        answer = json.loads(out.stdout.strip().splitlines()[-1])
        emails, queued = set(answer["emails"]), answer["queued_at"]  # committed at
        while True:
            arrived, connections = self.read(started)
            got = [t for e, t in arrived.items() if e in emails]
            if len(got) >= len(emails) or time.time() > queued + wait:
                break
            time.sleep(0.5)
        took = (max(got) - queued) if got else float("inf")
        cpu = self.cpu_seconds() - cpu_before
        return {
            "cpu_ms": cpu * 1000 / len(got) if got else 0.0,
            "queued": len(emails),
            "arrived": len(got),
            "seconds": took,
            "rate": len(got) / took if got else 0.0,
            "connections": connections,
        }

    def measure(self, prefix: str, started: float, ended: float, wait: float) -> dict:
        """Wait for this run's signers' emails (until `wait` s after signing ended); the delays."""
        signed = dict(
            self.bench.sql(
                "SELECT email, extract(epoch FROM created_at)::float FROM petitions_signature "
                "WHERE email LIKE %s",
                (prefix,),
            )
        )
        deadline = ended + wait
        while True:
            arrived, connections = self.read(started)
            got = sum(1 for email in signed if email in arrived)
            if got >= len(signed) or time.time() > deadline:
                break
            time.sleep(1)
        delays = [arrived[e] - t if e in arrived else float("inf") for e, t in signed.items()]
        times = sorted(arrived[e] for e in signed if e in arrived)
        span = times[-1] - times[0] if len(times) > 1 else 0
        (due,) = self.bench.sql("SELECT count(*) FROM petitions_signature WHERE follow_up_due")[0]
        return {
            "signed": len(signed),
            "arrived": got,
            "p50": percentile(delays, 0.50) if delays else float("inf"),
            "p95": percentile(delays, 0.95) if delays else float("inf"),
            "rate": got / span if span else 0.0,
            "connections": connections,
            "due_left": due,
            "waited": min(time.time(), deadline) - ended,
        }


class Bench:
    def __init__(self, args, tmp: Path, procs: stack.Processes):
        self.args = args
        self.tmp = tmp
        self.procs = procs
        self.duration = 3 if args.quick else args.duration
        self.pair_duration = 2 if args.quick else 3
        self.run_id = datetime.now().strftime("%H%M%S")
        self.lines: list[str] = []
        self.failures: list[str] = []
        self.checks: list[tuple[str, str]] = []  # (what was checked and found, PASS/FAIL)
        self.mail_runs: list[dict] = []
        self.mail_capacity: dict | None = None
        self.pairs: list[tuple[str, dict, dict, str]] = []
        self.run = 0  # the load run under way (1…N), 0 outside them

    # Output ---------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def log(self, text: str) -> None:
        """Progress on the terminal only: the report is the table."""
        print(text, flush=True)

    def check(self, ok: bool, what: str) -> str:
        if not ok:
            self.failures.append(what)
        return "PASS" if ok else "FAIL"

    def record(self, ok: bool, what: str, line: str) -> None:
        if self.args.runs > 1 and self.run:
            line, what = f"run {self.run}, {line}", f"run {self.run}: {what}"
        self.checks.append((line, self.check(ok, what)))

    # Set-up ---------------------------------------------------------------------------------

    def prepare(self, site_port: int) -> dict:
        self.log(
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
        self.env["EMAIL_URL"] = f"smtp://{HOST}:{MAIL_PORT}"
        stack.manage(self.env, "migrate", "--no-input")
        # As `make load`: the sample petition first (the import renders every campaign's from it).
        stack.manage(self.env, "seed_content")
        stack.manage(self.env, "import_contracts", "fixtures/287g_agreements_2019.csv")
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
        self.seeded = (
            f"{self.args.signatures:,} confirmed + {pending:,} pending signatures on "
            f"{self.info['big']['path']}, seeded in {time.monotonic() - started:.0f} s"
        )
        self.log(self.seeded)
        self.origin = f"http://{HOST}:{site_port}"
        return self.info

    def sql(self, query: str, params=()) -> list:
        import psycopg

        with psycopg.connect(dbname=DB_NAME, autocommit=True, **stack.PG) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

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

    def measure(self, name, port, script, path="/", *, label=None, **kwargs) -> dict:
        result = self.wrk(port, script, path, **kwargs)
        expected = EXPECTED_STATUS.get(name, "200")
        socket_errors = sum(v for k, v in result["errors"].items() if k != "status")
        result["bad"] = sum(v for k, v in result["codes"].items() if k != expected) + socket_errors
        self.log(
            f"  {label or LABELS.get(name, name):40} {result['rps']:8.1f} req/s  "
            f"p50 {result['p50_us'] / 1000:6.1f} ms  p99 {result['p99_us'] / 1000:6.1f} ms  "
            f"codes {result['codes']}"
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
        # What the warm-up's signing left to the workers is not part of any surge measured.
        self.sql("UPDATE petitions_signature SET follow_up_due = false WHERE follow_up_due")
        self.sql("DELETE FROM django_tasks_database_dbtaskresult WHERE status = 'READY'")

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
        self.page_kb = len(page) / 1024
        self.log(
            f"Ceilings: bare Django :{BARE_PORT}, nginx static :{STATIC_PORT} "
            f"(the campaign page, {self.page_kb:.0f} KB)"
        )

    def start_mail(self) -> None:
        self.mail = None
        if self.args.only and "sign" not in self.args.only:
            return  # nobody signs: no email to wait for
        self.mail = MailSurge(self, self.env)
        self.mail.start(self.procs, self.args.mail_workers)
        self.mail.wait_until_idle()

    def sign_env(self, prefix: str) -> dict:
        return {
            "BENCH_PATH": self.info["big"]["path"] + "sign/",
            "BENCH_DRAIN_PATH": self.info["drain"]["path"] + "sign/",
            "BENCH_SWITCH_AFTER": str(max(1, self.duration - 2)),
            "BENCH_EMAIL_PREFIX": prefix,
            "BENCH_ZIP": self.info["zip"],
        }

    def scenarios(self, port: int, run: int) -> dict:
        self.run = run
        big = self.info["big"]["path"]
        self.log(
            f"Run {run} of {self.args.runs}: wrk {THREADS} threads, {CONNECTIONS} connections, "
            f"{self.duration} s each"
        )
        wanted = self.args.only or list(TARGETS)
        ceilings = {TARGETS[name][0] for name in wanted}
        # Each with its ceilings, bare and through the middleware; the page with its static bound.
        needed = {*wanted, *ceilings, *(f"bare_{c}" for c in ceilings)}
        if "page" in wanted:
            needed.add("static")
        # Each run confirms its own share of the pending signatures: a link used twice confirms
        # nothing new.
        tokens = (self.tmp / "tokens.txt").read_text().splitlines(keepends=True)
        share = len(tokens) // self.args.runs
        run_tokens = self.tmp / f"tokens-{run}.txt"
        run_tokens.write_text("".join(tokens[(run - 1) * share : run * share]))
        confirm_env = {"BENCH_TOKENS": str(run_tokens), "BENCH_CSRF": CSRF_SECRET}
        prefix = f"bench-{self.run_id}-r{run}-"
        plans = {  # scenario: (port, wrk script, path, extra environment), in this order
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
                {"BENCH_EMAIL_PREFIX": f"bare-{self.run_id}-r{run}-"},
            ),
            "insert": (
                port,
                "insert.lua",
                "/",
                {"BENCH_EMAIL_PREFIX": f"mw-{self.run_id}-r{run}-"},
            ),
            "confirm": (port, "confirm.lua", "/", confirm_env),
            # Last: its emails are sent while nothing else is measured.
            "sign": (port, "sign.lua", "/", self.sign_env(prefix)),
        }
        rows = {}
        for name in [name for name in plans if name in needed]:
            if name == "confirm":
                confirmed_before = self.confirmed_rows()
            at, script, path, extra_env = plans[name]
            started = time.time()
            rows[name] = self.measure(name, at, script, path, extra_env=extra_env)
            if name == "confirm":
                self.confirm_integrity(rows[name], confirmed_before)
            if name == "sign":
                self.signing_integrity(rows[name], prefix)
                if self.mail:
                    self.mail_surge(prefix, started, time.time())
        return rows

    def confirmed_rows(self, campaign_id=None) -> int:
        campaign_id = campaign_id or self.info["big"]["id"]
        return self.sql(
            "SELECT count(*) FROM petitions_signature WHERE campaign_id = %s AND status = 'confirmed'",
            (campaign_id,),
        )[0][0]

    # Integrity ------------------------------------------------------------------------------

    def signing_integrity(self, sign: dict, prefix: str) -> None:
        big, drain = self.info["big"], self.info["drain"]
        answered = sign["locations"]
        ok_big = answered.get(big["path"] + "signed/", 0)
        ok_drain = answered.get(drain["path"] + "signed/", 0)
        time.sleep(1)  # requests cut off when wrk stopped finish on the server
        like = prefix + "%"
        (in_big,) = self.sql(
            "SELECT count(*) FROM petitions_signature WHERE campaign_id = %s AND email LIKE %s",
            (big["id"], like),
        )[0]
        (in_drain,) = self.sql(
            "SELECT count(*) FROM petitions_signature WHERE campaign_id = %s AND email LIKE %s",
            (drain["id"], like),
        )[0]
        (duplicates,) = self.sql(
            "SELECT count(*) - count(DISTINCT (campaign_id, email_key)) FROM petitions_signature "
            "WHERE email LIKE %s",
            (like,),
        )[0]
        self.record(
            in_big == ok_big and duplicates == 0 and sign["bad"] == 0,
            "signatures answered 303 vs rows",
            f"signing: {ok_big:,} answered 303 -> {in_big:,} rows, each once (duplicates "
            f"{duplicates}, other answers or socket errors {sign['bad']})",
        )
        cut = in_drain - ok_drain
        self.record(
            0 <= cut <= CONNECTIONS,
            "drain window",
            f"signing, last 2 s (other campaign): {ok_drain:,} answered 303 -> {in_drain:,} rows, "
            f"{cut} in flight when wrk stopped (<= {CONNECTIONS})",
        )

    def confirm_integrity(self, confirm: dict, before: int) -> None:
        answered = confirm["codes"].get("302", 0)
        gained = self.confirmed_rows() - before
        self.record(
            answered <= gained <= answered + CONNECTIONS and confirm["bad"] == 0,
            "confirmations vs rows",
            f"confirming: {answered:,} answered 302 -> {gained:,} rows moved to confirmed "
            f"({gained - answered} in flight when wrk stopped)",
        )

    def mail_surge(self, prefix: str, started: float, ended: float) -> None:
        wait = 30 if self.args.quick else self.args.mail_wait
        if not self.args.mail_workers:
            wait = 0  # --mail-workers 0: signing measured without the workers, nothing sent
        self.log(f"  waiting for the confirmation emails (at most {wait} s)…")
        result = self.mail.measure(prefix + "%", started, ended, wait)
        self.mail_runs.append(result)
        self.log(
            f"  emails: {result['arrived']:,} of {result['signed']:,} arrived, p50 "
            f"{result['p50']:.1f} s, p95 {result['p95']:.1f} s, {result['rate']:.0f}/s, "
            f"{result['connections']} connections"
        )
        self.record(
            result["arrived"] == result["signed"] and result["due_left"] == 0,
            "every signature's confirmation email arrived",
            f"email: {result['arrived']:,} of {result['signed']:,} signatures' confirmations "
            f"arrived within {result['waited']:.0f} s of the end of signing; "
            f"{result['due_left']} signatures still due a follow-up",
        )

    def measure_mail_capacity(self) -> None:
        if not self.mail or not self.args.mail_workers:
            return
        count = 500 if self.args.quick else 2000
        self.log(f"Mail capacity: {count} confirmation emails queued at once…")
        self.mail_capacity = self.mail.capacity(count, wait=120)
        c = self.mail_capacity
        self.log(
            f"  {c['arrived']} of {c['queued']} sent in {c['seconds']:.1f} s: {c['rate']:.0f}/s"
        )

    def count_integrity(self, count_ports: list[int]) -> None:
        confirmed = self.confirmed_rows()
        time.sleep(COUNT_CACHE_SECONDS + 1)  # let the cached count expire
        for port in count_ports:
            status, _h, body = stack.request(port, "GET", self.info["big"]["path"] + "count/")
            shown = json.loads(body)["counted"] if status == 200 else None
            self.record(
                shown == confirmed,
                f"displayed count on :{port}",
                f"displayed count on :{port}: {shown:,} = confirmed rows {confirmed:,}"
                if shown is not None
                else f"displayed count on :{port}: answered {status}",
            )

    # Cost as the data grows -----------------------------------------------------------------

    def best_of(self, port, paths: list[tuple[str, str]], rounds=3) -> list[dict]:
        """Each path `rounds` times, interleaved (a burst of other load hits them alike); the
        best of each: interference on a shared machine only ever slows a run down."""
        best: dict[str, dict] = {}
        for _ in range(rounds):
            for label, path in paths:
                r = self.measure(
                    "pair", port, "get.lua", path, label=label, duration=self.pair_duration
                )
                if label not in best or r["rps"] > best[label]["rps"]:
                    best[label] = r
        return [best[label] for label, _path in paths]

    def gzipped_kb(self, port: int, path: str) -> float:
        status, _h, body = stack.request(port, "GET", path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        return len(gzip.compress(body.encode(), 6)) / 1024

    def cold_ms(self, port: int, path: str, samples: int = 3) -> float:
        """The median time of a request with nothing in the shared cache (flushed before each)."""
        times = []
        for _ in range(samples):
            stack.flush_redis(REDIS_DB)
            started = time.perf_counter()
            status, _h, _b = stack.request(port, "GET", path)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
        return statistics.median(times)

    def growth(self, port: int) -> None:
        self.log("Cost as the data grows")
        big, small = self.info["big"]["path"], self.info["small"]["path"]
        n = f"{self.args.signatures:,}"
        a_page, a_count, b_page, b_count = self.best_of(
            port,
            [
                ("campaign page, 1,000 signatures", small),
                ("count, 1,000 signatures", small + "count/"),
                (f"campaign page, {n} signatures", big),
                (f"count, {n} signatures", big + "count/"),
            ],
        )
        self.pairs.append((f"campaign page: 1,000 vs {n} signatures", a_page, b_page, ""))
        self.pairs.append((f"count: 1,000 vs {n} signatures", a_count, b_count, ""))
        paths = [(label, path.format(zip=self.info["zip"])) for label, path in ICE_PAGES]
        (before,) = self.sql("SELECT count(*) FROM campaigns_campaign")[0]
        map_before = self.gzipped_kb(port, "/map/")
        cold_before = [self.cold_ms(port, p) for _label, p in paths]
        old = self.best_of(port, [(f"{label}, 2019 list", p) for label, p in paths])
        self.log("  importing ICE's current list (fixtures/287g_agreements_2026-05.csv)…")
        stack.manage(self.env, "import_contracts", "fixtures/287g_agreements_2026-05.csv")
        (contracts,) = self.sql("SELECT count(*) FROM campaigns_contract")[0]
        (after,) = self.sql("SELECT count(*) FROM campaigns_campaign")[0]
        cold_after = [self.cold_ms(port, p) for _label, p in paths]
        for _label, path in paths:
            self.wrk(port, "get.lua", path, duration=1)
        new = self.best_of(port, [(f"{label}, 2026 list", p) for label, p in paths])
        map_after = self.gzipped_kb(port, "/map/")
        for i, ((label, _path), a, b) in enumerate(zip(paths, old, new, strict=True)):
            extra = f"uncached {cold_before[i]:.0f} -> {cold_after[i]:.0f} ms"
            if label == "map":
                extra += f"; gzipped {map_before:.0f} -> {map_after:.0f} KB"
            self.pairs.append((f"{label}: 2019 vs 2026 list", a, b, extra))
        self.data_note = (
            f"2019 list: {before:,} campaigns; with ICE's current list on top: {contracts:,} "
            f"contracts, {after:,} campaigns"
        )

    # Report ---------------------------------------------------------------------------------

    def report(self, runs: list[dict], title: str) -> None:
        n = len(runs)
        self.say()
        self.say(title)
        self.say(
            "bare: ratio to the bare Django project's ceiling (bench/ceiling/), on which the "
            "targets are judged; mw: to the same ceiling through the site's middleware "
            "(diagnostic); nginx: to nginx serving the campaign page's bytes as a file"
        )
        if n > 1:
            self.say(
                f"Each figure is the median of {n} runs; spread: the lowest and highest ratio "
                "(req/s for the ceilings) of the runs."
            )
        self.say()
        header = (
            f"{'scenario':40} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
            f"{'bare':>5} {'mw':>5} {'nginx':>5} {'spread':>11}  {'target':17} result"
        )
        self.say(header)
        self.say("-" * len(header))
        for name in (*CEILINGS, "page", "sign", "confirm", "zip", "count"):
            got = [r for r in runs if name in r]
            if not got:
                continue
            values = {
                key: statistics.median(r[name][key] for r in got)
                for key in ("rps", "p50_us", "p99_us")
            }
            errors = sum(r[name]["bad"] for r in got)
            bare = mw = nginx = None
            spread, target, verdict = "", "", ""
            if name in ("fixed", "insert"):
                bare = statistics.median(r[name]["rps"] / r[f"bare_{name}"]["rps"] for r in got)
            if name in CEILINGS:
                verdict = self.check(errors == 0, f"{LABELS[name]}: errors")
                if n > 1:
                    lo, hi = min(r[name]["rps"] for r in got), max(r[name]["rps"] for r in got)
                    spread = f"{lo:,.0f}-{hi:,.0f}"
            if name in TARGETS:
                ceiling, minimum, p99_limit = TARGETS[name]
                ratios = [r[name]["rps"] / r[f"bare_{ceiling}"]["rps"] for r in got]
                bare = statistics.median(ratios)
                mw = statistics.median(r[name]["rps"] / r[ceiling]["rps"] for r in got)
                if n > 1:
                    spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
                ok = bare >= minimum and errors == 0
                target = f">={minimum:.2f}"
                if p99_limit:
                    ok = ok and values["p99_us"] / 1000 < p99_limit
                    target += f", p99<{p99_limit}"
                verdict = self.check(ok, f"{LABELS[name]}: ratio {bare:.2f} / {target}")
            if name not in ("static", "sign", "confirm", "insert", "bare_insert") and all(
                "static" in r for r in got
            ):
                nginx = statistics.median(r[name]["rps"] / r["static"]["rps"] for r in got)
            label = LABELS[name]
            if name == "page":
                label = f"campaign page GET ({self.args.signatures:,} sig.)"
            self.say(
                f"{label:40} {values['rps']:8,.0f} {values['p50_us'] / 1000:7.1f} "
                f"{values['p99_us'] / 1000:7.1f} {errors:6d} {_ratio(bare):>5} {_ratio(mw):>5} "
                f"{_ratio(nginx):>5} {spread:>11}  {target:17} {verdict}"
            )
        self.mail_report()
        self.say()
        self.say("Integrity")
        for line, verdict in self.checks:
            self.say(f"  {verdict}  {line}")
        if self.pairs:
            self.pairs_report()

    def mail_report(self) -> None:
        if not self.mail_runs:
            return
        a = self.args
        mid = {
            key: statistics.median(r[key] for r in self.mail_runs)
            for key in ("signed", "arrived", "p50", "p95", "rate", "connections")
        }
        ok = mid["p95"] < MAIL_P95_LIMIT and all(
            r["arrived"] == r["signed"] for r in self.mail_runs
        )
        spread = ""
        if len(self.mail_runs) > 1:
            p95s = [r["p95"] for r in self.mail_runs]
            spread = f" (runs: {', '.join(f'{v:.1f}' for v in p95s)})"
        self.say(
            f"{'confirmation email, signing -> arrival':40} p50 {mid['p50']:.1f} s, "
            f"p95 {mid['p95']:.1f} s{spread}; {mid['arrived']:,.0f} of {mid['signed']:,.0f} "
            f"arrived  p95<{MAIL_P95_LIMIT} s  "
            f"{self.check(ok, f'confirmation email p95 {mid["p95"]:.1f} s')}"
        )
        self.say(
            f"{'':40} {a.mail_workers} workers (db_worker, niced); SMTP sink: {a.smtp_connect_ms:.0f} "
            f"ms to greet a connection, {a.smtp_message_ms:.0f} ms to take a message; "
            f"{mid['connections']:.0f} connections for {mid['arrived']:,.0f} emails"
        )
        c = self.mail_capacity
        if c:
            self.say(
                f"{'mail workers, a backlog':40} {c['queued']:,} queued at once: "
                f"{c['arrived']:,} sent in {c['seconds']:.1f} s = {c['rate']:.0f} emails/s, "
                f"{c['rate'] / a.mail_workers:.1f} per worker, over {c['connections']} connections; "
                f"workers' CPU {c['cpu_ms']:.1f} ms an email (sweep not included)"
            )

    def pairs_report(self) -> None:
        self.say()
        self.say(
            f"Cost as the data grows (best of 3 interleaved runs of {self.pair_duration} s; "
            f"limit: {PAIR_LIMIT:.0%} slower)"
        )
        if getattr(self, "data_note", ""):
            self.say(f"  {self.data_note}")
        self.say(
            f"  {'':48} {'req/s':>8} {'p50 ms':>7} {'req/s':>8} {'p50 ms':>7} {'change':>7}  result"
        )
        for label, a, b, extra in self.pairs:
            change = b["rps"] / a["rps"] - 1
            ok = change >= -PAIR_LIMIT and a["bad"] == 0 and b["bad"] == 0
            self.say(
                f"  {label:48} {a['rps']:8,.0f} {a['p50_us'] / 1000:7.1f} {b['rps']:8,.0f} "
                f"{b['p50_us'] / 1000:7.1f} {change:+7.1%}  {self.check(ok, label)}  {extra}"
            )

    # Modes ----------------------------------------------------------------------------------

    def run_single(self) -> None:
        self.prepare(PORT)
        stack.start_gunicorn(self.procs, self.env, PORT, name="gunicorn")
        self.start_ceilings(PORT)
        self.warm_up(PORT)
        self.start_mail()
        runs = [self.scenarios(PORT, run) for run in range(1, self.args.runs + 1)]
        self.run = 0
        self.count_integrity([PORT])
        self.measure_mail_capacity()
        if not self.args.skip_growth:
            self.growth(PORT)
        workers = os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2 + 1
        self.report(
            runs,
            f"One server: gunicorn {workers} workers x 2 threads (gunicorn.conf.py), "
            f"{os.cpu_count()} cores, wrk {THREADS} threads x {CONNECTIONS} connections, "
            f"{self.duration} s per scenario; {self.seeded}",
        )

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
        self.log(
            f"Cluster: nginx :{NGINX_PORT} -> gunicorn :{CLUSTER_PORTS[0]}, :{CLUSTER_PORTS[1]}"
        )
        for line, ok in journeys(NGINX_PORT, self.env, self.info, CLUSTER_PORTS):
            self.record(ok, line, line)
        self.warm_up(NGINX_PORT)
        self.start_mail()
        runs = [self.scenarios(NGINX_PORT, run) for run in range(1, self.args.runs + 1)]
        self.run = 0
        self.count_integrity([NGINX_PORT, *CLUSTER_PORTS])
        self.measure_mail_capacity()
        self.report(
            runs,
            f"Cluster: nginx + 2 x gunicorn ({workers} workers x 2 threads each), "
            f"{os.cpu_count()} cores, wrk {THREADS} x {CONNECTIONS}, {self.duration} s each; "
            f"{self.seeded}",
        )


def _ratio(value) -> str:
    return "" if value is None else f"{value:.2f}"


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
    parser.add_argument("--runs", type=int, default=1, help="repeat the load scenarios N times")
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--skip-growth", action="store_true", help="skip the cost-growth runs")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database")
    parser.add_argument("--mail-workers", type=int, default=24, help="task workers (db_worker)")
    parser.add_argument("--smtp-connect-ms", type=float, default=300, help="SMTP greeting delay")
    parser.add_argument("--smtp-message-ms", type=float, default=100, help="SMTP time a message")
    parser.add_argument(
        "--mail-wait", type=int, default=90, help="seconds to wait for the emails after signing"
    )
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        help=f"comma-separated scenarios, each measured with its ceiling ({','.join(TARGETS)})",
    )
    args = parser.parse_args()
    args.duration = min(max(args.duration, 3), 60)  # bounded, whatever is asked
    args.runs = min(max(args.runs, 1), 5)
    if args.quick:
        args.signatures = min(args.signatures, 100_000)
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
    stamp = datetime.now(UTC)
    bench = None
    finished = False
    try:
        with stack.Processes(tmp) as procs:
            bench = Bench(args, tmp, procs)
            bench.say(
                f"End 287(g) benchmark, {stamp:%Y-%m-%d %H:%M} UTC, {platform.node()}, "
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
            text = "\n".join(bench.lines) + "\n"
            suffix = "-cluster" if args.cluster else ""
            (RESULTS / f"{stamp:%Y-%m-%dT%H%M%SZ}{suffix}.txt").write_text(text)
            (RESULTS / f"latest{suffix}.txt").write_text(text)
            print(f"Written to {RESULTS / f'latest{suffix}.txt'} and its dated copy")
        if not args.keep_db:
            try:
                stack.drop_database(DB_NAME)
            except Exception as exc:  # the run's result matters more than the clean-up
                print(f"Could not drop {DB_NAME}: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bench and bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())

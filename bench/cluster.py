"""Journeys across two app servers behind nginx: the app servers must keep no state of their own.

A supporter signs through one server and confirms through the other; a leader logs in on one and
is logged in on the other; every server shows the same count. nginx adds X-Upstream (which server
answered), so each journey checks it really crossed servers. Used by `bench/run.py --cluster` and
tests/test_cluster.py.
"""

import json
import re
import subprocess
import time

from bench import stack

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Balancer:
    """Requests through nginx, steered so the next one lands on a chosen server (round robin)."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method, path, **kwargs):
        status, headers, body = stack.request(self.port, method, path, **kwargs)
        return status, headers, body, headers.get("X-Upstream", "")

    def request_avoiding(self, upstream: str, method, path, **kwargs):
        """Round robin over two servers: after a request served by `upstream`, the next is not."""
        for _ in range(4):
            _s, _h, _b, served_by = self.request("GET", "/healthz")
            if served_by == upstream:
                break
        return self.request(method, path, **kwargs)


def confirm_token(env: dict, email: str) -> str:
    """The link from the signer's email, made by the site's own code with the servers' key."""
    out = subprocess.run(
        [stack.PYTHON, str(stack.ROOT / "bench" / "seed.py"), "--token-for", email],
        cwd=stack.ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["token"]


def csrf_pair(balancer: Balancer, path: str) -> tuple[dict, str, str]:
    status, headers, body, served_by = balancer.request("GET", path)
    if status != 200:
        raise AssertionError(f"GET {path} answered {status}")
    match = CSRF_FIELD.search(body)
    if not match:
        raise AssertionError(f"no CSRF field on {path}")
    return stack.set_cookies(headers), match.group(1), served_by


def sign_and_confirm(balancer: Balancer, env: dict, campaign_path: str) -> tuple[str, bool]:
    email = f"cluster-{time.time_ns()}@example.org"
    origin = f"http://{stack.HOST}:{balancer.port}"
    status, _h, _b, signed_on = balancer.request(
        "POST",
        campaign_path + "sign/",
        form={
            "name": "Rosa Cluster",
            "email": email,
            "zip_code": "77550",
            "visibility": "counted",
            "website": "",
        },
        headers={"Origin": origin},
    )
    if status != 303:
        return f"sign through nginx answered {status}", False
    token = confirm_token(env, email)
    cookies, csrf, _shown_on = csrf_pair(balancer, f"/confirm/{token}/")
    status, _h, _b, confirmed_on = balancer.request_avoiding(
        signed_on,
        "POST",
        f"/confirm/{token}/",
        form={"csrfmiddlewaretoken": csrf},
        cookies=cookies,
        headers={"Origin": origin},
    )
    ok = status == 302 and signed_on != confirmed_on and bool(signed_on and confirmed_on)
    return (
        f"supporter signs on {signed_on} (303), confirms on {confirmed_on} ({status})",
        ok,
    )


def leader_session(balancer: Balancer, email: str, password: str) -> tuple[str, bool]:
    origin = f"http://{stack.HOST}:{balancer.port}"
    cookies, csrf, _shown_on = csrf_pair(balancer, "/accounts/login/")
    status, headers, _b, logged_in_on = balancer.request(
        "POST",
        "/accounts/login/",
        form={"csrfmiddlewaretoken": csrf, "login": email, "password": password},
        cookies=cookies,
        headers={"Origin": origin},
    )
    cookies.update(stack.set_cookies(headers))
    if status != 302 or not cookies.get("sessionid"):
        return f"leader login on {logged_in_on} answered {status}", False
    status, headers, _b, seen_on = balancer.request_avoiding(
        logged_in_on, "GET", "/my-campaigns/", cookies=cookies
    )
    ok = status == 200 and logged_in_on != seen_on and bool(seen_on)
    return f"leader logs in on {logged_in_on}, is logged in on {seen_on} ({status})", ok


def counts_agree(balancer: Balancer, app_ports, campaign_path: str) -> tuple[str, bool]:
    counts = {}
    for port in app_ports:
        _s, _h, body = stack.request(port, "GET", campaign_path + "count/")
        counts[f":{port}"] = json.loads(body)["counted"]
    for _ in range(2):
        _s, _h, body, served_by = balancer.request("GET", campaign_path + "count/")
        counts[f"nginx->{served_by}"] = json.loads(body)["counted"]
    ok = len(set(counts.values())) == 1
    return f"counts: {counts}", ok


def journeys(nginx_port: int, env: dict, info: dict, app_ports=(8101, 8102)):
    """Yields (what happened, whether it is right) for each journey across the two servers."""
    balancer = Balancer(nginx_port)
    path = info["big"]["path"]
    yield sign_and_confirm(balancer, env, path)
    if info.get("leader"):
        yield leader_session(balancer, *info["leader"])
    yield counts_agree(balancer, app_ports, path)

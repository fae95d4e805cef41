"""Two app servers behind nginx, sharing PostgreSQL and Redis, behave as one site.

Runs real gunicorn processes (production settings) on loopback against the test database, and
nginx round-robin in front of them: a supporter signs through one and confirms through the other,
a leader logs in on one and is logged in on the other, and both show the same count.
"""

import json
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from bench import stack
from bench.cluster import Balancer, counts_agree, leader_session, sign_and_confirm
from petitions.signing import TALLY_REFRESH_SECONDS
from tests.factories import CampaignFactory, SignatureFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NGINX_PORT = 8120
APP_PORTS = (8121, 8122)
REDIS_DB = 6
LEADER_PASSWORD = "a-long-cluster-password-7"


@pytest.fixture
def cluster():
    if not stack.nginx_available():
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run installs it)")
    with tempfile.TemporaryDirectory(prefix="end287g-cluster-") as tmp:
        tmp = Path(tmp)
        stack.flush_redis(REDIS_DB)
        env = stack.server_env(
            database=connection.settings_dict["NAME"],
            redis_db=REDIS_DB,
            static_root=tmp / "static",
            site_port=NGINX_PORT,
        )
        stack.manage(env, "collectstatic", "--no-input")
        with stack.Processes(tmp) as procs:
            for i, port in enumerate(APP_PORTS, start=1):
                stack.start_gunicorn(procs, env, port, name=f"gunicorn{i}", workers=2)
            (tmp / "nginx").mkdir()
            stack.start_nginx(procs, tmp / "nginx", NGINX_PORT, list(APP_PORTS))
            yield Balancer(NGINX_PORT), env
        stack.flush_redis(REDIS_DB)


@pytest.fixture
def campaign():
    campaign = CampaignFactory()
    SignatureFactory.create_batch(3, campaign=campaign)
    return campaign


@pytest.fixture
def leader():
    from allauth.account.models import EmailAddress

    user = UserFactory(email="leader@cluster.example.org")
    user.set_password(LEADER_PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_two_servers_behind_nginx_share_signatures_sessions_and_counts(cluster, campaign, leader):
    balancer, env = cluster
    path = campaign.get_absolute_url()

    what, ok = sign_and_confirm(balancer, env, path)
    assert ok, what
    assert campaign.signatures.filter(status="confirmed").count() == 4
    # Visitors read the stored tally, which a worker refreshes once the confirmation's few-second
    # window has closed (petitions.signing.TALLY_REFRESH_SECONDS): let that window pass, then run
    # the worker as production does.
    time.sleep(TALLY_REFRESH_SECONDS + 1)
    stack.manage(env, "db_worker", "--batch", "--no-startup-delay")

    what, ok = leader_session(balancer, leader.email, LEADER_PASSWORD)
    assert ok, what

    what, ok = counts_agree(balancer, APP_PORTS, path)
    assert ok, what
    for port in APP_PORTS:
        _status, _headers, body = stack.request(port, "GET", path + "count/")
        assert json.loads(body)["counted"] == 4

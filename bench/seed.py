"""Bench set-up inside Django: the ceiling table, campaigns with signatures, confirmation tokens.

Run by bench/run.py (and the cluster test) with the bench's environment; prints one JSON line.
Signatures are written with one INSERT ... SELECT generate_series each, built from the model's
own fields so a column added later still gets its default. A million rows take seconds, not
minutes: the table's secondary indexes are dropped during the load and built once after it
(the same definitions, read from the catalog), and foreign keys are not checked row by row (the
ids come from rows this script has just read).
"""

import argparse
import contextlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from campaigns.models import Campaign  # noqa: E402
from petitions.models import Signature, SignatureStatus  # noqa: E402
from petitions.texts import current_petition, ensure_petition_texts  # noqa: E402
from petitions.tokens import confirm_token  # noqa: E402

BENCH_ZIP = "77550"  # Galveston, TX: a county in the 2019 cohort
MAX_BOOST = 32767


def create_ceiling_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_ceiling ("
            " id bigserial PRIMARY KEY, email varchar(254) NOT NULL UNIQUE,"
            " created_at timestamptz NOT NULL)"
        )


def insert_signatures(campaign, count, *, prefix, confirmed, zip_code=BENCH_ZIP):
    """`count` signatures with emails `<prefix><n>@example.org`, in one statement."""
    if count <= 0:
        return
    text = current_petition(campaign)
    email = f"'{prefix}' || g || '@example.org'"
    known = {
        "uid": "gen_random_uuid()",
        "campaign": str(int(campaign.pk)),
        "petition_text": str(int(text.pk)),
        "name": "'Seed signer ' || g",
        "email": email,
        # 64 hex digits like the real keyed hash (petitions.models.email_key), so the unique index
        # is as wide as in production; the bench never signs a seeded address again.
        "email_key": f"encode(sha256(convert_to({email}, 'UTF8')), 'hex')",
        "email_domain": "'example.org'",
        "zip_code": "%s",
        "county_resident": "true",
        "status": "%s",
        "created_at": "now() - make_interval(secs => g)",
        "confirmed_at": "now()" if confirmed else "NULL",
    }
    known_params = {
        "zip_code": zip_code,
        "status": SignatureStatus.CONFIRMED if confirmed else SignatureStatus.PENDING,
    }
    columns, exprs, params = [], [], []
    for f in Signature._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.name in known:
            exprs.append(known[f.name])
            if f.name in known_params:
                params.append(known_params[f.name])
        elif f.null:
            exprs.append("NULL")
        else:
            exprs.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
    sql = (
        f"INSERT INTO {Signature._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(exprs)} FROM generate_series(1, {int(count)}) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextlib.contextmanager
def bulk_load(model):
    """Inside a transaction: `model`'s table without its secondary indexes and row-by-row
    foreign-key checks while the block runs; the indexes are built again after it."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
            " (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        (superuser,) = cursor.fetchone()
        if superuser:  # only a superuser may switch the foreign-key triggers off
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def bench_campaigns():
    """The big campaign (Galveston, the ZIP searched), then two other county campaigns."""
    big = Campaign.objects.public().filter(county_id="48167").first()
    others = list(
        Campaign.objects.public().filter(county__isnull=False).exclude(pk=big.pk).order_by("pk")[:2]
    )
    return big, others[0], others[1]


def create_leader(email, password):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(email=email)
    user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def queue_confirmations(count: int) -> list[str]:
    """A backlog for the mail workers: `count` confirmation emails queued in one transaction, in
    the sweep's batches."""
    from petitions.tasks import EMAIL_BATCH, send_confirmation

    rows = list(
        Signature.objects.filter(status=SignatureStatus.PENDING, email__startswith="pending-")
        .order_by("-pk")
        .values_list("pk", "email")[:count]
    )
    with transaction.atomic():
        for start in range(0, len(rows), EMAIL_BATCH):
            send_confirmation.enqueue(*[pk for pk, _email in rows[start : start + EMAIL_BATCH]])
    return [email for _pk, email in rows]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--pending", type=int, default=0)
    parser.add_argument("--tokens-file", default="")
    parser.add_argument("--leader-email", default="")
    parser.add_argument("--leader-password", default="")
    parser.add_argument("--token-for", default="", help="only print this signer's confirm token")
    parser.add_argument(
        "--queue-confirmations",
        type=int,
        default=0,
        help="only queue this many pending signers' confirmation emails at once (as a sweep "
        "does); print their addresses",
    )
    args = parser.parse_args()

    if args.queue_confirmations:
        emails = queue_confirmations(args.queue_confirmations)
        print(json.dumps({"emails": emails, "queued_at": time.time()}))
        return

    if args.token_for:
        uid = Signature.objects.get(email=args.token_for).uid
        print(json.dumps({"token": confirm_token(uid)}))
        return

    create_ceiling_table()
    ensure_petition_texts()
    big, small, drain = bench_campaigns()
    with transaction.atomic(), bulk_load(Signature):
        # Every bench request comes from 127.0.0.1: the staff switch for shared Wi-Fi, at its max.
        Campaign.objects.filter(pk__in=[big.pk, small.pk, drain.pk]).update(
            rate_limit_boost=MAX_BOOST
        )
        insert_signatures(big, args.signatures, prefix="seed-", confirmed=True)
        insert_signatures(small, args.small, prefix="seed-", confirmed=True)
        insert_signatures(big, args.pending, prefix="pending-", confirmed=False)
    with connection.cursor() as cursor:
        # The visibility map too, as autovacuum would leave it: counts read the index alone.
        cursor.execute(f"VACUUM (ANALYZE) {Signature._meta.db_table}")
    if args.tokens_file:
        uids = Signature.objects.filter(
            campaign=big, status=SignatureStatus.PENDING, email__startswith="pending-"
        ).values_list("uid", flat=True)
        Path(args.tokens_file).write_text("".join(confirm_token(uid) + "\n" for uid in uids))
    if args.leader_email:
        create_leader(args.leader_email, args.leader_password)
    print(
        json.dumps(
            {
                "big": {"id": big.pk, "path": big.get_absolute_url()},
                "small": {"id": small.pk, "path": small.get_absolute_url()},
                "drain": {"id": drain.pk, "path": drain.get_absolute_url()},
                "zip": BENCH_ZIP,
                "leader": [args.leader_email, args.leader_password] if args.leader_email else None,
            }
        )
    )


if __name__ == "__main__":
    main()

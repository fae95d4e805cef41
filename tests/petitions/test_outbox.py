"""With the database task queue: a new signature owes its confirmation email in its own row, and
the worker's sweep turns what the rows owe into email tasks (one sweep per second at a surge).
Other email and count tasks commit or roll back with the change that calls for them."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from petitions.confirmation import confirm_signature
from petitions.models import Signature
from petitions.tasks import follow_up_new_signatures
from petitions.tokens import confirm_token
from tests.factories import CampaignFactory, SignatureFactory

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_queue(settings, monkeypatch):
    settings.TASKS = DB_QUEUE  # django.tasks drops its cached backends on this change
    # One moment for the whole test: windows of the clock (one sweep, one refresh per window)
    # must not roll over between two requests of a test.
    moment = time.time()
    monkeypatch.setattr("config.outbox._now", lambda: moment)
    return moment


def _just_after_window(run_after, seconds):
    """Half a second past a multiple of `seconds`: when a window of the clock closes."""
    return (run_after.timestamp() - 0.5) % seconds == pytest.approx(0)


def _queued(task_name):
    return list(DBTaskResult.objects.filter(task_path__endswith=task_name))


@pytest.mark.django_db(transaction=True)
def test_a_new_signature_owes_its_email_and_the_sweep_queues_it(db_queue, sign):
    campaign = CampaignFactory()
    before = timezone.now()
    sign(campaign, language="es")
    signature = Signature.objects.get()
    # The request wrote the row and queued a sweep for the end of the second; no email task yet.
    assert signature.follow_up_due
    assert _queued("send_confirmation") == []
    [sweep] = _queued("follow_up_new_signatures")
    assert before < sweep.run_after <= before + timedelta(seconds=1.5)
    assert _just_after_window(sweep.run_after, 1)

    assert follow_up_new_signatures.call() == 1
    signature.refresh_from_db()
    assert not signature.follow_up_due
    [queued] = _queued("send_confirmation")
    assert queued.args_kwargs["args"] == [signature.pk]
    assert follow_up_new_signatures.call() == 0  # nothing is queued twice


@pytest.mark.django_db(transaction=True)
def test_signatures_at_a_surge_queue_one_sweep_that_follows_up_every_one(db_queue, sign):
    campaign = CampaignFactory()
    for n in range(5):
        sign(campaign, email=f"signer{n}@example.org", name=f"Signer {n}", language="es")
    assert len(_queued("follow_up_new_signatures")) == 1
    assert follow_up_new_signatures.call() == 5
    # The five emails in one task: the worker sends them over one connection.
    [queued] = _queued("send_confirmation")
    assert sorted(queued.args_kwargs["args"]) == sorted(
        Signature.objects.values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_the_sweep_flags_a_later_signature_with_the_same_name_and_zip(db_queue, sign):
    campaign = CampaignFactory()
    sign(campaign, email="ana@example.org", name="Ana López", language="es")
    sign(campaign, email="ana.lopez@example.net", name="ana  LOPEZ", language="es")
    sign(campaign, email="bea@example.org", name="Bea López", language="es")
    follow_up_new_signatures.call()
    flagged = dict(Signature.objects.values_list("email", "possible_duplicate"))
    # Only the later one is noted for the leader: the first signer is nobody's repeat.
    assert flagged == {
        "ana@example.org": False,
        "ana.lopez@example.net": True,
        "bea@example.org": False,
    }


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_signature_leaves_no_email_task(db_queue, sign):
    campaign = CampaignFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        sign(campaign, language="es")
        raise RuntimeError("the request failed after signing")
    assert not Signature.objects.exists()
    assert _queued("send_confirmation") == []


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_queues_one_count_refresh(db_queue):
    signature = SignatureFactory(campaign=CampaignFactory(), status="pending")
    confirm_signature(confirm_token(signature.uid))
    assert len(_queued("after_count_change")) == 1


@pytest.mark.django_db(transaction=True)
def test_signing_again_marks_the_row_and_the_sweep_decides_within_the_cool_down(db_queue, sign):
    """A repeat request writes what a new one writes (one statement, no email task): the sweep
    decides, and within the cool-down of the first email it queues none."""
    campaign = CampaignFactory()
    sign(campaign, language="es")
    follow_up_new_signatures.call()
    sign(campaign, name="Ana María López", language="es")
    signature = Signature.objects.get()
    assert signature.follow_up_due
    assert signature.name == "Ana María López"
    assert len(_queued("send_confirmation")) == 1
    assert follow_up_new_signatures.call() == 1
    assert len(_queued("send_confirmation")) == 1  # still only the first email
    Signature.objects.update(last_emailed_at=timezone.now() - timedelta(minutes=11))
    sign(campaign, language="es")
    follow_up_new_signatures.call()
    assert len(_queued("send_confirmation")) == 2  # the cool-down is over


@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_already_signed_to_a_confirmed_row_and_nothing_to_an_invalidated_one(
    db_queue, sign
):
    campaign = CampaignFactory()
    sign(campaign, email="ana@example.org", language="es")
    sign(campaign, email="bea@example.org", name="Bea", language="es")
    Signature.objects.update(follow_up_due=False)
    Signature.objects.filter(email="ana@example.org").update(
        status="confirmed", confirmed_at=timezone.now()
    )
    Signature.objects.filter(email="bea@example.org").update(status="invalidated")
    sign(campaign, email="ana@example.org", name="Stranger", language="es")
    sign(campaign, email="bea@example.org", name="Stranger", language="es")
    assert follow_up_new_signatures.call() == 2
    [already] = _queued("send_already_signed")
    assert already.args_kwargs["args"] == [Signature.objects.get(email="ana@example.org").pk]
    assert _queued("send_confirmation") == []
    assert not Signature.objects.filter(name="Stranger").exists()


@pytest.mark.django_db(transaction=True)
def test_confirmations_at_a_surge_queue_one_count_refresh_after_the_window(db_queue):
    campaign = CampaignFactory()
    pending = SignatureFactory.create_batch(3, campaign=campaign, status="pending")
    before = timezone.now()
    for signature in pending:
        confirm_signature(confirm_token(signature.uid))
    queued = _queued("after_count_change")
    assert len(queued) == 1
    assert before < queued[0].run_after <= before + timedelta(seconds=5.5)
    assert _just_after_window(queued[0].run_after, 5)
    assert Signature.objects.filter(status="confirmed").count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_command_follows_up_a_signature_whose_sweep_was_lost(db_queue, sign):
    """A server stopped between the insert and queuing the sweep: the safety net catches it."""
    campaign = CampaignFactory()
    sign(campaign, language="es")
    DBTaskResult.objects.filter(task_path__endswith="follow_up_new_signatures").delete()
    out = StringIO()
    call_command("follow_up_signatures", stdout=out)
    assert "Followed up 1 new signature(s) in " in out.getvalue()
    [queued] = _queued("send_confirmation")
    assert queued.args_kwargs["args"] == [Signature.objects.get().pk]

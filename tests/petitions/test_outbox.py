"""With the database task queue, a signature's email task commits or rolls back with the signature."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from petitions.models import Signature
from petitions.services import confirm_signature, sign_petition
from petitions.tokens import confirm_token
from tests.factories import CampaignFactory, SignatureFactory

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_queue(settings):
    settings.TASKS = DB_QUEUE  # django.tasks drops its cached backends on this change


def _sign(campaign):
    return sign_petition(
        campaign,
        name="Ana López",
        email="ana@example.org",
        zip_code="77550",
        visibility="counted",
        language="es",
    )


def _queued(task_name):
    return list(DBTaskResult.objects.filter(task_path__endswith=task_name))


@pytest.mark.django_db(transaction=True)
def test_a_signature_and_its_confirmation_email_task_commit_together(db_queue):
    campaign = CampaignFactory()
    _sign(campaign)
    signature = Signature.objects.get()
    queued = _queued("send_confirmation")
    assert len(queued) == 1
    assert queued[0].args_kwargs["args"] == [signature.pk]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_signature_leaves_no_email_task(db_queue):
    campaign = CampaignFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _sign(campaign)
        raise RuntimeError("the request failed after signing")
    assert not Signature.objects.exists()
    assert _queued("send_confirmation") == []


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_queues_one_count_refresh(db_queue):
    signature = SignatureFactory(campaign=CampaignFactory(), status="pending")
    confirm_signature(confirm_token(signature.uid))
    assert len(_queued("after_count_change")) == 1


@pytest.mark.django_db(transaction=True)
def test_the_email_task_is_written_in_the_signatures_own_transaction(db_queue):
    """One commit for both: no moment where the signature exists and its email task does not."""
    campaign = CampaignFactory()
    with transaction.atomic():
        _sign(campaign)
        assert len(_queued("send_confirmation")) == 1


@pytest.mark.django_db(transaction=True)
def test_confirmations_at_a_surge_queue_one_count_refresh_after_the_window(db_queue):
    campaign = CampaignFactory()
    pending = SignatureFactory.create_batch(3, campaign=campaign, status="pending")
    before = timezone.now()
    for signature in pending:
        confirm_signature(confirm_token(signature.uid))
    queued = _queued("after_count_change")
    assert len(queued) == 1
    assert queued[0].run_after >= before + timedelta(seconds=5)
    assert Signature.objects.filter(status="confirmed").count() == 3

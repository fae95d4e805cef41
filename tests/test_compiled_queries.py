"""Queries compiled once per process (config/compiled.py) return what the ORM returns, take their
values as parameters only, and refuse a placeholder the ORM would rewrite."""

import pytest
from django.db import models

from campaigns.models import Campaign
from config.compiled import Compiled, save_fields
from tests.factories import CampaignFactory, CountyFactory

pytestmark = pytest.mark.django_db


def _campaign(state, slug):
    return (
        Campaign.objects.select_related("county")
        .annotate(name_length=models.functions.Length("name"))
        .filter(state=state, slug=slug)
        .order_by()
    )


BY_ADDRESS = Compiled(_campaign, state="\x00state", slug="\x00slug")


def test_it_returns_what_the_orm_returns_with_related_objects_and_annotations():
    campaign = CampaignFactory()
    CampaignFactory(county=CountyFactory(fips="48201", name="Harris County"))  # never returned
    expected = _campaign(campaign.state, campaign.slug).first()
    found = BY_ADDRESS.first(state=campaign.state, slug=campaign.slug)
    assert found == expected
    assert found.name == expected.name and found.name_length == len(campaign.name)
    assert found.county.name == campaign.county.name  # loaded with it, not fetched later


def test_it_returns_none_when_nothing_matches_and_values_stay_parameters():
    campaign = CampaignFactory()
    assert BY_ADDRESS.first(state=campaign.state, slug="' OR '1'='1") is None
    assert BY_ADDRESS.first(state="XX", slug=campaign.slug) is None


def test_a_placeholder_the_orm_rewrites_is_refused():
    containing = Compiled(lambda name: Campaign.objects.filter(name__contains=name), name="\x00n")
    with pytest.raises(ValueError, match="placeholders"):
        containing.first(name="Galveston")


def test_save_fields_writes_the_named_fields_only():
    campaign = CampaignFactory(name="Old name")
    campaign.name = "New name"
    campaign.slug = "never-saved"
    save_fields(campaign, ["name"])
    campaign.refresh_from_db()
    assert (campaign.name, campaign.slug) != ("Old name", "never-saved")
    assert campaign.name == "New name"
    assert campaign.slug != "never-saved"

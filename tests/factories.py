"""factory-boy factories for the domain: counties, agencies, contracts, campaigns, people."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from campaigns.models import Agency, AgencyType, Campaign, Contract, ContractModel, County, Target
from petitions.models import PetitionText, email_domain, email_key
from petitions.texts import render_petition


def _today():
    return _now().date()


def _now():
    return timezone.now()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["fips"]

    fips = "48167"
    name = "Galveston County"
    state = "TX"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.LazyAttribute(lambda o: f"{o.county.name} Sheriff's Office")
    agency_type = AgencyType.SHERIFF
    state = factory.LazyAttribute(lambda o: o.county.state)
    county = factory.SubFactory(CountyFactory)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    agency = factory.SubFactory(AgencyFactory)
    model = ContractModel.JAIL_ENFORCEMENT
    signed_date = factory.Faker("date_between", start_date="-8y", end_date="-1y")
    expires = None


class CampaignFactory(factory.django.DjangoModelFactory):
    """A county campaign with one sheriff's contract, its target and petition version 1.

    Traits for the common states: `led=True` (with an active leader), `delivered=True`,
    `closed=True` (ended, with its outcome date).
    """

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    class Params:
        led = factory.Trait(
            status="led",
            leader=factory.RelatedFactory(
                "tests.factories.LeadershipFactory", factory_related_name="campaign"
            ),
        )
        delivered = factory.Trait(status="delivered")
        closed = factory.Trait(status="closed", outcome_date=factory.LazyFunction(_today))

    county = factory.SubFactory(CountyFactory)
    state = factory.LazyAttribute(lambda o: o.county.state)
    name = factory.LazyAttribute(lambda o: o.county.name)
    slug = factory.LazyAttribute(lambda o: slugify(o.name))

    @factory.post_generation
    def with_contract(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        agency = AgencyFactory(county=obj.county, state=obj.state)
        ContractFactory(agency=agency)
        Target.objects.create(
            campaign=obj, role="sheriff", office=agency.name, name="Sheriff Pat Doe"
        )
        PetitionText.objects.create(campaign=obj, version=1, **render_petition(obj))


class LeadershipFactory(factory.django.DjangoModelFactory):
    """An active leader of a campaign (the campaign is marked led, as a claim would)."""

    class Meta:
        model = "campaigns.Leadership"
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    user = factory.SubFactory(UserFactory)
    public_name = "Rosa"

    @factory.post_generation
    def mark_led(obj, create, extracted, **kwargs):
        if create and obj.ended_at is None and obj.campaign.status == "open":
            obj.campaign.status = "led"
            obj.campaign.save(update_fields=["status"])


def training_steps():
    """The leaders' training as seeded on deploy."""
    from campaigns.models import TrainingStep
    from campaigns.training_content import STEPS

    return [
        TrainingStep.objects.get_or_create(slug=step["slug"], defaults={"order": n, **step})[0]
        for n, step in enumerate(STEPS, start=1)
    ]


class SignatureFactory(factory.django.DjangoModelFactory):
    """A confirmed online signature. Traits: `pending=True` (waiting for its email),
    `withdrawn=True`, `paper=True` (typed in from a sheet), `in_person=True` (signing table);
    `confirmed=True` says the default out loud."""

    class Meta:
        model = "petitions.Signature"
        skip_postgeneration_save = True

    class Params:
        confirmed = factory.Trait(status="confirmed")
        pending = factory.Trait(status="pending")
        withdrawn = factory.Trait(
            status="withdrawn", withdrawn_at=factory.LazyFunction(_now), keep_updated=False
        )
        paper = factory.Trait(method="paper")
        in_person = factory.Trait(method="in_person")

    campaign = factory.SubFactory(CampaignFactory)
    petition_text = factory.LazyAttribute(
        lambda o: o.campaign.petition_texts.order_by("version").first()
    )
    name = factory.Sequence(lambda n: f"Signer Person{n}")
    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    email_key = factory.LazyAttribute(lambda o: email_key(o.email))
    email_domain = factory.LazyAttribute(lambda o: email_domain(o.email))
    zip_code = "77550"
    county_resident = True
    status = "confirmed"
    confirmed_at = factory.LazyAttribute(lambda o: _now() if o.status == "confirmed" else None)

    @factory.post_generation
    def counted(obj, create, extracted, **kwargs):
        """A confirmed row is counted as the refresh task counts it seconds after a confirmation
        (visitors read the stored tally); `counted=False` leaves the tally as it was."""
        if create and obj.status == "confirmed" and extracted is not False:
            from petitions.counting import refresh_tallies

            refresh_tallies([obj.campaign])

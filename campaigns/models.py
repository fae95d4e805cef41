"""Counties, agencies, their 287(g) contracts, and the county campaigns with their leaders."""

import re
import uuid
from datetime import date

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .states import STATE_NAMES, state_name
from .text import fold

_SAINT_WORD = re.compile(r"\b(st|ste)\.? ")


class County(models.Model):
    """A U.S. county or county-equivalent, keyed by its 5-digit Census FIPS code."""

    fips = models.CharField(_("FIPS code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    state = models.CharField(_("state"), max_length=2, db_index=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["state", "name"]

    def __str__(self):
        return f"{self.name}, {self.state}"


class AgencyType(models.TextChoices):
    SHERIFF = "sheriff", _("Sheriff's office")
    CORRECTIONS = "corrections", _("Corrections")
    POLICE = "police", _("Police")
    OTHER = "other", _("Other")


class Jurisdiction(models.TextChoices):
    """Where an agency's agreement reaches: what a ZIP or city search must show it for."""

    COUNTY = "county", _("County")  # a sheriff, a county jail, county police or a county office
    CITY = "city", _("City or town")  # a police department, marshal or campus: county known too
    STATE = "state", _("Whole state")  # a state police, patrol, department of corrections
    UNPLACED = "", _("Not placed")  # the import could not tell; staff may set it in the admin


class Agency(models.Model):
    """A law-enforcement agency that holds one or more 287(g) agreements."""

    name = models.CharField(_("name"), max_length=200)
    # The name folded for matching (ICE spells the same agency with curly or straight apostrophes).
    match_name = models.CharField(max_length=200, editable=False)
    agency_type = models.CharField(_("type"), max_length=20, choices=AgencyType.choices)
    state = models.CharField(_("state"), max_length=2, db_index=True)
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text=_("For a city or town, the county it lies in (the one a ZIP search finds)."),
    )
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=10, choices=Jurisdiction.choices, blank=True, default=""
    )
    city = models.CharField(
        _("city or town"), max_length=100, blank=True, help_text=_("Only for a city jurisdiction.")
    )
    # Folded "agency county state-name state" so one LIKE finds any of them, accent-blind.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["state", "name"]
        constraints = [
            models.UniqueConstraint(fields=["state", "match_name"], name="agency_unique_per_state"),
            models.CheckConstraint(
                condition=Q(agency_type__in=AgencyType.values), name="agency_type_valid"
            ),
            # A county agency has its county; a city agency its city and that city's county; a
            # statewide or not-yet-placed agency neither.
            models.CheckConstraint(
                condition=(
                    Q(jurisdiction=Jurisdiction.COUNTY, county__isnull=False, city="")
                    | (Q(jurisdiction=Jurisdiction.CITY, county__isnull=False) & ~Q(city=""))
                    | Q(
                        jurisdiction__in=[Jurisdiction.STATE, Jurisdiction.UNPLACED],
                        county__isnull=True,
                        city="",
                    )
                ),
                name="agency_jurisdiction_consistent",
                violation_error_message=_(
                    "A county agency needs its county; a city agency its city and that city's "
                    "county; a statewide or unplaced agency neither."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.state})"

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """What save() computes (bulk_create does not call save(): the import calls this)."""
        if not self.jurisdiction and self.county_id:
            # An agency given only a county (by hand, or by an older caller) is that county's.
            self.jurisdiction = Jurisdiction.COUNTY
        self.match_name = self.match_key(self.name)
        self.search_text = self.build_search_text()

    @staticmethod
    def match_key(name: str) -> str:
        # "St Johns County" and "St. Johns County" are one agency (ICE writes both).
        return _SAINT_WORD.sub(r"\1. ", fold(name).replace("sheriffs office", "sheriff's office"))

    def build_search_text(self) -> str:
        parts = [self.name, STATE_NAMES.get(self.state, ""), self.state]
        if self.city:
            parts.append(self.city)
        if self.county_id:
            parts.append(self.county.name)
        return fold(" | ".join(parts))


class ContractModel(models.TextChoices):
    JAIL_ENFORCEMENT = "jail_enforcement", _("Jail enforcement")
    TASK_FORCE = "task_force", _("Task force")
    WARRANT_SERVICE_OFFICER = "warrant_service_officer", _("Warrant service officer")


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
    NOT_RENEWED = "not_renewed", _("Not renewed")
    TERMINATED = "terminated", _("Terminated")


IN_FORCE_STATUSES = (ContractStatus.ACTIVE, ContractStatus.RENEWED)


class ContractListQuerySet(models.QuerySet):
    def latest_date(self) -> date | None:
        """The date of the newest ICE list we hold (what "today's list" means), or None."""
        return self.order_by("-listed_on").values_list("listed_on", flat=True).first()


class ContractList(models.Model):
    """One of ICE's participating-agencies lists, as imported: its date and what it held then."""

    listed_on = models.DateField(_("list date"), unique=True)
    name = models.CharField(_("file"), max_length=200)
    agreements = models.PositiveIntegerField(_("agreements"), default=0)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    objects = ContractListQuerySet.as_manager()

    class Meta:
        verbose_name = _("ICE list")
        verbose_name_plural = _("ICE lists")
        ordering = ["listed_on"]

    def __str__(self):
        return f"{self.name} ({self.listed_on})"


class ContractQuerySet(models.QuerySet):
    def on_list(self, listed_on: date):
        """The agreements on ICE's list of that date (their latest list is that one)."""
        return self.filter(last_listed=listed_on)

    def unlisted(self):
        """In force as far as we know, but missing from ICE's newer lists: staff have not yet
        confirmed that they ended, and no later list has them again."""
        return self.filter(status__in=IN_FORCE_STATUSES, unlisted_since__isnull=False)


class Contract(models.Model):
    """One 287(g) memorandum of agreement between ICE and an agency."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="contracts"
    )
    model = models.CharField(_("model"), max_length=30, choices=ContractModel.choices)
    signed_date = models.DateField(_("signed"), null=True, blank=True)
    expires = models.DateField(_("expires"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    status_changed = models.DateField(_("status changed on"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    # The dates of the first and the latest ICE list it was on; none when it came only from an
    # undated source (the 2019 cohort). Today's list is the latest ContractList.
    first_listed = models.DateField(_("first on ICE's list"), null=True, blank=True)
    last_listed = models.DateField(_("last on ICE's list"), null=True, blank=True, db_index=True)
    # The date of the first newer ICE list it was missing from; cleared when a later list has it
    # again. Shown while it is in force, until staff confirm that it ended.
    unlisted_since = models.DateField(_("not on ICE's list since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("287(g) contract")
        verbose_name_plural = _("287(g) contracts")
        ordering = ["agency__state", "agency__name", "model"]
        constraints = [
            # One agreement per agency and model: the import's idempotency key.
            models.UniqueConstraint(
                fields=["agency", "model"], name="contract_unique_agency_model"
            ),
            models.CheckConstraint(
                condition=Q(model__in=ContractModel.values), name="contract_model_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="contract_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.agency.name}: {self.get_model_display()}"

    def days_left(self, today: date | None = None) -> int | None:
        if self.expires is None:
            return None
        return (self.expires - (today or timezone.localdate())).days

    @property
    def is_in_force(self) -> bool:
        return self.status in IN_FORCE_STATUSES

    @property
    def is_unlisted(self) -> bool:
        """Missing from ICE's newer list, and nobody has confirmed that it ended."""
        return self.is_in_force and self.unlisted_since is not None

    def set_status(self, status: str, *, on: date | None = None) -> bool:
        """Move to `status`, dated `on` (today); False when it already was. The caller saves."""
        if status == self.status:
            return False
        self.status = status
        self.status_changed = on or timezone.localdate()
        return True


class ContractImportStatus(models.TextChoices):
    STAGED = "staged", _("Waiting for confirmation")
    APPLIED = "applied", _("Imported")
    DISCARDED = "discarded", _("Discarded")


class ContractImport(models.Model):
    """An uploaded contract list kept between its summary and staff's confirmation: the file
    itself (never uploaded twice), what it would change, and who confirmed it, once."""

    name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(editable=False)
    listed_on = models.DateField(_("list date"), null=True, blank=True)
    # The summary staff saw: counts, and each change (what, line, state, agency, model).
    summary = models.JSONField(default=dict, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ContractImportStatus.choices,
        default=ContractImportStatus.STAGED,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    applied_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract list import")
        verbose_name_plural = _("contract list imports")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ContractImportStatus.values),
                name="contract_import_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=ContractImportStatus.APPLIED) | Q(applied_at__isnull=False),
                name="contract_import_applied_dated",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Needs a leader")
    LED = "led", _("Led")
    DELIVERED = "delivered", _("Petition delivered")
    WON = "won", _("Won: contract ended")
    LOST = "lost", _("Contract renewed")
    CLOSED = "closed", _("Closed")


# The groups of statuses the rules speak of, named once (set after the class: an Enum would make
# them members). Only campaigns.services moves a campaign from one status to another.
# A leader's term counts against their limit while the campaign is led or delivered.
CampaignStatus.LEADING = frozenset({CampaignStatus.LED, CampaignStatus.DELIVERED})
# Signing has ended and signers' details may be purged once the outcome is old enough.
CampaignStatus.ENDED = frozenset({CampaignStatus.WON, CampaignStatus.LOST, CampaignStatus.CLOSED})
# The petition went to the sheriff (the checklist's last step is done).
CampaignStatus.DELIVERED_OR_ENDED = frozenset(
    {CampaignStatus.DELIVERED, CampaignStatus.WON, CampaignStatus.LOST}
)
# Before the delivery: a delivery recorded now moves the campaign to DELIVERED.
CampaignStatus.BEFORE_DELIVERY = frozenset({CampaignStatus.OPEN, CampaignStatus.LED})
# What staff may record as the outcome, in the order the form offers them.
CampaignStatus.OUTCOMES = (
    CampaignStatus.DELIVERED,
    CampaignStatus.WON,
    CampaignStatus.LOST,
    CampaignStatus.CLOSED,
)


class CampaignQuerySet(models.QuerySet):
    def public(self):
        return self.filter(merged_into__isnull=True).exclude(status=CampaignStatus.CLOSED)

    def needing_leader(self):
        return self.public().filter(status=CampaignStatus.OPEN)

    def led(self):
        return self.filter(status=CampaignStatus.LED)

    def for_listing(self):
        return self.select_related("county", "agency")

    def _targeting(self, agencies):
        """Campaigns that target one of `agencies`: a county's own agencies, or its one agency."""
        return self.filter(
            models.Exists(
                agencies.filter(
                    Q(county_id=models.OuterRef("county_id"), jurisdiction=Jurisdiction.COUNTY)
                    | Q(pk=models.OuterRef("agency_id"))
                )
            )
        )

    def of_agency_type(self, agency_type: str):
        """Campaigns against an agency of this type (a sheriff's office, a police department...)."""
        return self._targeting(Agency.objects.filter(agency_type=agency_type))

    def of_model(self, model: str):
        """Campaigns against an agreement of this 287(g) model."""
        return self._targeting(Agency.objects.filter(contracts__model=model))


class Campaign(models.Model):
    """The local campaign against one county's contracts (or one county-less agency's)."""

    state = models.CharField(_("state"), max_length=2)
    slug = models.SlugField(_("address"), max_length=120)
    name = models.CharField(_("name"), max_length=200)
    county = models.OneToOneField(
        County,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaign",
    )
    # Set only for an agency with no county (a state department of corrections, a regional jail).
    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_campaign",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    outcome_date = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_note = models.TextField(_("what happened"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_campaigns",
    )
    # Staff switches: pause signing at once; count paper signatures; raise rate limits for an event.
    signing_paused = models.BooleanField(_("signing paused"), default=False)
    paper_counts = models.BooleanField(_("paper signatures count toward the goal"), default=True)
    rate_limit_boost = models.PositiveSmallIntegerField(
        _("rate limit multiplier"),
        default=1,
        help_text=_("Raise during an in-person signing event on shared Wi-Fi."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["state", "name"]
        constraints = [
            models.UniqueConstraint(fields=["state", "slug"], name="campaign_unique_address"),
            models.CheckConstraint(
                condition=Q(county__isnull=False) | Q(agency__isnull=False),
                name="campaign_has_county_or_agency",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="campaign_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=CampaignStatus.CLOSED),
                name="campaign_merged_is_closed",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.state}"

    def get_absolute_url(self):
        return reverse("campaigns:detail", kwargs=self.url_kwargs)

    @property
    def url_kwargs(self) -> dict:
        """The campaign's part of every campaign page's URL (/campaigns/<state>/<slug>/...)."""
        return {"state": self.state.lower(), "slug": self.slug}

    @property
    def state_name(self) -> str:
        return state_name(self.state)

    def contracts(self):
        """Every agreement this campaign targets, oldest agency first."""
        if self.county_id:
            qs = Contract.objects.filter(
                agency__county_id=self.county_id, agency__jurisdiction=Jurisdiction.COUNTY
            )
        else:
            qs = Contract.objects.filter(agency_id=self.agency_id)
        return qs.select_related("agency").order_by("agency__name", "model")

    @property
    def listed_contracts(self) -> list:
        """The contracts from prefetched relations (search and lists prefetch them)."""
        if self.county_id:
            return [
                c
                for a in self.county.agencies.all()
                if a.jurisdiction == Jurisdiction.COUNTY
                for c in a.contracts.all()
            ]
        return list(self.agency.contracts.all()) if self.agency_id else []

    @property
    def is_outcome(self) -> bool:
        return self.status in CampaignStatus.ENDED

    def accepts_leader(self) -> bool:
        return self.status == CampaignStatus.OPEN and self.merged_into_id is None


class TargetRole(models.TextChoices):
    SHERIFF = "sheriff", _("Sheriff")
    AGENCY_HEAD = "agency_head", _("Head of agency")
    OFFICIAL = "official", _("Local elected official")
    POLICE_CHIEF = "police_chief", _("Police chief")
    COUNTY_COMMISSION = "county_commission", _("County commissioners")
    MAYOR_COUNCIL = "mayor_council", _("Mayor and city council")
    GOVERNOR = "governor", _("Governor")


# Who heads an agency (matched on role, one per campaign); the others are elected officials.
HEAD_ROLES = (TargetRole.SHERIFF, TargetRole.AGENCY_HEAD, TargetRole.POLICE_CHIEF)


class Target(models.Model):
    """Who the petition is addressed to: the sheriff (or agency head) and local officials."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    role = models.CharField(_("role"), max_length=20, choices=TargetRole.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    office = models.CharField(_("office"), max_length=200, blank=True)
    address = models.TextField(_("public office address"), blank=True)
    phone = models.CharField(_("public office phone"), max_length=40, blank=True)
    email = models.EmailField(_("public office email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    meeting = models.CharField(
        _("public meeting where the budget or agreement is decided"),
        max_length=300,
        blank=True,
        help_text=_("For example: County Commissioners Court, 1st and 3rd Monday, 9 a.m."),
    )
    meeting_next = models.DateField(_("next public meeting"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name or self.office or self.get_role_display()


class LeadershipEnd(models.TextChoices):
    STEPPED_DOWN = "stepped_down", _("Stepped down")
    RELEASED = "released", _("Released by staff")
    REASSIGNED = "reassigned", _("Reassigned by staff")
    TRAINING_EXPIRED = "training_expired", _("Training not finished in time")
    MERGED = "merged", _("Campaign merged")
    HANDED_OVER = "handed_over", _("Handed over to a co-leader")


class LeadershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)

    def of_team(self, user):
        """The active lead terms `user` shares: their own, or one they co-lead (the one leader
        check: the dashboard, the tools, and the services behind them all ask this)."""
        if not getattr(user, "pk", None):
            return self.none()
        co_leads = CoLeadership.objects.active().filter(
            leadership=models.OuterRef("pk"), user_id=user.pk
        )
        return self.active().filter(Q(user_id=user.pk) | models.Exists(co_leads))


class Leadership(models.Model):
    """A person leading a campaign, from the claim until they step down or are released.

    Rows are never deleted: together they are the record of every change of leader, who and when.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="leaderships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leaderships"
    )
    public_name = models.CharField(_("public name"), max_length=60)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by staff"),
    )
    training_completed_at = models.DateTimeField(_("training completed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    delivery_planned_on = models.DateField(_("delivery planned for"), null=True, blank=True)
    shared_at = models.DateTimeField(_("first shared"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(
        _("why it ended"), max_length=20, choices=LeadershipEnd.choices, blank=True
    )

    objects = LeadershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("leadership")
        verbose_name_plural = _("leaderships")
        ordering = ["-claimed_at"]
        constraints = [
            # Exactly one leader per campaign, held by the database, not only by Python.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(ended_at__isnull=True),
                name="one_active_leader_per_campaign",
            ),
        ]

    def __str__(self):
        return f"{self.public_name} – {self.campaign}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def training_deadline(self):
        """When the campaign reopens unless the training is finished (services.reopen_stale_claims):
        CLAIM_TRAINING_DEADLINE after the claim, and never sooner than half of it after the reminder.
        """
        deadline = self.claimed_at + settings.CLAIM_TRAINING_DEADLINE
        if self.reminded_at:
            deadline = max(deadline, self.reminded_at + settings.CLAIM_TRAINING_DEADLINE / 2)
        return deadline


class CoLeadershipEnd(models.TextChoices):
    STEPPED_DOWN = "stepped_down", _("Stepped down")
    REMOVED = "removed", _("Removed by the leader")
    LEAD_ENDED = "lead_ended", _("The leader's term ended")
    BECAME_LEADER = "became_leader", _("Became the leader")


class CoLeadershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


# A lead term has at most this many co-leaders at once: seats 1 and 2, held by the database.
CO_LEADER_SEATS = 2


class CoLeadership(models.Model):
    """A person the leader invited to share the campaign office, for the leader's term.

    It hangs on the lead's term (a Leadership row): when that term ends, so does this. Rows are
    never deleted: with the invitations they are the record of who helped lead, and when.
    """

    leadership = models.ForeignKey(
        Leadership,
        on_delete=models.CASCADE,
        related_name="co_leaderships",
        verbose_name=_("leader's term"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="co_leaderships",
        verbose_name=_("user"),
    )
    public_name = models.CharField(_("public name"), max_length=60)
    # Which of the term's seats it holds: the database refuses a third active co-leader.
    seat = models.PositiveSmallIntegerField(_("seat"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(
        _("why it ended"), max_length=20, choices=CoLeadershipEnd.choices, blank=True
    )

    objects = CoLeadershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-leader")
        verbose_name_plural = _("co-leaders")
        ordering = ["seat", "started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seat__gte=1, seat__lte=CO_LEADER_SEATS), name="co_leader_seat_valid"
            ),
            models.UniqueConstraint(
                fields=["leadership", "seat"],
                condition=Q(ended_at__isnull=True),
                name="co_leader_one_per_seat",
            ),
            models.UniqueConstraint(
                fields=["leadership", "user"],
                condition=Q(ended_at__isnull=True),
                name="co_leader_once_per_term",
            ),
            models.CheckConstraint(
                condition=Q(end_reason__in=["", *CoLeadershipEnd.values]),
                name="co_leader_end_reason_valid",
            ),
        ]

    def __str__(self):
        return f"{self.public_name} – {self.leadership.campaign}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


CO_LEADER_INVITATION_SALT = "campaigns.co_leader_invitation"


class CoLeaderInvitationQuerySet(models.QuerySet):
    def pending(self, *, now=None):
        """Not used, not cancelled, not expired."""
        return self.filter(
            accepted_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )

    def by_token(self, token: str):
        """The invitation a link names (in whatever state), or None for a forged or mangled link."""
        try:
            uid = uuid.UUID(hex=signing.Signer(salt=CO_LEADER_INVITATION_SALT).unsign(token))
        except (signing.BadSignature, ValueError):
            return None
        return self.filter(uid=uid).first()


class CoLeaderInvitation(models.Model):
    """The leader's invitation to one email address: a link that works once, for that address,
    until it expires."""

    leadership = models.ForeignKey(
        Leadership,
        on_delete=models.CASCADE,
        related_name="co_leader_invitations",
        verbose_name=_("leader's term"),
    )
    email = models.EmailField(_("invited address"))
    language = models.CharField(
        _("language of the invitation"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # The link carries this uid signed with the site's secret (campaigns.coleaders.invitation_token):
    # the database alone opens nothing, and the task that emails it needs only the row's id.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    co_leadership = models.OneToOneField(
        CoLeadership,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
        verbose_name=_("co-leader"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = CoLeaderInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-leader invitation")
        verbose_name_plural = _("co-leader invitations")
        ordering = ["-created_at"]
        constraints = [
            # Used once: an accepted invitation names the co-leader it made, and nothing else.
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, co_leadership__isnull=True)
                | Q(accepted_at__isnull=False, co_leadership__isnull=False),
                name="co_leader_invitation_accepted_once",
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.leadership.campaign}"

    @property
    def token(self) -> str:
        """What the emailed link carries: the uid signed with the site's secret."""
        return signing.Signer(salt=CO_LEADER_INVITATION_SALT).sign(self.uid.hex)


class TrainingStep(models.Model):
    """One step of the leaders' short online training; staff edit the text in both languages."""

    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    slug = models.SlugField(unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_es = models.TextField(_("text (Spanish)"))

    class Meta:
        verbose_name = _("training step")
        verbose_name_plural = _("training steps")
        ordering = ["order"]

    def __str__(self):
        return f"{self.order}. {self.title_en}"


class TrainingCompletion(models.Model):
    leadership = models.ForeignKey(
        Leadership, on_delete=models.CASCADE, related_name="training_completions"
    )
    step = models.ForeignKey(TrainingStep, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["leadership", "step"], name="training_step_once"),
        ]

    def __str__(self):
        return f"{self.leadership} – {self.step}"


# Pressing the decision-maker: contact details a leader proposes, and clicks counted per day.


# The contact fields of a target a leader may propose and staff copy onto it.
TARGET_CONTACT_FIELDS = ("phone", "email", "address", "website", "meeting", "meeting_next")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for staff review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TargetContactProposal(models.Model):
    """A leader's proposed contact details for a target; staff approve it to copy it onto the target."""

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="contact_proposals", verbose_name=_("target")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    phone = models.CharField(_("public office phone"), max_length=40, blank=True)
    email = models.EmailField(_("public office email"), blank=True)
    address = models.TextField(_("public office address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    meeting = models.CharField(
        _("public meeting where the budget or agreement is decided"), max_length=300, blank=True
    )
    meeting_next = models.DateField(_("next public meeting"), null=True, blank=True)
    note = models.TextField(_("where the leader found it"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed contact details")
        verbose_name_plural = _("proposed contact details")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values),
                name="target_proposal_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.target} ({self.get_status_display()})"


class PressKind(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")


class PressClick(models.Model):
    """How many times a day visitors pressed "Call" or "Email" on a campaign page: a count, never who."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="press_clicks")
    kind = models.CharField(_("kind"), max_length=10, choices=PressKind.choices)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("clicks"), default=0)

    class Meta:
        verbose_name = _("press click count")
        verbose_name_plural = _("press click counts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind", "day"], name="press_click_per_day"),
            models.CheckConstraint(
                condition=models.Q(kind__in=PressKind.values), name="press_click_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} {self.kind} {self.day}: {self.count}"

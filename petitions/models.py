"""Petition texts (versioned), signatures and their states, milestones, delivery and audits."""

import functools
import hashlib
import hmac
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections, models, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from campaigns.text import fold


class SiteSettings(models.Model):
    """Switches staff flip in admin that take effect at once (one row)."""

    class MilestoneCounts(models.TextChoices):
        ALL = "all", _("All confirmed signatures")
        RESIDENTS = "residents", _("County residents only")

    signing_paused = models.BooleanField(_("pause signing on every campaign"), default=False)
    milestone_counts = models.CharField(
        _("what counts toward the goal"),
        max_length=20,
        choices=MilestoneCounts.choices,
        default=MilestoneCounts.ALL,
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)
        # A request that read the old row before this commit may have cached it again.
        transaction.on_commit(lambda: cache.delete(self.CACHE_KEY))

    CACHE_KEY = "petitions:site-settings"

    @classmethod
    def load(cls) -> "SiteSettings":
        """The one row, through the shared cache: read on every signature, changed rarely.

        Saving clears it for every app server at once (the cache is shared), so a pause still
        takes effect on the next request; the timeout only bounds a change made behind the ORM.
        """
        obj = cache.get(cls.CACHE_KEY)
        if obj is None:
            obj, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, obj, 60)
        return obj


class PetitionTemplate(models.Model):
    """The national sample petition. Placeholders: {county}, {state}, {sheriff}, {agency}."""

    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_es = models.TextField(_("text (Spanish)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sample petition")
        verbose_name_plural = _("sample petition")

    def __str__(self):
        return self.title_en


class PetitionTextStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, waiting for staff")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class PetitionTextQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=PetitionTextStatus.APPROVED)

    def current_first(self):
        """The text people sign now is the latest approved version (the one rule)."""
        return self.approved().order_by("-version")


class PetitionText(models.Model):
    """One version of one campaign's petition. Each signature records the version it signed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="petition_texts")
    version = models.PositiveIntegerField(_("version"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    body_es = models.TextField(_("text (Spanish)"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PetitionTextStatus.choices,
        default=PetitionTextStatus.APPROVED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = PetitionTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition text")
        verbose_name_plural = _("petition texts")
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="petition_version_unique"),
            models.CheckConstraint(
                condition=Q(status__in=PetitionTextStatus.values), name="petition_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} v{self.version}"

    def title(self, language: str) -> str:
        return self.title_es if language == "es" else self.title_en

    def body(self, language: str) -> str:
        return self.body_es if language == "es" else self.body_en


class SignatureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn by the signer")
    INVALIDATED = "invalidated", _("Invalidated by staff")


class Visibility(models.TextChoices):
    """What the sheriff may see of a signer; counted only is the default."""

    COUNTED = "counted", _("Count me, but do not show my name")
    FIRST_INITIAL = "first_initial", _("My first name and last initial")
    FULL_NAME = "full_name", _("My full name")


class SignatureMethod(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Signed on paper")
    IN_PERSON = "in_person", _("Signed in person with the leader")


class PaperBatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


# Pillow's name for each photo format accepted -> the extension its file is stored with.
PHOTO_EXTENSIONS = {
    "JPEG": "jpg",
    "MPO": "jpg",
    "PNG": "png",
    "WEBP": "webp",
    "HEIC": "heic",
    "HEIF": "heif",
}


def private_upload_path(instance, filename):
    # Random names under a private folder: never guessable, never served by a public URL. The
    # extension is the one the form derived from the content (forms.clean_photo), never the
    # uploader's: anything else is stored as .bin.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in PHOTO_EXTENSIONS.values():
        suffix = "bin"
    return f"private/{instance._meta.model_name}/{uuid.uuid4().hex}.{suffix}"


class PaperBatchQuerySet(models.QuerySet):
    def with_counts(self):
        """Each batch with its lines entered and those counting now (confirmed)."""
        return self.annotate(
            entered=models.Count("signatures"),
            counted=models.Count(
                "signatures", filter=Q(signatures__status=SignatureStatus.CONFIRMED)
            ),
        )


class PaperBatch(models.Model):
    """One paper sign-up sheet a leader typed in, attested as signed in person."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="paper_batches")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attested = models.BooleanField(_("each person signed in person"), default=False)
    photo = models.FileField(_("photo of the sheet"), upload_to=private_upload_path, blank=True)
    status = models.CharField(
        max_length=20, choices=PaperBatchStatus.choices, default=PaperBatchStatus.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The invalidation a rejection made: accepting the batch again counts exactly those rows again.
    rejection = models.ForeignKey(
        "Invalidation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PaperBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("paper batch")
        verbose_name_plural = _("paper batches")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaperBatchStatus.values), name="paper_batch_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} – {self.created_at:%Y-%m-%d}"


class Invalidation(models.Model):
    """A staff decision that voided signatures in bulk, with the reason that is kept."""

    reason = models.TextField(_("reason"))
    criteria = models.TextField(_("what was matched"), blank=True)
    signatures_affected = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("invalidation")
        verbose_name_plural = _("invalidations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d}: {self.reason[:60]}"


GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def normalize_email(email: str) -> str:
    """One key per mailbox: lower case, no +tag, and for Gmail no dots (they all reach one inbox)."""
    email = email.strip().lower()
    local, _at, domain = email.rpartition("@")
    if not local:
        return email
    base = local.split("+", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        base = base.replace(".", "") or base
        domain = "gmail.com"
    return f"{base}@{domain}"


def hashed_email_key(normalized: str) -> str:
    """HMAC-SHA256 of a normalized address, keyed by SIGNATURE_KEY_SECRET (never in the database)."""
    secret = settings.SIGNATURE_KEY_SECRET.encode()
    return hmac.new(secret, normalized.encode(), hashlib.sha256).hexdigest()


def email_key(email: str) -> str:
    """What the database keeps to hold one signature per mailbox per campaign ('' for no email).

    The one place the key is computed (online, in person, the data migration, admin search). A
    keyed hash: with the database alone, nobody can check whether an address signed, nor read
    one back; the key is kept outside it.
    """
    normalized = normalize_email(email) if email and email.strip() else ""
    return hashed_email_key(normalized) if normalized else ""


def email_domain(email: str) -> str:
    """The part after @, lower case: kept (not the address) for staff's invalidation by domain
    and the monitor's spikes, after the address itself is deleted."""
    domain = email.strip().lower().rpartition("@")[2] if email and "@" in email else ""
    return "gmail.com" if domain in GMAIL_DOMAINS else domain


def name_key(name: str) -> str:
    """A name as repeats are compared: "José  LÓPEZ" and "jose lopez" are the same."""
    return fold(name)[:200]


@functools.cache
def _insert_sql(model, alias: str) -> tuple[list, str]:
    """The fields and "INSERT INTO … AS s (…) VALUES (…)" of `model`, built once per process."""
    meta = model._meta
    quote = connections[alias].ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return fields, f"INSERT INTO {quote(meta.db_table)} AS s ({columns}) VALUES ({placeholders})"  # noqa: S608


@functools.cache
def _sign_or_follow_up_sql(model, alias: str) -> str:
    """SignatureQuerySet.sign_or_follow_up's statement, built once per process. The table is
    named `s`: under 4,096 characters, psycopg keeps the parsed statement instead of parsing it
    again on every signature."""
    meta = model._meta
    quote = connections[alias].ops.quote_name
    _fields, insert = _insert_sql(model, alias)

    def column(name):
        return quote(meta.get_field(name).column)

    # Literals from the model's own choices, never from the request.
    pending_online = (
        f"s.{column('status')} = '{SignatureStatus.PENDING}' "
        f"AND s.{column('method')} = '{SignatureMethod.ONLINE}'"
    )
    withdrawn = f"s.{column('status')} = '{SignatureStatus.WITHDRAWN}'"

    def keep_unless(condition, name):
        return f"{column(name)} = CASE WHEN {condition} THEN EXCLUDED.{column(name)} ELSE s.{column(name)} END"

    queryset = SignatureQuerySet
    updates = [
        *(
            keep_unless(f"({pending_online}) OR {withdrawn}", n)
            for n in queryset.REPLACEABLE_FIELDS
        ),
        # A confirmed row whose address was let go (no updates wanted) takes it back from the
        # same mailbox just long enough for the "already signed" email to reach it.
        keep_unless(f"({pending_online}) OR {withdrawn} OR s.{column('email')} = ''", "email"),
        *(keep_unless(withdrawn, n) for n in queryset.RESTART_FIELDS),
        f"{column('follow_up_due')} = true",
    ]
    # The conflict target names the partial unique index exactly as its migration wrote it.
    key = ", ".join(column(n) for n in ("campaign", "email_key"))
    # Table and column names come from the model, quoted; every value is a parameter.
    return (
        f"{insert} ON CONFLICT ({key}) WHERE NOT ({column('email_key')} = '') "
        f"DO UPDATE SET {', '.join(updates)} RETURNING {quote(meta.pk.column)}"
    )


class SignatureQuerySet(models.QuerySet):
    # What a later online signing of the same mailbox may rewrite (see sign_or_follow_up): the
    # details of a signature still pending online (its owner has not confirmed, so the latest
    # signing says what they want counted) or withdrawn (signing again starts it over) ...
    REPLACEABLE_FIELDS = (
        "petition_text",
        "language",
        "name",
        "name_key",
        "email_domain",
        "zip_code",
        "county_resident",
        "visibility",
        "keep_updated",
        "source",
        "method",
        "possible_duplicate",
    )
    # ... and, for a withdrawn one only, its state and links: pending again, with a new uid
    # (the old links stay dead) and no cool-down (only its owner could have withdrawn it).
    RESTART_FIELDS = (
        "uid",
        "status",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
        "unsubscribed_at",
        "last_emailed_at",
    )

    def _insert_statement(self, signature: "Signature"):
        """(connection, "INSERT INTO … VALUES (…)", values) for `signature`: table and column
        names come from the model, quoted; every value is a parameter."""
        connection = connections[self.db]
        fields, insert = _insert_sql(self.model, self.db)
        values = [f.get_db_prep_save(f.pre_save(signature, True), connection) for f in fields]
        return connection, insert, values

    def insert_if_new(self, signature: "Signature") -> bool:
        """Insert an in-person `signature` unless its mailbox already signed this campaign, in
        one statement: True (and `signature.pk` set) when the row is new.

        INSERT … ON CONFLICT DO NOTHING RETURNING id: an online signature landing at the same
        moment costs no unique violation, whose detail PostgreSQL would write to its log.
        """
        connection, insert, values = self._insert_statement(signature)
        pk = connection.ops.quote_name(self.model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"{insert} ON CONFLICT DO NOTHING RETURNING {pk}", values)
            row = cursor.fetchone()
        if row is None:
            return False
        signature.pk = row[0]
        signature._state.adding = False
        signature._state.db = self.db
        return True

    def sign_or_follow_up(self, signature: "Signature") -> int:
        """Insert an online `signature`, or mark its mailbox's existing row for a follow-up, in
        one statement; returns the row's id.

        INSERT … ON CONFLICT (campaign, email_key) DO UPDATE: a new mailbox and one that signed
        before cost the same single statement, so neither the time taken nor the statements run
        tell a visitor whether an address has signed. The worker's sweep (follow_up_due) decides
        what to send. A pending online row takes the new details (the confirmation page shows
        them; its uid, so every link it was sent, stays); a confirmed or invalidated one keeps
        all of its own; a withdrawn one starts over. bulk_create(update_conflicts=True) cannot
        say "only when pending", and a plain save() that loses a race raises a unique violation
        whose detail PostgreSQL writes to its log, address included.
        """
        connection, _insert, values = self._insert_statement(signature)
        sql = _sign_or_follow_up_sql(self.model, self.db)
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchone()[0]

    def wanting_updates(self, campaign_id: int):
        """Confirmed signers of the campaign who asked for updates and still have an address."""
        return self.filter(
            campaign_id=campaign_id,
            status=SignatureStatus.CONFIRMED,
            keep_updated=True,
            unsubscribed_at__isnull=True,
            purged_at__isnull=True,
        ).exclude(email="")

    def confirmed(self):
        return self.filter(status=SignatureStatus.CONFIRMED)

    def invitable(self):
        """Confirmed signers who asked for updates and never stopped them: the only ones the
        campaign writes to about more than their own signature (its delivery event)."""
        return self.filter(
            status=SignatureStatus.CONFIRMED, keep_updated=True, unsubscribed_at__isnull=True
        ).exclude(email="")

    def let_addresses_go(self) -> int:
        """Blank the address of confirmed signers who asked for no updates: nothing more will be
        sent to them, and the keyed hash alone keeps their mailbox to one signature."""
        return (
            self.filter(status=SignatureStatus.CONFIRMED, keep_updated=False)
            .exclude(email="")
            .update(email="")
        )

    def live(self):
        """Neither withdrawn by their signer nor invalidated by staff."""
        return self.exclude(status__in=[SignatureStatus.WITHDRAWN, SignatureStatus.INVALIDATED])

    def same_name_and_zip(self, campaign_id, zip_code, key):
        """Live signatures in a campaign with this folded name and ZIP: the repeat rule."""
        return self.live().filter(campaign_id=campaign_id, zip_code=zip_code, name_key=key)

    def possible_repeats(self) -> list[int]:
        """The ids of these signatures that come after a live one with the same folded name and
        ZIP in their campaign (the earliest of a name and ZIP is nobody's repeat).

        Two queries whatever the number of rows, each on the repeat index: a correlated EXISTS
        let PostgreSQL walk the primary key instead, 50 ms a row on a 140,000-row table.
        """
        rows = [
            row for row in self.values_list("pk", "campaign_id", "zip_code", "name_key") if row[3]
        ]
        if not rows:
            return []
        groups = (
            self.model.objects.live()
            .filter(
                campaign_id__in={row[1] for row in rows},
                zip_code__in={row[2] for row in rows},
                name_key__in={row[3] for row in rows},
            )
            .values_list("campaign_id", "zip_code", "name_key")
            .annotate(first=Min("pk"))
            .order_by()
        )
        earliest = {
            (campaign_id, zip_code, key): first for campaign_id, zip_code, key, first in groups
        }
        return [pk for pk, *key in rows if earliest.get(tuple(key), pk) < pk]

    def pending(self):
        return self.filter(status=SignatureStatus.PENDING)

    def repeats_to_check(self):
        """Paper and signing-table entries that look like someone who already signed, held back
        from the count until the leader says whether it is a different person."""
        return self.filter(status=SignatureStatus.PENDING, possible_duplicate=True).exclude(
            method=SignatureMethod.ONLINE
        )


class Signature(models.Model):
    """One person's signature on one campaign's petition.

    Online signatures are pending until their owner confirms from the email; paper and in-person
    signatures are confirmed by the leader's attestation. Only confirmed signatures count.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signatures")
    petition_text = models.ForeignKey(PetitionText, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=5, default="en")
    name = models.CharField(_("name"), max_length=100)
    # The name folded (case, accents, spaces): same name and ZIP in one campaign may be a repeat.
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    # Kept only while there is something to send: blanked once confirmed without asking for
    # updates (or on unsubscribing), on withdrawal, by the purge; blank on paper without one.
    email = models.EmailField(_("email"), max_length=254, blank=True)
    # A keyed hash of the normalized email (case, gmail dots, +tags; see email_key()): one
    # signature per mailbox per campaign, kept after the address itself is deleted.
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    # The part after @ (see email_domain()): staff invalidate a flooding domain by it.
    email_domain = models.CharField(max_length=254, blank=True, editable=False)
    zip_code = models.CharField(_("ZIP code"), max_length=5)
    county_resident = models.BooleanField(_("lives in the county"), default=False)
    visibility = models.CharField(
        _("what the sheriff may see"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.COUNTED,
    )
    keep_updated = models.BooleanField(_("wants campaign updates"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=SignatureStatus.choices, default=SignatureStatus.PENDING
    )
    method = models.CharField(
        _("how it was signed"),
        max_length=20,
        choices=SignatureMethod.choices,
        default=SignatureMethod.ONLINE,
    )
    # The share channel that brought the signer (?src=whatsapp), for the leader's dashboard.
    source = models.CharField(_("channel"), max_length=20, blank=True)
    # Same folded name and ZIP as another signature in this campaign. Online, only a note; on paper
    # or at a signing table the row waits (pending) until the leader says it is a different person.
    possible_duplicate = models.BooleanField(default=False)
    # A paper or signing-table entry with the email, or the name and ZIP, of an online signature.
    # Staff check it; the leader is never told (what a leader types must not reveal who signed
    # online), so the entry is recorded as any other.
    online_match = models.BooleanField(
        _("matches an online signature (staff to check)"), default=False
    )
    # Signed online (first time or again), its email not decided yet: the worker's next sweep
    # (petitions.tasks.follow_up_new_signatures) checks it for repeats and queues the email its
    # state calls for. The signing request writes this one row and nothing else, so a surge
    # costs one INSERT each, whether or not the address signed before.
    follow_up_due = models.BooleanField(default=False, editable=False)
    # When the sweep last queued an email to this address about this campaign: signing again
    # within SIGNING_EMAIL_COOLDOWN_MINUTES sends nothing more (no mail bombing through the form).
    last_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    paper_batch = models.ForeignKey(
        PaperBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="signatures"
    )
    signing_table = models.ForeignKey(
        "SigningTable", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    invalidation = models.ForeignKey(
        Invalidation, null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email_key"],
                condition=~Q(email_key=""),
                name="one_signature_per_email_per_campaign",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SignatureStatus.values), name="signature_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="signature_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=SignatureMethod.values), name="signature_method_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=SignatureStatus.CONFIRMED) | Q(confirmed_at__isnull=False),
                name="confirmed_signature_has_time",
            ),
        ]
        indexes = [
            # The count a visitor sees: confirmed rows of one campaign, read from the index alone.
            models.Index(
                fields=["campaign", "status", "method", "county_resident"],
                name="signature_count_idx",
            ),
            models.Index(fields=["campaign", "created_at"], name="signature_recent_idx"),
            models.Index(fields=["campaign", "zip_code", "name_key"], name="signature_twin_idx"),
            # The sweep's queue: only the rows that still wait for it are in this index.
            models.Index(
                fields=["id"], condition=Q(follow_up_due=True), name="signature_follow_up_idx"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_status_display()}"

    def save(self, *args, **kwargs):
        # Derived from the name on every save (admin edits, imports, tests), never typed.
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def public_name(self) -> str:
        """The name as the signer chose the sheriff may see it ('' for counted only)."""
        if self.visibility == Visibility.FULL_NAME:
            return self.name.strip()
        if self.visibility == Visibility.FIRST_INITIAL:
            parts = self.name.split()
            if not parts:
                return ""
            return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else parts[0]
        return ""


class CampaignTally(models.Model):
    """The last counted numbers of a campaign, for lists and the map; `recount_signatures` fixes drift.

    Not written per signature (that hot row took the UK petitions site down): refreshed from the
    signature rows by a task after confirmations, and by the nightly recount.
    """

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="tally")
    counted = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    paper = models.PositiveIntegerField(default=0)
    in_person = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")

    def __str__(self):
        return f"{self.campaign}: {self.counted}"


class MilestoneNotice(models.Model):
    """A milestone email sent to a campaign's leader (once each: the row is the guarantee)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    threshold = models.PositiveIntegerField()
    reached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "threshold"], name="milestone_once"),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.threshold}"


class Delivery(models.Model):
    """The leader's record of handing the petition to the sheriff's office."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("delivered on"))
    received_by = models.CharField(_("who received it"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    photo = models.FileField(_("photo"), upload_to=private_upload_path, blank=True)
    signatures_delivered = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivered_on"]

    def __str__(self):
        return f"{self.campaign} {self.delivered_on}"


class ExportAudit(models.Model):
    """Who exported signer data, when, and of which campaign."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(max_length=300)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("export record")
        verbose_name_plural = _("export records")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.description}"


class SigningTableQuerySet(models.QuerySet):
    def open(self, now=None):
        return self.filter(ended_at__isnull=True, expires_at__gt=now or timezone.now())


class SigningTable(models.Model):
    """A signing-table session: the leader's own device taking in-person signatures for a while.

    It ends when the leader closes it or at expires_at (SIGNING_TABLE_MINUTES after it opened), so
    a phone forgotten on a table, or a leader who stepped down, takes no more signatures.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="signing_tables")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = SigningTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("signing table")
        verbose_name_plural = _("signing tables")
        ordering = ["-started_at"]
        constraints = [
            # Opening a table ends the campaign's previous one: at most one is not ended.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(ended_at__isnull=True),
                name="one_open_signing_table_per_campaign",
            ),
        ]

    def __str__(self):
        return f"{self.campaign} {self.started_at:%Y-%m-%d %H:%M}"


class DeliveryEventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class DeliveryEventQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=DeliveryEventStatus.SCHEDULED)

    def starting_between(self, start, end):
        """Scheduled events that start in [start, end): the reminders' window."""
        return self.scheduled().filter(starts_at__gte=start, starts_at__lt=end)


class DeliveryEvent(models.Model):
    """The leader's delivery of the petition to the sheriff's office, as an event people join.

    `uid` names it in calendars (the .ics UID) for as long as it exists; `sequence` goes up each
    time it moves or is cancelled, so calendars replace the copy they hold (RFC 5545).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="delivery_events")
    starts_at = models.DateTimeField(_("starts at"))
    meeting_point = models.CharField(_("meeting point"), max_length=300)
    bring = models.TextField(_("what to bring"), blank=True)
    safety_notes = models.TextField(_("safety notes"), blank=True)
    # The leader's choice, for safety: the meeting point goes only to people who RSVPed.
    address_private = models.BooleanField(
        _("send the meeting point only to people who RSVP"), default=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryEventStatus.choices,
        default=DeliveryEventStatus.SCHEDULED,
    )
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeliveryEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryEventStatus.values),
                name="delivery_event_status_valid",
            ),
            # One delivery on the calendar at a time: a new one waits for the last to be cancelled.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(status="scheduled"),
                name="one_scheduled_delivery_event_per_campaign",
            ),
        ]

    def __str__(self):
        return f"{self.campaign} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        from django.urls import reverse

        kwargs = {"state": self.campaign.state.lower(), "slug": self.campaign.slug}
        return reverse("petitions:event", kwargs=kwargs)


class RsvpSource(models.TextChoices):
    INVITATION = "invitation", _("From the email invitation")
    FORM = "form", _("From the event page")


class RsvpQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)

    def reachable(self):
        """Active RSVPs that still have an address to write to."""
        return self.active().exclude(email="")


class Rsvp(models.Model):
    """One person coming to a delivery event. The leader sees the first name, never the email.

    The email is kept until shortly after the event (petitions.events.purge_rsvps), for the
    calendar file, the reminder and any change; the keyed hash keeps one RSVP per mailbox.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(DeliveryEvent, on_delete=models.CASCADE, related_name="rsvps")
    first_name = models.CharField(_("first name"), max_length=50)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=5, default="en")
    source = models.CharField(max_length=20, choices=RsvpSource.choices)
    # The signature whose invitation it came from: that signer's unsubscribe or withdrawal
    # stops these emails too.
    signature = models.ForeignKey(
        Signature, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RsvpQuerySet.as_manager()

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=~Q(email_key=""),
                name="one_rsvp_per_email_per_event",
            ),
            models.CheckConstraint(
                condition=Q(source__in=RsvpSource.values), name="rsvp_source_valid"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.event_id}"


class UpdateKind(models.TextChoices):
    """A leader's own words, or news the site writes itself when something happens."""

    UPDATE = "update", _("Leader's update")
    DELIVERY_PLANNED = "delivery_planned", _("Goal reached, delivery planned")
    DELIVERED = "delivered", _("Petition delivered")
    OUTCOME = "outcome", _("Outcome")
    AGREEMENT = "agreement", _("Agreement in the county")


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for staff")
    APPROVED = "approved", _("Approved")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    STOPPED = "stopped", _("Stopped by staff")
    REJECTED = "rejected", _("Rejected")

    @classmethod
    def in_progress(cls) -> list[str]:
        return [cls.PENDING, cls.APPROVED, cls.SENDING]


class CampaignUpdateQuerySet(models.QuerySet):
    def by_leaders(self):
        return self.filter(kind=UpdateKind.UPDATE)

    def counting_toward_the_week(self, campaign_id: int, *, since):
        """A leader's updates that use up the campaign's one update a week (not rejected)."""
        return self.by_leaders().filter(
            campaign_id=campaign_id,
            created_at__gte=since,
            status__in=[*UpdateStatus.in_progress(), UpdateStatus.SENT, UpdateStatus.STOPPED],
        )


class CampaignUpdate(models.Model):
    """One email to a campaign's signers who asked for updates: a leader's, approved by staff,
    or news the site sends itself (delivery, outcome, agreement). Sent in batches; the row keeps
    counts only, never who received it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(
        _("kind"), max_length=20, choices=UpdateKind.choices, default=UpdateKind.UPDATE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    body = models.TextField(_("message"), max_length=2000, blank=True)
    # Automatic news: what the email says (dates, the delivery notes), rendered in each
    # signer's language; `event` makes each piece of news go out once.
    context = models.JSONField(default=dict, blank=True)
    event = models.CharField(max_length=100, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=UpdateStatus.choices, default=UpdateStatus.PENDING
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients when sending began"), default=0)
    sent = models.PositiveIntegerField(_("emails sent"), default=0)
    # The batches' cursor: the last signature id a batch reached.
    last_signature_id = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = CampaignUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("update to signers")
        verbose_name_plural = _("updates to signers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=UpdateStatus.values), name="campaign_update_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=UpdateKind.values), name="campaign_update_kind_valid"
            ),
            # A leader's update waits or goes out one at a time per campaign.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(kind=UpdateKind.UPDATE, status__in=UpdateStatus.in_progress()),
                name="one_leader_update_in_progress",
            ),
            models.UniqueConstraint(
                fields=["campaign", "kind", "event"],
                condition=~Q(kind=UpdateKind.UPDATE),
                name="each_news_once",
            ),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.subject or self.get_kind_display()}"

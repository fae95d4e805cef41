"""Signatures and their states: who signed which text, how, and what the sheriff may see."""

import functools
import uuid

from django.db import connections, models
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign

from .keys import name_key
from .texts import PetitionText


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
        "PaperBatch", null=True, blank=True, on_delete=models.CASCADE, related_name="signatures"
    )
    signing_table = models.ForeignKey(
        "SigningTable", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    invalidation = models.ForeignKey(
        "Invalidation", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
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

"""The leader's in-person tools: the paper sign-up sheet, typing a sheet in, the signing table, and
checking entries that look like repeats.

Only the campaign's active leader gets in (the blank sheet: staff too); anyone else logged in gets
a 403, an anonymous visitor the login page. Nothing here is ever cached: these pages carry names.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.asks import visibility_label
from campaigns.views.decorators import leader_required
from config.language import requested_language

from .. import lockdown
from ..counting import tally_for
from ..errors import PetitionError, SigningTableClosed
from ..forms import PaperBatchForm, TableSignForm, paper_rows_formset
from ..in_person import (
    PaperRow,
    close_signing_table,
    count_possible_repeat,
    enter_paper_batch,
    open_signing_table,
    remove_possible_repeat,
    sign_at_table,
)
from ..models import PaperBatch, Signature, SigningTable
from ..paper import SHEET_LINES, sheet_pdf
from ..texts import current_petition
from .signing import _campaign, _kwargs


def leader_of_campaign(*, staff_too=False):
    """campaigns' one leader check (a 404 for anyone else); these pages need only the campaign."""

    def decorator(view):
        @leader_required(staff_too=staff_too)
        @wraps(view)
        def wrapper(request, campaign, leadership, *args, **kwargs):
            return view(request, campaign, *args, **kwargs)

        return wrapper

    return decorator


def _dashboard(campaign):
    return redirect("campaigns:dashboard", **_kwargs(campaign))


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def in_person_context(campaign, leader) -> dict:
    """What the dashboard shows of paper and in-person signing (counts, sheets, repeats to check);
    `leader` is the person looking (the leader or a co-leader: their own table), None for staff."""
    table = None
    if leader is not None:
        table = SigningTable.objects.open().filter(campaign=campaign, leader=leader).first()
    kwargs = _kwargs(campaign)
    return {
        "tally": tally_for(campaign),
        "paper_batches": (
            PaperBatch.objects.filter(campaign=campaign).with_counts().order_by("-created_at")[:10]
        ),
        "repeats": list(
            Signature.objects.filter(campaign=campaign)
            .repeats_to_check()
            .only("pk", "name", "zip_code", "method", "created_at")
            .order_by("created_at")
        ),
        "open_table": table,
        "table_minutes": settings.SIGNING_TABLE_MINUTES,
        "sheets": [
            {"code": code, "name": name, "url": _sheet_url(kwargs, code)}
            for code, name in settings.LANGUAGES
        ],
    }


def _sheet_url(kwargs, code):
    return reverse("petitions:paper_sheet", kwargs=kwargs) + f"?lang={code}"


@require_GET
@leader_of_campaign(staff_too=True)
def paper_sheet(request, campaign):
    """The blank sign-up sheet to print, in the language asked for (?lang=es)."""
    language = requested_language(request)
    response = HttpResponse(sheet_pdf(campaign, language=language), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="sign-up-sheet-{campaign.slug}-{language}.pdf"'
    )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@leader_of_campaign()
def enter_paper(request, campaign):
    """Type in a paper sheet: its lines, the attestation, and a photo of it if the leader has one."""
    rows = paper_rows_formset(request.POST or None, rows=SHEET_LINES)
    label = visibility_label(campaign, get_language() or "en")
    for row in rows:
        row.fields["visibility"].label = label
    form = PaperBatchForm(
        request.POST or None, request.FILES or None, initial={"language": _language()}
    )
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        try:
            batch = enter_paper_batch(
                campaign,
                user=request.user,
                rows=[PaperRow(**row) for row in rows.rows()],
                attested=form.cleaned_data["attested"],
                language=form.cleaned_data["language"],
                photo=form.cleaned_data["photo"],
            )
        except PetitionError as exc:
            form.add_error(None, exc.message)
        else:
            _report_batch(request, batch)
            return _dashboard(campaign)
    return render(
        request,
        "petitions/paper_entry.html",
        {"campaign": campaign, "form": form, "rows": rows},
        status=400 if request.method == "POST" else 200,
    )


def _report_batch(request, batch):
    entered = batch.signatures.count()
    to_check = batch.signatures.repeats_to_check().count()
    messages.success(
        request,
        ngettext(
            "%(count)s signature from the sheet is counted as signed on paper.",
            "%(count)s signatures from the sheet are counted as signed on paper.",
            entered - to_check,
        )
        % {"count": entered - to_check},
    )
    if to_check:
        messages.warning(
            request,
            ngettext(
                "%(count)s line looks like someone who had already signed. It is not counted "
                "yet: check it below.",
                "%(count)s lines look like people who had already signed. They are not counted "
                "yet: check them below.",
                to_check,
            )
            % {"count": to_check},
        )


@require_POST
@leader_of_campaign()
def open_table(request, campaign):
    try:
        open_signing_table(campaign, user=request.user)
    except PetitionError as exc:
        messages.error(request, exc.message)
        return _dashboard(campaign)
    lockdown.lock(request, _kwargs(campaign))
    return redirect("petitions:signing_table", **_kwargs(campaign))


UNLOCK_TRIES = 5
_FAILURES = "signing_table_unlock_failures"


@require_POST
@never_cache
@login_required
def close_table(request, state, slug):
    """Unlock / close the table. From the locked table only with the leader's password, since the
    device may be in a signer's hands; too many wrong ones log the session out (that ends the mode
    too). From the dashboard of another, unlocked session (the leader's laptop), at once."""
    campaign = _campaign(state, slug)
    locked = lockdown.is_locked(request)
    if locked and not request.user.check_password(request.POST.get("password", "")):
        failures = request.session.get(_FAILURES, 0) + 1
        if failures >= UNLOCK_TRIES:
            logout(request)
            return redirect(settings.LOGIN_URL)
        request.session[_FAILURES] = failures
        messages.error(request, _("That is not the password. The signing table stays open."))
        return redirect("petitions:signing_table", **_kwargs(campaign))
    request.session.pop(_FAILURES, None)
    lockdown.unlock(request)
    table = SigningTable.objects.filter(campaign=campaign, leader=request.user).first()
    if table is not None:
        table = close_signing_table(table)
        signed = table.signatures.count()
        messages.success(
            request,
            ngettext(
                "The signing table is closed. %(count)s person signed at it.",
                "The signing table is closed. %(count)s people signed at it.",
                signed,
            )
            % {"count": signed},
        )
    return _dashboard(campaign)


def _table_ended(request, campaign, *, lost_entry=False):
    """Why the table ended (and, after a late entry, that it was not saved): on the dashboard, or
    in a locked session on the table's page, which then offers only the unlock form."""
    last = SigningTable.objects.filter(campaign=campaign, leader=request.user).first()
    if last is not None and (last.ended_at is None or last.ended_at >= last.expires_at):
        message = _(
            "The signing table closed by itself after %(minutes)s minutes. Open it again to "
            "keep going."
        ) % {"minutes": settings.SIGNING_TABLE_MINUTES}
    else:
        message = SigningTableClosed.message
    if lost_entry:
        message = "{} {}".format(
            _("The last entry was not saved: ask that person to sign again."), message
        )
    messages.warning(request, message)
    if lockdown.is_locked(request):
        return redirect("petitions:signing_table", **_kwargs(campaign))
    return _dashboard(campaign)


@require_http_methods(["GET", "HEAD", "POST"])
@leader_of_campaign()
def signing_table(request, campaign):
    """The leader's device at a table: one person signs, the screen clears, the next one signs.

    After each signature the browser is sent to an empty form (POST-redirect-GET): nothing of the
    previous signer is in the page, its history or the browser's autofill.
    """
    table = SigningTable.objects.open().filter(campaign=campaign, leader=request.user).first()
    if table is None and lockdown.is_locked(request) and request.method != "POST":
        return render(request, "petitions/signing_table.html", {"campaign": campaign})
    if table is None:
        return _table_ended(request, campaign, lost_entry=request.method == "POST")
    # Whichever way this session came to the table, it is the device handed to signers now.
    lockdown.lock(request, _kwargs(campaign))
    form = TableSignForm(request.POST or None)
    form.fields["visibility"].label = visibility_label(campaign, get_language() or "en")
    if request.method == "POST" and form.is_valid():
        try:
            sign_at_table(campaign, user=request.user, language=_language(), **form.cleaned_data)
        except SigningTableClosed:
            return _table_ended(request, campaign, lost_entry=True)
        except PetitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Signed. Thank you! Please hand the device back."))
            response = redirect("petitions:signing_table", **_kwargs(campaign))
            response.status_code = 303
            return response
    petition = current_petition(campaign)
    return render(
        request,
        "petitions/signing_table.html",
        {
            "campaign": campaign,
            "form": form,
            "table": table,
            "petition_title": petition.title(_language()) if petition else "",
            "petition_body": petition.body(_language()) if petition else "",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@leader_of_campaign()
def check_repeat(request, campaign, signature_id):
    """The leader's answer on an entry that looks like a repeat: count it, or remove it."""
    decision = request.POST.get("decision")
    if decision not in ("count", "remove"):
        return _dashboard(campaign)
    try:
        if decision == "count":
            count_possible_repeat(campaign, signature_id, user=request.user)
            messages.success(request, _("Counted as a different person."))
        else:
            remove_possible_repeat(campaign, signature_id, user=request.user)
            messages.success(request, _("Removed: that person had already signed."))
    except PetitionError as exc:
        messages.info(request, exc.message)
    return _dashboard(campaign)

"""The record: every 287(g) agreement since 2019 and what happened to it, nationally and by state,
with charts and a CSV anyone may download. Petitions supplies the signed and delivered counts."""

import csv

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import formats

from config.caching import public_page
from config.spreadsheets import neutralize
from petitions.record import campaign_counts

from .. import record
from ..charts import bar_chart
from ..models import Campaign
from ..states import STATE_NAMES, state_name

# States drawn in the chart by state; the table beside it lists every one.
CHART_STATES = 10


def _charts(national: record.NationalRecord) -> dict:
    over_time = []
    if national.cohort:
        over_time.append((formats.date_format(national.cohort["expires"]), national.cohort["n"]))
    over_time += [(formats.date_format(lst.listed_on), lst.agreements) for lst in national.lists]
    key = "on_list" if national.list_date else "total"
    top = sorted(national.states, key=lambda s: -s.agreements[key])[:CHART_STATES]
    return {
        "over_time": bar_chart(over_time, display=intcomma),
        "by_state": bar_chart([(s.name, s.agreements[key]) for s in top], display=intcomma),
        "by_model": bar_chart(national.by_model, display=intcomma),
    }


@public_page
def record_page(request):
    national = record.national_record(campaign_counts())
    context = {"record": national, "outcomes": record.outcomes_shown(national.list_date)}
    return render(request, "campaigns/record/national.html", context | _charts(national))


@public_page
def record_state(request, state):
    code = state.upper()
    if code not in STATE_NAMES or state != state.lower():
        raise Http404
    national = record.national_record(campaign_counts(), state=code)
    agreements = record.state_agreements(code)
    context = {
        "record": national,
        "state": code,
        "state_name": state_name(code),
        "agreements": agreements,
        "agreement_rows": record.agreement_rows_html(agreements, national.list_date),
        "outcomes": record.outcomes_shown(national.list_date),
    }
    return render(request, "campaigns/record/state.html", context)


CSV_COLUMNS = [
    "state",
    "agency",
    "agency_type",
    "county",
    "model",
    "signed_date",
    "expires",
    "status",
    "what_happened",
    "first_on_ice_list",
    "last_on_ice_list",
    "campaign",
    "campaign_status",
]


@public_page
def record_csv(request):
    """Every agreement with what happened to it and its campaign's address and status: public
    facts only (no leader, no signer, no count of any one person's doing)."""
    latest = record.latest_list_date()
    by_county, by_agency = {}, {}
    for campaign in Campaign.objects.public().only("state", "slug", "status", "county", "agency"):
        if campaign.county_id:
            by_county[campaign.county_id] = campaign
        else:
            by_agency[campaign.agency_id] = campaign
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="287g-record.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for contract in record.agreements_for_export():
        agency = contract.agency
        campaign = by_county.get(agency.county_id) or by_agency.get(agency.pk)
        row = [
            agency.state,
            agency.name,
            agency.agency_type,
            agency.county.name if agency.county_id else "",
            contract.model,
            contract.signed_date or "",
            contract.expires or "",
            contract.status,
            record.outcome_of(contract, latest),
            contract.first_listed or "",
            contract.last_listed or "",
            request.build_absolute_uri(campaign.get_absolute_url()) if campaign else "",
            campaign.status if campaign else "",
        ]
        writer.writerow([neutralize(str(value)) for value in row])
    return response

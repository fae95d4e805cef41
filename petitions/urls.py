"""Signing and its email links, the public count, the leader's delivery kit and in-person tools."""

from django.urls import path

from .views import events, in_person, signing, thanks, updates

app_name = "petitions"

CAMPAIGN = "campaigns/<str:state>/<slug:slug>/"

urlpatterns = [
    path(CAMPAIGN + "sign/", signing.sign, name="sign"),
    path(CAMPAIGN + "signed/", signing.signed, name="signed"),
    path(CAMPAIGN + "thanks/", thanks.thanks, name="thanks"),
    path(CAMPAIGN + "count/", signing.count, name="count"),
    path(CAMPAIGN + "delivery/", signing.delivery, name="delivery"),
    path(CAMPAIGN + "delivery/petition.pdf", signing.delivery_pdf_view, name="delivery_pdf"),
    path(CAMPAIGN + "updates/", updates.campaign_updates, name="updates"),
    # In person: the paper sheet (?lang=es), typing one in, the signing table, repeats to check.
    path(CAMPAIGN + "paper/sheet.pdf", in_person.paper_sheet, name="paper_sheet"),
    path(CAMPAIGN + "paper/", in_person.enter_paper, name="enter_paper"),
    path(CAMPAIGN + "table/", in_person.signing_table, name="signing_table"),
    path(CAMPAIGN + "table/open/", in_person.open_table, name="open_table"),
    path(CAMPAIGN + "table/close/", in_person.close_table, name="close_table"),
    path(CAMPAIGN + "repeats/<int:signature_id>/", in_person.check_repeat, name="check_repeat"),
    # The delivery as an event: the leader's schedule, the public page, the invitation's link.
    path(CAMPAIGN + "delivery/event/", events.schedule_event, name="event_schedule"),
    path(CAMPAIGN + "delivery/event/cancel/", events.cancel_event, name="event_cancel"),
    path(CAMPAIGN + "event/", events.event, name="event"),
    path(CAMPAIGN + "event/coming/", events.event_rsvped, name="event_rsvped"),
    path("rsvp/<str:token>/", events.rsvp_link, name="event_rsvp"),
    path("rsvp/<str:token>/cancel/", events.rsvp_cancel, name="event_rsvp_cancel"),
    path("confirm/<str:token>/", signing.confirm, name="confirm"),
    path("withdraw/<str:token>/", signing.withdraw, name="withdraw"),
    path("unsubscribe/<str:token>/", signing.unsubscribe, name="unsubscribe"),
]

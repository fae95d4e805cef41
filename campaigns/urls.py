from django.urls import path

from .views import leader, press, public, record, team

app_name = "campaigns"

urlpatterns = [
    path("", public.home, name="home"),
    path("learn/", public.learn, name="learn"),
    path("privacy/", public.privacy, name="privacy"),
    path("search/", public.search, name="search"),
    path("map/", public.us_map, name="map"),
    path("record/", record.record_page, name="record"),
    path("record.csv", record.record_csv, name="record_csv"),
    path("record/<str:state>/", record.record_state, name="record_state"),
    path("campaigns/", public.campaign_list, name="list"),
    path("my-campaigns/", public.my_campaigns, name="my_campaigns"),
    path("campaigns/<str:state>/", public.state_page, name="state"),
    path("campaigns/<str:state>/<slug:slug>/", public.campaign_detail, name="detail"),
    # Become a Leader, and the leader's campaign office.
    path("campaigns/<str:state>/<slug:slug>/lead/", leader.claim, name="claim"),
    path("campaigns/<str:state>/<slug:slug>/dashboard/", leader.dashboard, name="dashboard"),
    path("campaigns/<str:state>/<slug:slug>/step-down/", leader.step_down, name="step_down"),
    path(
        "campaigns/<str:state>/<slug:slug>/delivery-plan/",
        leader.plan_delivery,
        name="plan_delivery",
    ),
    # Co-leaders: the lead leader's invitations, the emailed link, leaving.
    path("campaigns/<str:state>/<slug:slug>/team/invite/", team.invite, name="invite_co_leader"),
    path(
        "campaigns/<str:state>/<slug:slug>/team/invitations/<int:invitation_id>/cancel/",
        team.cancel_invitation,
        name="cancel_co_leader_invitation",
    ),
    path(
        "campaigns/<str:state>/<slug:slug>/team/<int:co_leadership_id>/remove/",
        team.remove,
        name="remove_co_leader",
    ),
    path(
        "campaigns/<str:state>/<slug:slug>/team/<int:co_leadership_id>/hand-over/",
        team.hand_over,
        name="hand_over",
    ),
    path(
        "campaigns/<str:state>/<slug:slug>/team/step-down/",
        team.step_down,
        name="co_leader_step_down",
    ),
    path("co-lead/<str:token>/", team.accept, name="accept_co_lead"),
    path("campaigns/<str:state>/<slug:slug>/training/", leader.training, name="training"),
    path(
        "campaigns/<str:state>/<slug:slug>/training/<slug:step_slug>/",
        leader.training_step,
        name="training_step",
    ),
    path("campaigns/<str:state>/<slug:slug>/tools/", leader.tools, name="tools"),
    path("campaigns/<str:state>/<slug:slug>/tools/shared/", leader.mark_shared, name="shared"),
    path(
        "campaigns/<str:state>/<slug:slug>/petition-text/",
        leader.petition_text,
        name="petition_text",
    ),
    path(
        "campaigns/<str:state>/<slug:slug>/share/<str:size>.png",
        leader.share_image_view,
        name="share_image",
    ),
    path("campaigns/<str:state>/<slug:slug>/flyer.pdf", leader.flyer, name="flyer"),
    # Pressing the decision-maker: counted "Call" / "Email" links, a leader's proposed details.
    path(
        "campaigns/<str:state>/<slug:slug>/press/<int:target_id>/<str:kind>/",
        press.press_click,
        name="press",
    ),
    path(
        "campaigns/<str:state>/<slug:slug>/targets/<int:target_id>/propose/",
        press.propose_contact,
        name="propose_contact",
    ),
]

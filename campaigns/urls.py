from django.urls import path

from . import leaders, press_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.home, name="home"),
    path("learn/", views.learn, name="learn"),
    path("privacy/", views.privacy, name="privacy"),
    path("search/", views.search, name="search"),
    path("map/", views.us_map, name="map"),
    path("campaigns/", views.campaign_list, name="list"),
    path("my-campaigns/", views.my_campaigns, name="my_campaigns"),
    path("campaigns/<str:state>/<slug:slug>/", views.campaign_detail, name="detail"),
    # Become a Leader, and the leader's campaign office.
    path("campaigns/<str:state>/<slug:slug>/lead/", leaders.claim, name="claim"),
    path("campaigns/<str:state>/<slug:slug>/dashboard/", leaders.dashboard, name="dashboard"),
    path("campaigns/<str:state>/<slug:slug>/step-down/", leaders.step_down, name="step_down"),
    path(
        "campaigns/<str:state>/<slug:slug>/delivery-plan/",
        leaders.plan_delivery,
        name="plan_delivery",
    ),
    path("campaigns/<str:state>/<slug:slug>/training/", leaders.training, name="training"),
    path(
        "campaigns/<str:state>/<slug:slug>/training/<slug:step_slug>/",
        leaders.training_step,
        name="training_step",
    ),
    path("campaigns/<str:state>/<slug:slug>/tools/", leaders.tools, name="tools"),
    path("campaigns/<str:state>/<slug:slug>/tools/shared/", leaders.mark_shared, name="shared"),
    path(
        "campaigns/<str:state>/<slug:slug>/petition-text/",
        leaders.petition_text,
        name="petition_text",
    ),
    path(
        "campaigns/<str:state>/<slug:slug>/share/<str:size>.png",
        leaders.share_image_view,
        name="share_image",
    ),
    path("campaigns/<str:state>/<slug:slug>/flyer.pdf", leaders.flyer, name="flyer"),
    # Pressing the decision-maker: counted "Call" / "Email" links, a leader's proposed details.
    path(
        "campaigns/<str:state>/<slug:slug>/press/<int:target_id>/<str:kind>/",
        press_views.press_click,
        name="press",
    ),
    path(
        "campaigns/<str:state>/<slug:slug>/targets/<int:target_id>/propose/",
        press_views.propose_contact,
        name="propose_contact",
    ),
]

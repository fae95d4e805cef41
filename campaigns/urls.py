from django.urls import path

from . import leaders, views, views_record

app_name = "campaigns"

urlpatterns = [
    path("", views.home, name="home"),
    path("learn/", views.learn, name="learn"),
    path("privacy/", views.privacy, name="privacy"),
    path("search/", views.search, name="search"),
    path("map/", views.us_map, name="map"),
    path("record/", views_record.record_page, name="record"),
    path("record.csv", views_record.record_csv, name="record_csv"),
    path("record/<str:state>/", views_record.record_state, name="record_state"),
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
]

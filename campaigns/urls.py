from django.urls import path

from . import views

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
]

"""Signing and its email links, the public count, and the leader's delivery kit."""

from django.urls import path

from . import views

app_name = "petitions"

CAMPAIGN = "campaigns/<str:state>/<slug:slug>/"

urlpatterns = [
    path(CAMPAIGN + "sign/", views.sign, name="sign"),
    path(CAMPAIGN + "signed/", views.signed, name="signed"),
    path(CAMPAIGN + "count/", views.count, name="count"),
    path(CAMPAIGN + "delivery/", views.delivery, name="delivery"),
    path(CAMPAIGN + "delivery/petition.pdf", views.delivery_pdf_view, name="delivery_pdf"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

"""The bare project's URLs: the two ceiling views and a health check for the bench to wait on."""

from django.urls import include, path

from .views import fixed_page

urlpatterns = [
    path("healthz", fixed_page),
    path("", include("bench.ceiling.views")),
]

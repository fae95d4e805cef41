"""The site's URLs and the ceiling views (bench/ceiling/views.py), for bench/project_settings.py."""

from django.urls import include, path

from config.urls import *  # noqa: F403
from config.urls import urlpatterns

urlpatterns = [*urlpatterns, path("", include("bench.ceiling.views"))]

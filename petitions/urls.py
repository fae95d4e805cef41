from django.urls import path  # noqa: F401  (routes are added by the signatures work)

app_name = "petitions"

urlpatterns: list = []

"""The site's URLs: public pages in English at / and Spanish at /es/, admin at ADMIN_URL."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import views
from .admin_site import protect_admin
from .language import choose_language

protect_admin(admin.site)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("lang/<str:code>/", choose_language, name="choose_language"),
    # Admin's pages include the staff signing monitor (signing-activity/, petitions/admin.py).
    path(settings.ADMIN_URL, admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("petitions.urls")),
    path("", include("campaigns.urls")),
    prefix_default_language=False,
)

# allauth's rate limits (login, sign-up, password reset) answer with the same 429 page as ours.
handler429 = "config.views.rate_limited"
handler404 = "config.views.not_found"
handler500 = "config.views.server_error"

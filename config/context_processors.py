"""What every page's base template needs: links to this page in each language, the goal."""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language


def site(request):
    current = get_language() or settings.LANGUAGE_CODE
    full_path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                "name": {"en": "English", "es": "Español"}.get(code, name),
                "url": reverse("choose_language", args=[code])
                + "?"
                + urlencode({"next": full_path}),
                "current": code == current,
            }
        )
    return {"language_links": links, "signature_goal": settings.SIGNATURE_GOAL}

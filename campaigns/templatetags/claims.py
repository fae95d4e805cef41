"""The campaign a sign-up is for: the sign-up page names the county whose claim sent the person."""

from urllib.parse import urlsplit

from django import template
from django.urls import Resolver404, resolve

from campaigns.models import Campaign

register = template.Library()


@register.simple_tag
def campaign_to_claim(next_path: str | None) -> Campaign | None:
    """The campaign whose Become a Leader page `next_path` (sign-up's ?next=) is, else None."""
    if not next_path or not next_path.startswith("/"):
        return None
    try:
        match = resolve(urlsplit(next_path).path)
    except Resolver404:
        return None
    if match.view_name != "campaigns:claim":
        return None
    return (
        Campaign.objects.select_related("county")
        .filter(state=match.kwargs["state"].upper(), slug=match.kwargs["slug"])
        .first()
    )

"""Absolute addresses for link previews (Open Graph needs full URLs, built from SITE_URL)."""

from django import template
from django.conf import settings
from django.urls import reverse

from campaigns.tools import OG_SIZE, SHARE_SIZES

register = template.Library()


@register.simple_tag
def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


@register.simple_tag
def share_image_url(campaign, size: str = OG_SIZE) -> str:
    kwargs = {**campaign.url_kwargs, "size": size}
    return settings.SITE_URL + reverse("campaigns:share_image", kwargs=kwargs)


@register.simple_tag
def share_image_size(size: str = OG_SIZE) -> dict:
    width, height = SHARE_SIZES[size]
    return {"width": width, "height": height}

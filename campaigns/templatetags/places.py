"""Place and agency names in the page's language: {{ campaign|place }}, {{ name|agency }}."""

from django import template
from django.utils.text import capfirst
from django.utils.translation import get_language

from campaigns import places

register = template.Library()


def _spanish() -> bool:
    return (get_language() or "").startswith("es")


@register.filter
def place(campaign) -> str:
    """Inside a sentence: "el condado de Galveston" in Spanish, "Galveston County" in English."""
    return places.campaign_place(campaign, get_language() or "en")


@register.filter
def place_title(campaign) -> str:
    """For a heading or a title: "Condado de Galveston" / "Galveston County"."""
    return capfirst(places.campaign_place(campaign, get_language() or "en", article=False))


@register.filter
def agency(name: str) -> str:
    return places.agency_name(name, get_language() or "en")


@register.filter(is_safe=True)
def contractions(text: str) -> str:
    """Spanish "de el" -> "del", "a el" -> "al" once names with articles are in the sentence."""
    return places.contract_articles(text) if _spanish() else text


@register.filter
def county_place(county_name: str, state: str) -> str:
    """A county name (a string) inside a sentence: {{ name|county_place:state }}."""
    return places.place_name(county_name, state, get_language() or "en")


@register.filter
def county_title(county_name: str, state: str) -> str:
    """A county name (a string) in a list or heading: "Condado de Galveston"."""
    return capfirst(places.place_name(county_name, state, get_language() or "en", article=False))


@register.filter
def agency_title(name: str) -> str:
    """An agency in a list or at the start of a line: "Oficina del Sheriff del condado de X"."""
    return capfirst(places.agency_name(name, get_language() or "en", article=False))

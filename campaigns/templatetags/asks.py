"""A contract's one status line, and a campaign's ask, in the page's language (campaigns.asks)."""

from django import template
from django.utils.translation import get_language

from campaigns import asks

register = template.Library()


@register.simple_tag
def contract_status_line(contract) -> str:
    return asks.status_line(contract, get_language() or "en")


@register.simple_tag
def campaign_ask(campaign, contracts=None):
    return asks.campaign_ask(campaign, contracts=contracts)


@register.simple_tag
def decision_makers(campaign) -> str:
    return asks.decision_makers(campaign, get_language() or "en")


@register.simple_tag
def campaign_kind(campaign) -> str:
    """{% campaign_kind campaign as kind %}: "county", "city", "state" or "agency"."""
    return asks.campaign_kind(campaign)


@register.simple_tag
def where_in_state(campaign) -> str:
    return asks.where_in_state(campaign, get_language() or "en")


@register.simple_tag
def visibility_label(campaign) -> str:
    return asks.visibility_label(campaign, get_language() or "en")


@register.simple_tag
def target_title(campaign) -> str:
    return asks.target_title(campaign, get_language() or "en")


@register.simple_tag
def call_to_action(campaign, contracts=None) -> str:
    """The one-line ask; pass the page's contracts to spare a query."""
    ask = asks.campaign_ask(campaign, contracts=contracts) if contracts is not None else None
    return asks.call_to_action(campaign, get_language() or "en", ask=ask)


@register.simple_tag
def residents_label(campaign, count) -> str:
    return asks.residents_label(campaign, count, get_language() or "en")

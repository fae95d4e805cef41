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

"""Petitions' answers to what campaigns announce (campaigns.signals)."""

from django.dispatch import receiver

from campaigns.signals import campaigns_set_up

from .texts import ensure_petition_texts


@receiver(campaigns_set_up, dispatch_uid="petitions.ensure_petition_texts")
def give_new_campaigns_a_petition(sender, **kwargs) -> None:
    ensure_petition_texts()

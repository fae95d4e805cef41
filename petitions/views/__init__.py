"""Petition pages: signing and its email links (signing.py), the leader's in-person tools (in_person.py)."""

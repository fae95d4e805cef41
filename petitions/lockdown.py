"""The signing table's locked-down mode: while a table is open in a browser session, that session
reaches only the table.

The leader's phone is handed from signer to signer, logged in as the leader. Without the lock, a
signer could go Back to the dashboard, or type /accounts/email/ and take the account. Only the
leader's password (the table's "Unlock / close the table" form) ends the mode.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

SESSION_KEY = "signing_table_lock"
# The pages a locked session may still reach: the table, its unlock form, the language switch
# (which only redirects to a path, checked again here).
ALLOWED = {"petitions:signing_table", "petitions:close_table", "choose_language"}


def lock(request, kwargs: dict) -> None:
    """From now on this session reaches only the table at these URL kwargs (state, slug)."""
    request.session[SESSION_KEY] = dict(kwargs)


def unlock(request) -> None:
    request.session.pop(SESSION_KEY, None)


def is_locked(request) -> bool:
    return SESSION_KEY in request.session


class SigningTableLockMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a browser that already has a session can be locked: reading the session of every
        # anonymous visitor would mark each public page "Vary: Cookie" for nothing.
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        locked = has_session and request.session.get(SESSION_KEY)
        if locked and not _allowed(request.path_info, locked):
            return redirect("petitions:signing_table", **locked)
        return self.get_response(request)


def _allowed(path: str, locked: dict) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.view_name == "choose_language":
        return True
    if match.view_name not in ALLOWED:
        return False
    return {key: match.kwargs.get(key) for key in locked} == locked

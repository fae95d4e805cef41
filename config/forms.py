"""How the site's forms are laid out: crispy-forms with its Bootstrap 5 pack, the layout in the form.

The page keeps its own <form> tag, CSRF token (or none: the public sign form is cacheable) and
error summary; crispy renders the fields, each error beside its field (id `<field id>_error`, which
Django's aria-describedby names) and the help text.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout


def fields_helper(*layout) -> FormHelper:
    """A helper that renders only the fields, in `layout` (all fields, in order, when empty)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


def honeypot(name: str) -> Div:
    """A field people never see or reach (bots fill every field they find)."""
    return Div(name, css_class="visually-hidden", aria_hidden="true")

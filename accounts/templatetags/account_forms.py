"""Render a form field with Bootstrap's class while keeping Django's aria-invalid and aria-describedby."""

from django import template

register = template.Library()


@register.filter
def with_class(field, css_class: str):
    return field.as_widget(attrs={"class": css_class})

"""Template words: ``{% w "key" %}`` is :func:`parindex.words.t` in the request's language
(auto-escaped like every other value), ``{{ x|num }}`` a number written the language's way,
``{{ d|day }}`` a date as dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from parindex import words
from parindex.lang import number_text

register = template.Library()


@register.simple_tag(takes_context=True)
def w(context: dict[str, Any], key: str, **fields: object) -> str:
    request = context.get("request")
    return words.t(key, str(getattr(request, "lang", "vi")), **fields)


@register.filter
def num(value: object, lang: str = "vi") -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, int | float):
        return str(value)
    return number_text(round(float(value), 2), lang)


@register.filter
def day(value: object) -> str:
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)

"""A leaf's rule in a short written form, for criteria kept in a workbook.

What an office types in one cell, read back exactly (``parse_rule(rule_text(s)) == s``):

- ``>90: 2; >=70: 1; >=0: 0`` — bands (``>`` above, ``>=`` or ``≥`` at least);
- ``dung_han = 1; tre_han = 0,5; khong = 0`` — options; a label goes in quotes after the key
  (``dung_han "Đúng hạn" = 1``), a key that holds ``; = " :`` is quoted itself;
- ``mức: xuat_sac = 1; tot = 0,75`` — levels (fractions of max);
- ``tỷ lệ: mục tiêu = 80; sàn = 50`` — proportional; ``trừ: mỗi lần = 0,25; sàn = 0`` —
  deduction; ``có/không`` — boolean; ``chấm trực tiếp`` — manual.

Inputs have their own written form (:mod:`parindex.criteria.input_text`). Keywords are
accepted in Vietnamese and English, without regard to case, accents or separators; numbers
with a decimal comma or a dot. Items are separated by ``;`` or a line break. Numbers are
written as short as they go while still reading back to the same float.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import ValidationError

from parindex.criteria.keys import fold_key
from parindex.criteria.rules import (
    BandsScore,
    Choice,
    DeductionScore,
    LevelsScore,
    OptionsScore,
    ProportionalScore,
    ScoreSpec,
    parse_score,
)
from parindex.words import both, t


class RuleTextError(ValueError):
    """A written rule or input that cannot be read: a words reason code and its facts."""

    def __init__(self, code: str, **facts: Any):
        super().__init__(code)
        self.code: str = code
        self.facts: dict[str, Any] = facts


#: written keywords → the name they stand for (both languages and the registry's own names)
_KINDS = ("manual", "boolean", "options", "levels", "bands", "proportional", "deduction")
_PARAMS = ("target", "floor", "per_item")


def keywords(prefix: str, names: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        for text in (*both(f"{prefix}.{name}"), name):
            out[fold_key(text)] = name
    return out


_KIND_WORDS = keywords("ruletext", _KINDS)
_PARAM_WORDS = keywords("ruletext", _PARAMS)

_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
_QUOTED = r'"((?:[^"]|"")*)"'
PREFIX = re.compile(r"^\s*([^:;=\"<>≥\n]+?)\s*:(.*)$", re.DOTALL)
_BAND = re.compile(r"^(>=|≥|>)\s*(\S+?)\s*%?\s*:\s*(\S+)$")
_OPTION = re.compile(rf"^(?:{_QUOTED}|([^\"=]*?))\s*(?:{_QUOTED})?\s*=\s*(\S+)$", re.DOTALL)
_NEEDS_QUOTES = re.compile(r'[;=":\n]|^[\s>≥<]|\s$')


# ---------------------------------------------------------------------------- numbers


def number_text(value: float, lang: str = "vi") -> str:
    """A number as short as it goes that reads back to the same float; a decimal comma
    unless the language is English.

    >>> number_text(0.5), number_text(2.0, "en"), number_text(0.1 + 0.2, "en")
    ('0,5', '2', '0.30000000000000004')
    """
    text = repr(float(value))
    text = text.removesuffix(".0") if "e" not in text else text
    return text if lang == "en" else text.replace(".", ",")


def parse_number(text: str) -> float:
    """``0,5``, ``0.5``, ``-2``, ``1e-05`` → a float; anything else is a ValueError.

    >>> parse_number("0,5"), parse_number(" 1.25 "), parse_number("1,5e-05")
    (0.5, 1.25, 1.5e-05)
    """
    bare = text.strip()
    if not _NUMBER.fullmatch(bare):
        raise ValueError(text)
    return float(bare.replace(",", "."))


# ---------------------------------------------------------------------------- writing


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _key(text: str) -> str:
    """A key as written: bare when it reads back the same, else in quotes."""
    return text if text and not _NEEDS_QUOTES.search(text) else quoted(text)


def rule_text(spec: ScoreSpec, lang: str = "vi") -> str:
    """A parsed rule in its written form (keywords and decimal mark of ``lang``)."""

    def n(value: float) -> str:
        return number_text(value, lang)

    if isinstance(spec, str):
        return t(f"ruletext.{spec}", lang)
    if isinstance(spec, BandsScore):
        return "; ".join(f"{'>' if b.above is not None else '>='}{n(b.threshold)}: {n(b.points)}"
                         for b in spec.bands)
    if isinstance(spec, OptionsScore):
        parts = []
        for key, value in spec.options.items():
            if isinstance(value, Choice):
                parts.append(f"{_key(key)} {quoted(value.label)} = {n(value.points)}")
            else:
                parts.append(f"{_key(key)} = {n(value)}")
        return "; ".join(parts)
    head, items = _rule_items(spec, lang)
    return f"{t(f'ruletext.{head}', lang)}: " + "; ".join(f"{k} = {n(v)}" for k, v in items)


def _rule_items(spec: ScoreSpec, lang: str) -> tuple[str, list[tuple[str, float]]]:
    if isinstance(spec, LevelsScore):
        return "levels", [(_key(k), v) for k, v in spec.levels.items()]
    if isinstance(spec, ProportionalScore):
        p = spec.proportional
        return "proportional", [(t("ruletext.target", lang), p.target),
                                (t("ruletext.floor", lang), p.floor)]
    assert isinstance(spec, DeductionScore)
    d = spec.deduction
    return "deduction", [(t("ruletext.per_item", lang), d.per_item),
                         (t("ruletext.floor", lang), d.floor)]


# ---------------------------------------------------------------------------- reading


def _split(text: str) -> list[str]:
    """Items separated by ``;`` or a line break outside quotes; blank items dropped."""
    items, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char in ";\n" and not quoted:
            items.append(current)
            current = ""
        else:
            current += char
    if quoted:
        raise RuleTextError("critbook.rule_quote")
    items.append(current)
    return [item.strip() for item in items if item.strip()]


def _number(text: str, item: str) -> float:
    try:
        return parse_number(text)
    except ValueError:
        raise RuleTextError("critbook.rule_number", quoted=quoted(text),
                            item=quoted(item)) from None


def parse_rule(text: str) -> ScoreSpec:
    """A written rule → the rule, checked by the registry's params models; a
    :class:`RuleTextError` when it cannot be read."""
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise RuleTextError("critbook.rule_blank")
    whole = _KIND_WORDS.get(fold_key(text))
    if whole in ("manual", "boolean"):
        return whole  # type: ignore[return-value]
    kind, body = None, text
    m = PREFIX.match(text)
    if m and fold_key(m.group(1)) in _KIND_WORDS:
        kind, body = _KIND_WORDS[fold_key(m.group(1))], m.group(2)
    items = _split(body)
    if not items:
        raise RuleTextError("critbook.rule_blank")
    if kind is None:
        kind = "bands" if items[0][:1] in (">", "≥") else "options"
    raw = _READERS.get(kind, _no_params)(items, kind)
    try:
        return parse_score(raw)
    except (ValueError, ValidationError) as exc:
        reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise RuleTextError("critbook.rule_invalid", reason=reason) from None


def _no_params(_items: list[str], kind: str) -> Any:
    raise RuleTextError("critbook.rule_no_items", kind=kind)


def _bands(items: list[str], _kind: str) -> Any:
    bands = []
    for item in items:
        m = _BAND.match(item)
        if not m:
            raise RuleTextError("critbook.rule_item", item=quoted(item),
                                form=">90: 2; >=70: 1")
        bound = "above" if m.group(1) == ">" else "min"
        bands.append({bound: _number(m.group(2), item), "points": _number(m.group(3), item)})
    return {"bands": bands}


def _pairs(items: list[str], form: str) -> list[tuple[str, str | None, float, str]]:
    """``key ["label"] = number`` items → (key, label, number, item); keys once each."""
    out: list[tuple[str, str | None, float, str]] = []
    for item in items:
        m = _OPTION.match(item)
        if not m:
            raise RuleTextError("critbook.rule_item", item=quoted(item), form=form)
        key = m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2).strip()
        label = m.group(3).replace('""', '"') if m.group(3) is not None else None
        if not key:
            raise RuleTextError("critbook.rule_item", item=quoted(item), form=form)
        if key in [k for k, *_ in out]:
            raise RuleTextError("critbook.rule_twice", quoted=quoted(key))
        out.append((key, label, _number(m.group(4), item), item))
    return out


def _options(items: list[str], _kind: str) -> Any:
    options: dict[str, Any] = {}
    for key, label, points, _ in _pairs(items, 'dung_han "Đúng hạn" = 1; tre_han = 0,5'):
        options[key] = points if label is None else {"points": points, "label": label}
    return {"options": options}


def _levels(items: list[str], _kind: str) -> Any:
    pairs = _pairs(items, "xuat_sac = 1; tot = 0,75")
    for _, label, _, item in pairs:
        if label is not None:
            raise RuleTextError("critbook.rule_item", item=quoted(item), form="tot = 0,75")
    return {"levels": {key: value for key, _, value, _ in pairs}}


def _params(items: list[str], kind: str) -> Any:
    params: dict[str, float] = {}
    names = ("target", "floor") if kind == "proportional" else ("per_item", "floor")
    known = ", ".join(f"{both(f'ruletext.{n}')[0]} / {n}" for n in names)
    for key, label, value, item in _pairs(items, f"{names[0]} = 1; {names[1]} = 0"):
        name = _PARAM_WORDS.get(fold_key(key))
        if name is None or name not in names or label is not None:
            raise RuleTextError("critbook.rule_param", item=quoted(item), known=known)
        params[name] = value
    return {kind: params}


_READERS = {"bands": _bands, "options": _options, "levels": _levels,
            "proportional": _params, "deduction": _params}


__all__ = ["PREFIX", "RuleTextError", "keywords", "number_text", "parse_number", "parse_rule",
           "quoted", "rule_text"]

"""PII redaction before text leaves for an LLM endpoint or the retrieval index.

Placeholders are stable within a run (`[EMAIL_1]` is always the same address) so
the model can still reason about "the same customer wrote twice", and `restore`
can put the real values back when rendering for an Odoo user who may see them.
Phone parsing uses Google's libphonenumber port; IBAN and Luhn checks use
python-stdnum, so only numbers with valid checksums are treated as IBANs or cards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

import phonenumbers
from stdnum import iban as std_iban
from stdnum import luhn

#: Regions whose local formats ("06 12 34 56 78", "(415) 555-2671") are recognised.
DEFAULT_PHONE_REGIONS: Final = ("US", "GB", "FR", "DE", "BE", "NL", "ES", "IT")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_PHONE_CANDIDATE = re.compile(r"(?<![\w+(])(?:\+|\()?\d[\d \t().-]{5,20}\d(?!\w)")
_PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|IBAN|CARD|NAME)_\d+\]")


@dataclass(frozen=True)
class Redacted:
    text: str
    mapping: dict[str, str] = field(default_factory=dict)  # placeholder -> original


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str
    key: str  # normalised value, so "A@X.com" and "a@x.com" share a placeholder


def _iban_spans(text: str) -> Iterable[_Span]:
    for m in _IBAN.finditer(text):
        candidate = m.group(0)
        # The regex may swallow a trailing code-like word: shrink until the checksum holds.
        while len(std_iban.compact(candidate)) >= 15:
            if std_iban.is_valid(candidate):
                yield _Span(
                    m.start(), m.start() + len(candidate), "IBAN", std_iban.compact(candidate)
                )
                break
            candidate = candidate[:-1].rstrip()


def _card_spans(text: str) -> Iterable[_Span]:
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits) and len(set(digits)) > 1:
            yield _Span(m.start(), m.end(), "CARD", digits)


def _phone_spans(text: str, regions: Iterable[str]) -> Iterable[_Span]:
    # libphonenumber's matcher is slow on long text, so it only sees digit runs.
    regions = tuple(regions)
    for candidate in _PHONE_CANDIDATE.finditer(text):
        chunk = candidate.group(0)
        for region in regions:  # first region that reads the chunk as phone numbers wins
            found = list(
                phonenumbers.PhoneNumberMatcher(chunk, region, leniency=phonenumbers.Leniency.VALID)
            )
            for m in found:
                key = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
                start = candidate.start() + m.start
                yield _Span(start, start + len(m.raw_string), "PHONE", key)
            if found:
                break


class Redactor:
    """Replaces e-mails, phones, IBANs, card numbers and configured names.

    One instance per run: the placeholder numbering is shared by every `redact` call.
    """

    def __init__(
        self, names: Iterable[str] = (), *, phone_regions: Iterable[str] = DEFAULT_PHONE_REGIONS
    ) -> None:
        cleaned = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
        self._names = [
            (n, re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, n.split())) + r"(?!\w)", re.I))
            for n in cleaned
        ]
        self._regions = tuple(phone_regions)
        self._by_key: dict[tuple[str, str], str] = {}
        self._mapping: dict[str, str] = {}
        self._counters: dict[str, int] = {}

    def _spans(self, text: str) -> list[_Span]:
        found: list[_Span] = []
        found += [
            _Span(m.start(), m.end(), "EMAIL", m.group(0).lower()) for m in _EMAIL.finditer(text)
        ]
        found += _iban_spans(text)
        found += _card_spans(text)
        found += _phone_spans(text, self._regions)
        for name, pattern in self._names:
            found += [
                _Span(m.start(), m.end(), "NAME", name.lower()) for m in pattern.finditer(text)
            ]
        # Earlier kinds win overlaps (an IBAN's digits are not also a phone number).
        chosen: list[_Span] = []
        for span in found:
            if _PLACEHOLDER.fullmatch(text[span.start : span.end]):
                continue
            if all(span.end <= c.start or span.start >= c.end for c in chosen):
                chosen.append(span)
        return sorted(chosen, key=lambda s: s.start)

    def _placeholder(self, span: _Span, original: str) -> str:
        known = self._by_key.get((span.kind, span.key))
        if known:
            return known
        self._counters[span.kind] = self._counters.get(span.kind, 0) + 1
        placeholder = f"[{span.kind}_{self._counters[span.kind]}]"
        self._by_key[(span.kind, span.key)] = placeholder
        self._mapping[placeholder] = original
        return placeholder

    def redact(self, text: str) -> Redacted:
        """Return the redacted text and the run's placeholder -> original mapping."""
        out: list[str] = []
        pos = 0
        for span in self._spans(text):
            out.append(text[pos : span.start])
            out.append(self._placeholder(span, text[span.start : span.end]))
            pos = span.end
        out.append(text[pos:])
        return Redacted("".join(out), dict(self._mapping))


def restore(text: str, mapping: Mapping[str, str]) -> str:
    """Put the original values back (for rendering to people allowed to see them)."""
    return _PLACEHOLDER.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


def redact_text(text: str, names: Iterable[str] = ()) -> str:
    """One-shot redaction (e.g. for the retrieval index): a fresh numbering per call."""
    return Redactor(names).redact(text).text

"""One way to write numbers in finding texts, so prose and figures always agree.

The offline analyst and the grounding guardrail reuse these texts; keep the formats
stable (tests pin them).
"""

from __future__ import annotations


def fmt_hours(value: float) -> str:
    """`12.5 h` (one decimal, trailing `.0` dropped)."""
    return f"{fmt_num(value, 1)} h"


def fmt_pct(ratio: float) -> str:
    """A ratio as a percentage: 0.254 -> `25.4 %`."""
    return f"{fmt_num(ratio * 100, 1)} %"


def fmt_ratio(value: float) -> str:
    """A dimensionless index such as CPI: `0.82`."""
    return f"{value:.2f}"


def fmt_money(amount: float, currency: str = "EUR") -> str:
    """`12,345.00 EUR`."""
    return f"{amount:,.2f} {currency}"


def fmt_days(days: float) -> str:
    """`1 day`, `3 days`, `2.5 days`."""
    text = fmt_num(days, 1)
    return f"{text} day" if text == "1" else f"{text} days"


def fmt_num(value: float, decimals: int = 1) -> str:
    """A number with at most `decimals` decimals and no trailing zeros: 3.0 -> `3`."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """`1 task`, `3 tasks`."""
    return f"{count} {word if count == 1 else (plural_word or word + 's')}"

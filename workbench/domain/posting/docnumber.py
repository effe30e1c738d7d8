"""DocNumbers: from the bookkeeper's template, at most 21 characters, never colliding.

QBO refuses a duplicate number (6140) when custom transaction numbers are on, and some other
tool may already have used "1043". The rendered number is checked against the numbers QBO holds
for records that are not ours, and a deterministic suffix is added when taken.
"""

from __future__ import annotations

from collections.abc import Set

MAX_LENGTH = 21


class TemplateError(ValueError):
    pass


def render(template: str, *, name: str, number: int, suffix: str = "") -> str:
    """``{name}`` is the order name without ``#``; ``{number}`` the order number."""
    try:
        text = template.format(name=name.lstrip("#"), number=number)
    except (KeyError, IndexError, ValueError) as exc:
        raise TemplateError(
            f"DocNumber template {template!r} is invalid ({exc}); use {{name}} and {{number}}"
        ) from None
    return text + suffix


def doc_number(
    template: str, *, name: str, number: int, suffix: str = "", taken: Set[str] = frozenset()
) -> str:
    candidate = render(template, name=name, number=number, suffix=suffix)
    if len(candidate) > MAX_LENGTH:
        # Keep the distinctive end (the number) rather than the template's prefix.
        candidate = candidate[-MAX_LENGTH:]
    if candidate not in taken:
        return candidate
    for n in range(2, 1000):
        tail = f"-{n}"
        alternative = candidate[: MAX_LENGTH - len(tail)] + tail
        if alternative not in taken:
            return alternative
    raise TemplateError(f"no free DocNumber near {candidate!r}")

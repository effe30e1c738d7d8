"""The two timestamp formats QBO uses.

The top-level ``time`` of every body carries milliseconds; ``MetaData`` times do not
(reference §3). Both are company-local with a numeric offset.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def body_time(moment: datetime) -> str:
    """``2020-09-29T05:58:07.300-07:00``."""
    return _aware(moment).isoformat(timespec="milliseconds")


def meta_time(moment: datetime) -> str:
    """``2020-09-29T05:58:07-07:00``."""
    return _aware(moment).isoformat(timespec="seconds")


def local_date(moment: datetime) -> str:
    """Company-local date, the default ``TxnDate``."""
    return _aware(moment).date().isoformat()


def parse_moment(text: str, tz_of: datetime) -> datetime:
    """Parse a date or date-time literal; a bare date means local midnight of the company.

    Used by query comparisons on ``MetaData.*Time`` and by CDC ``changedSince``.
    """
    text = text.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime.combine(day, time(0, 0), tzinfo=_aware(tz_of).tzinfo)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_aware(tz_of).tzinfo)
    return moment

"""What both Shopify CSV exports share: reading rows with their physical line numbers, finding
columns by header name, and reading cells (amounts, instants, flags) strictly.

Merchants open these files in spreadsheets before handing them over, so a file may gain a BOM,
CRLF line ends, extra or reordered columns, or quoted cells with commas and newlines. All of that
is accepted. What is *not* accepted is a cell we would have to guess at: ``12,50`` could be
twelve-fifty or twelve hundred and fifty, so an amount must be a plain decimal as Shopify writes
it, and the row is reported rather than misread.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from workbench.errors import WorkbenchError

ZERO = Decimal(0)
_AMOUNT = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_SPACES = re.compile(r"\s+")
_VALUE = itemgetter(1)
# Notes and address cells can be long; the csv module's default limit (128 KiB) is only there
# to stop a runaway unclosed quote, which we report by line anyway.
csv.field_size_limit(16 * 1024 * 1024)


class CsvFormatError(WorkbenchError):
    """The file is not the export we expected at all (wrong columns, unreadable)."""


class CellError(ValueError):
    """One cell cannot be read; the message names the column and quotes the cell, and ``line``
    says which physical line it is on when that is not the record's first line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem tied to one physical line of the file (the header is line 1)."""

    line: int
    reason: str

    def format(self, file: str) -> str:
        return f"{file}:{self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    cells: list[str]


def canonical(name: str) -> str:
    """How headers are compared: case, surrounding and repeated spaces do not matter."""
    return _SPACES.sub(" ", name.strip()).casefold()


class Header:
    """Column positions by name. An absent optional column reads as an empty cell."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = [n.strip() for n in names]
        self.width = len(self.names)
        self._index: dict[str, int] = {}
        for position, name in enumerate(self.names):
            self._index.setdefault(canonical(name), position)

    def has(self, name: str) -> bool:
        return canonical(name) in self._index

    def index(self, name: str) -> int:
        """Position of ``name``; absent columns point at the padding cell past the end."""
        return self._index.get(canonical(name), self.width)

    def missing(self, required: Iterable[str]) -> list[str]:
        return [name for name in required if not self.has(name)]


def count_lines(path: Path) -> int:
    """Physical lines, counted fast in binary: an estimate of the rows, for progress ETA."""
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def open_rows(path: Path, what: str) -> tuple[Header, Iterator[CsvRow], TextIO]:
    """Open a CSV export: its header and an iterator of its records with their start lines.

    Undecodable bytes become U+FFFD so that one bad row is reported instead of the whole file
    failing half-way; the caller closes the returned handle.
    """
    try:
        handle = path.open(encoding="utf-8-sig", errors="replace", newline="")
    except OSError as exc:
        raise CsvFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        handle.close()
        raise CsvFormatError(f"{path.name}:1: the header cannot be read ({exc})") from None
    if not header or not any(cell.strip() for cell in header):
        handle.close()
        raise CsvFormatError(f"{path.name} is empty: expected {what} with its header line")
    return Header(header), _records(reader), handle


def _records(reader: Iterator[list[str]]) -> Iterator[CsvRow]:
    # csv.reader.line_num is the number of physical lines consumed so far, so a record starts
    # one line after the previous record ended, however many lines its quoted cells spanned.
    line_num = reader.line_num  # type: ignore[attr-defined]
    previous = line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            now = reader.line_num  # type: ignore[attr-defined]
            yield CsvRow(previous + 1, ["\x00csv-error", str(exc)])
            previous = now
            continue
        start = previous + 1
        previous = reader.line_num  # type: ignore[attr-defined]
        if cells and (len(cells) > 1 or cells[0].strip()):
            yield CsvRow(start, cells)


def shape_problem(row: CsvRow, header: Header) -> str | None:
    """Why a record cannot be read column by column, or None; pads it for absent columns."""
    cells = row.cells
    if cells and cells[0] == "\x00csv-error":
        return f"not valid CSV ({cells[1]})"
    if len(cells) < header.width:
        return f"row has {len(cells)} cells but the header has {header.width}"
    if len(cells) > header.width:
        if any(cell.strip() for cell in cells[header.width :]):
            return f"row has {len(cells)} cells but the header has {header.width}"
        del cells[header.width :]
    if "\ufffd" in "".join(cells):
        return "not UTF-8 text (re-export the file, or save it as 'CSV UTF-8')"
    cells.append("")  # the cell every absent optional column reads
    return None


def raw_cells(header: Header, cells: Sequence[str]) -> dict[str, str]:
    """The row as the merchant's file had it, minus empty cells (absent and empty are alike)."""
    return dict(filter(_VALUE, zip(header.names, cells, strict=False)))


def _cells_text(cells: dict[str, str]) -> str:
    # Keys are unique, so sorting the pairs sorts by name; "key\x1fvalue\x1e" per cell.
    return "\x1e".join(map("\x1f".join, sorted(cells.items()))) + "\x1e" if cells else ""


def fingerprint(parts: Iterable[dict[str, str]], *extra: str) -> str:
    """A short stable digest of row contents, independent of column order."""
    text = "\x1d".join(map(_cells_text, parts))
    prefix = "\x1d".join(extra)
    return hashlib.blake2b(f"{prefix}\x1c{text}".encode(), digest_size=12).hexdigest()


# Cells -------------------------------------------------------------------------------------


# Amounts repeat a lot ("0.00", a product's price); Decimals are immutable, so one per spelling.
_AMOUNTS: dict[str, Decimal] = {}


def amount(value: str, column: str) -> Decimal:
    """A plain decimal amount; an empty cell is an error (see ``optional_amount``)."""
    found = _AMOUNTS.get(value)
    if found is not None:
        return found
    text = value.strip()
    if not _AMOUNT.fullmatch(text):
        if not text:
            raise CellError(f"{column} is empty")
        raise CellError(f"{column} {value!r} is not an amount (expected e.g. 1234.50)")
    if len(_AMOUNTS) > 200_000:
        _AMOUNTS.clear()
    found = _AMOUNTS[value] = Decimal(text)
    return found


def optional_amount(value: str, column: str) -> Decimal | None:
    return amount(value, column) if value.strip() else None


def amount_or_zero(value: str, column: str) -> Decimal:
    """An optional amount; an empty cell is zero (``0.00`` keeps its written exponent)."""
    return amount(value, column) if value.strip() else ZERO


def whole_number(value: str, column: str) -> int:
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise CellError(f"{column} {value!r} is not a whole number")
    return int(text)


def flag(value: str, column: str, default: bool) -> bool:
    text = value.strip().lower()
    if not text:
        return default
    if text in {"true", "yes"}:
        return True
    if text in {"false", "no"}:
        return False
    raise CellError(f"{column} {value!r} is not true or false")


_OFFSETS: dict[str, timezone] = {}


def _offset(text: str) -> timezone:
    found = _OFFSETS.get(text)
    if found is None:
        sign = -1 if text[0] == "-" else 1
        found = timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[3:5])))
        _OFFSETS[text] = found
    return found


def instant(value: str, column: str, tz: ZoneInfo | None) -> datetime:
    """``2025-12-06 10:36:16 -0500`` (or ISO 8601) → an aware datetime in UTC.

    A time without an offset is read in the shop's zone when we know it; otherwise it cannot be
    placed on the shop's calendar and is refused rather than guessed.
    """
    text = value.strip()
    try:
        if len(text) == 25 and text[19] == " " and text[20] in "+-" and text[10] == " ":
            moment = datetime(
                int(text[0:4]), int(text[5:7]), int(text[8:10]),
                int(text[11:13]), int(text[14:16]), int(text[17:19]),
                tzinfo=_offset(text[20:]),
            )  # fmt: skip
            if not (text[4] == text[7] == "-" and text[13] == text[16] == ":"):
                raise ValueError(text)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, IndexError):
        if not text:
            raise CellError(f"{column} is empty") from None
        raise CellError(
            f"{column} {value!r} is not a date and time (expected e.g. 2025-12-06 10:36:16 -0500)"
        ) from None
    if moment.tzinfo is None:
        if tz is None:
            raise CellError(
                f"{column} {value!r} has no UTC offset and the shop's time zone is unknown"
            )
        moment = moment.replace(tzinfo=tz)
    return moment


def optional_instant(value: str, column: str, tz: ZoneInfo | None) -> datetime | None:
    return instant(value, column, tz) if value.strip() else None


def local_day(moment: datetime, tz: ZoneInfo | None) -> date:
    """The shop's calendar day: in its IANA zone when known, else in the row's own offset."""
    return (moment.astimezone(tz) if tz is not None else moment).date()


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)

"""QuickBooks refusals as typed errors with a plain-words hint, parsed from every body QBO sends.

QBO reports a refusal three ways (reference §12–13): the normal ``{"Fault":{"Error":[…]}}``
envelope (also inside a 200, per batch item or attachable), a lower-case ``{"fault":{"error":…}}``
body on 401, and an XML body on 429 even when JSON was asked for. All three become one
:class:`QboFault` so callers branch on ``code`` and show ``hint`` to the bookkeeper, whatever the
wire looked like. The 401 detail echoes part of the rejected token, so every text is scrubbed of
tokens before it is kept: errors end up in logs, notifications and screenshots.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workbench.errors import WorkbenchError
from workbench.jsonmoney import loads

RECONNECT = "run `workbench connect qbo` to connect the company again"

HINTS: dict[str, str] = {
    "610": (
        "something this entry refers to (an account, item, customer, tax code or payment "
        "method) was deleted or made inactive in QuickBooks: run `workbench sync qbo` and fix "
        "the mapping"
    ),
    "2010": (
        "QuickBooks does not know one of the fields sent; this is a workbench bug: report it "
        "with the intuit_tid"
    ),
    "2020": (
        "a field QuickBooks requires is missing (see the element named): complete the mapping "
        "for it and try again"
    ),
    "2050": (
        "a text is longer than QuickBooks allows (DocNumber 21, memo 4000, names 100 "
        "characters): shorten it and try again"
    ),
    "2500": (
        "an account, item or customer referred to does not exist in QuickBooks: run "
        "`workbench sync qbo` and check the mapping"
    ),
    "3001": (
        "QuickBooks is limiting requests for this company (500 a minute, 10 a second, 40 "
        "batches a minute); workbench waits and retries, so try again in a minute if it persists"
    ),
    "3100": "the QuickBooks app has no access to this company: " + RECONNECT,
    "3200": "QuickBooks no longer accepts the connection (expired or revoked): " + RECONNECT,
    "120": "the QuickBooks user who connected is no longer an admin: " + RECONNECT,
    "4001": "QuickBooks could not read a query; this is a workbench bug: report it",
    "5010": (
        "someone changed this record in QuickBooks after workbench read it: run "
        "`workbench sync qbo` and try again"
    ),
    "6000": (
        "QuickBooks refused the entry on a business rule (the detail says which): fix the "
        "entry or its mapping and try again"
    ),
    "6140": (
        "QuickBooks already has a document with this number: it was probably posted before; "
        "look it up in QuickBooks (or let workbench link it) instead of posting it again"
    ),
    "6190": "the QuickBooks subscription of this company is not active: check its billing",
    "6210": (
        "the date falls in a closed accounting period: change the date or have the closing "
        "date moved in QuickBooks"
    ),
    "6240": (
        "the name is already used by another customer, vendor, employee or item: pick "
        "another name or map to the existing one"
    ),
    "6540": (
        "this transaction is part of a bank deposit in QuickBooks and cannot be changed or "
        "voided: remove it from the deposit (or delete the deposit) in QuickBooks first"
    ),
    "10000": (
        "QuickBooks had an internal error: try again later; if it keeps happening, give the "
        "intuit_tid to Intuit support"
    ),
}
HINTS["429"] = HINTS["3001"]
GENERIC_HINT = (
    "QuickBooks refused the request (the message says why); keep the intuit_tid if you need "
    "Intuit support"
)

_TOKEN_PATTERNS = (
    # "Token expired: AB0160…" in the 401 detail, "Bearer eyJ…" if a header is ever echoed.
    re.compile(r"(?i)\b(token\s*(?:expired|invalid|revoked)?\s*[:=]\s*)[^\s,;\"']+"),
    re.compile(r"(?i)\b(bearer\s+)[^\s,;\"']+"),
    re.compile(r"(?i)\b((?:refresh|access)_token\s*[=:]\s*)[^\s,;&\"']+"),
)


def scrub(text: str) -> str:
    """Remove anything that looks like a token from a text meant for people or logs."""
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


def hint_for(code: str) -> str:
    return HINTS.get(code.lstrip("0") or code, GENERIC_HINT)


class QboError(WorkbenchError):
    """Anything that went wrong talking to QuickBooks; the message says what to do."""


class QboConfigError(QboError):
    """A setting or the stored connection is missing; the message names what to set."""


class QboAuthError(QboError):
    """The connection itself failed (refresh refused, consent denied, state mismatch)."""


class QboUnknownOutcome(QboError):
    """A write was sent but no answer came back, and it carried no requestid to resend.

    The write may or may not have been applied: the caller must look the entry up by its key
    before sending it again (DESIGN §7).
    """


@dataclass(frozen=True)
class FaultError:
    """One entry of ``Fault.Error``."""

    code: str
    message: str
    detail: str
    element: str | None = None


class QboFault(QboError):
    """QBO refused a request (or a batch item). ``code``/``message``/… describe the first Error.

    ``errors`` keeps every Error (one Fault may hold several); ``status`` is the HTTP status
    (200 for a batch item), ``intuit_tid`` the trace id Intuit support asks for.
    """

    def __init__(
        self,
        errors: list[FaultError],
        *,
        fault_type: str = "",
        status: int = 400,
        intuit_tid: str | None = None,
    ) -> None:
        if not errors:
            errors = [FaultError("", "Unknown fault", "")]
        self.errors = [
            FaultError(e.code, scrub(e.message), scrub(e.detail), e.element) for e in errors
        ]
        self.fault_type = fault_type
        self.status = status
        self.intuit_tid = intuit_tid
        super().__init__(self._describe())

    @property
    def code(self) -> str:
        return self.errors[0].code

    @property
    def message(self) -> str:
        return self.errors[0].message

    @property
    def detail(self) -> str:
        return self.errors[0].detail

    @property
    def element(self) -> str | None:
        return self.errors[0].element

    @property
    def hint(self) -> str:
        return hint_for(self.code)

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]

    def _describe(self) -> str:
        first = self.errors[0]
        text = f"QuickBooks refused ({first.code} {first.message})"
        if first.detail and first.detail != first.message:
            text += f": {' '.join(first.detail.split())}"
        if first.element:
            text += f" [field {first.element}]"
        if len(self.errors) > 1:
            text += f" (+{len(self.errors) - 1} more)"
        text += f" - {self.hint}"
        if self.intuit_tid:
            text += f" (intuit_tid {self.intuit_tid})"
        return text

    def __repr__(self) -> str:
        return (
            f"QboFault(code={self.code!r}, status={self.status}, element={self.element!r}, "
            f"intuit_tid={self.intuit_tid!r})"
        )

    def to_json(self) -> dict[str, Any]:
        """A storable form, with the hint (the outbox keeps the fault of a failed entry, and
        ``describe_stored`` reads it back)."""
        return {
            "type": self.fault_type,
            "status": self.status,
            "intuit_tid": self.intuit_tid,
            "Error": [
                {"code": e.code, "Message": e.message, "Detail": e.detail, "element": e.element}
                for e in self.errors
            ],
            "hint": self.hint,
        }


def _errors_from(items: Any, *, lower: bool) -> list[FaultError]:
    out: list[FaultError] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping):
            continue
        message = item.get("message" if lower else "Message")
        detail = item.get("detail" if lower else "Detail")
        element = item.get("element")
        out.append(
            FaultError(
                code=str(item.get("code") or ""),
                message=str(message or ""),
                detail=str(detail or ""),
                element=str(element) if element else None,
            )
        )
    return out


def fault_from_json(
    body: Any, *, status: int = 400, intuit_tid: str | None = None
) -> QboFault | None:
    """The Fault in a parsed JSON body, or None if it carries none.

    Knows the normal envelope, the lower-case 401 body, a bare ``{"Error":…,"type"}`` value
    (what a batch item holds under ``Fault``) and faults inside ``AttachableResponse``.
    """
    if not isinstance(body, Mapping):
        return None
    if isinstance(body.get("Fault"), Mapping):
        fault = body["Fault"]
        return QboFault(
            _errors_from(fault.get("Error"), lower=False),
            fault_type=str(fault.get("type") or ""),
            status=status,
            intuit_tid=intuit_tid,
        )
    if isinstance(body.get("fault"), Mapping):
        fault = body["fault"]
        return QboFault(
            _errors_from(fault.get("error"), lower=True),
            fault_type=str(fault.get("type") or ""),
            status=status,
            intuit_tid=intuit_tid,
        )
    if isinstance(body.get("Error"), list) and "type" in body:
        return QboFault(
            _errors_from(body["Error"], lower=False),
            fault_type=str(body.get("type") or ""),
            status=status,
            intuit_tid=intuit_tid,
        )
    for holder in body.get("AttachableResponse") or []:
        found = fault_from_json(holder, status=status, intuit_tid=intuit_tid)
        if found is not None:
            return found
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def fault_from_xml(
    text: str, *, status: int = 429, intuit_tid: str | None = None
) -> QboFault | None:
    """The Fault of an ``IntuitResponse`` XML body (the 429 throttle answer), or None."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    for node in root.iter():
        if _local(node.tag) != "Fault":
            continue
        errors = []
        for error in node:
            if _local(error.tag) != "Error":
                continue
            parts = {_local(child.tag): (child.text or "") for child in error}
            errors.append(
                FaultError(
                    code=error.get("code", ""),
                    message=parts.get("Message", ""),
                    detail=parts.get("Detail", ""),
                    element=error.get("element") or None,
                )
            )
        return QboFault(
            errors, fault_type=node.get("type", ""), status=status, intuit_tid=intuit_tid
        )
    return None


def fault_from_http(
    status: int, content_type: str, body: bytes, intuit_tid: str | None
) -> QboFault:
    """A fault for any failed response; falls back to one made from the status alone."""
    text = body.decode("utf-8", errors="replace")
    found: QboFault | None = None
    if "xml" in content_type or text.lstrip().startswith("<"):
        found = fault_from_xml(text, status=status, intuit_tid=intuit_tid)
    else:
        try:
            parsed = loads(text)
        except ValueError:
            parsed = None
        found = fault_from_json(parsed, status=status, intuit_tid=intuit_tid)
    if found is not None:
        return found
    code = "3001" if status == 429 else "10000" if status >= 500 else str(status)
    snippet = " ".join(text.split())[:200]
    return QboFault(
        [FaultError(code, f"HTTP {status}", snippet)], status=status, intuit_tid=intuit_tid
    )


def describe_stored(fault: Mapping[str, Any] | None) -> str | None:
    """One line from a stored fault (``to_json`` plus the hint): code, message, detail, hint."""
    if not fault:
        return None
    first = (fault.get("Error") or [{}])[0]
    text = " ".join(
        str(x) for x in (first.get("code"), first.get("Message"), first.get("Detail")) if x
    )
    hint = fault.get("hint")
    return text + (f" — {hint}" if hint else "")

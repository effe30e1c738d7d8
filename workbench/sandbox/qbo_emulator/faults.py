"""Fault builders with QBO's own codes and wording.

Texts come from the recordings and doc samples in ``fixtures/qbo/`` where one exists (610, 2010,
2030, 4001, 500, 5010, 6240, 401, 429); the others follow the reference (§6, §12) or, where the
reference gives only a code, a third-party observation noted beside the builder. Keeping every
text here means a client's error handling can be tested against one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

VALIDATION = "ValidationFault"
SYSTEM = "SystemFault"
AUTHORIZATION = "AuthorizationFault"

BUSINESS_MESSAGE = "A business validation error has occurred while processing your request"


@dataclass(frozen=True)
class QboError:
    """One entry of ``Fault.Error``. ``element=None`` leaves the key out, as some recordings do."""

    code: str
    message: str
    detail: str
    element: str | None = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Message": self.message, "Detail": self.detail, "code": self.code}
        if self.element is not None:
            out["element"] = self.element
        return out


@dataclass
class QboFault(Exception):
    """A request QBO refuses: raised by validation and operations, turned into a body by the app."""

    errors: list[QboError]
    status: int = 400
    fault_type: str = VALIDATION
    with_time: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{e.code} {e.message}: {e.detail}" for e in self.errors)

    def fault_json(self) -> dict[str, Any]:
        """``{"Error": [...], "type": ...}``: the value under ``Fault`` (also per batch item)."""
        return {"Error": [e.to_json() for e in self.errors], "type": self.fault_type}


def _one(code: str, message: str, detail: str, element: str | None = "", **kw: Any) -> QboFault:
    return QboFault([QboError(code, message, detail, element)], **kw)


OBJECT_NOT_FOUND_DETAIL = (
    "Object Not Found : Something you're trying to use has been made inactive. "
    "Check the fields with accounts, customers, items, vendors or employees."
)


def object_not_found() -> QboFault:
    """610: unknown or deleted object, or an inactive reference (rec: batch bid2)."""
    return _one("610", "Object Not Found", OBJECT_NOT_FOUND_DETAIL)


def invalid_reference(entity: str, ref_id: str, element: str) -> QboFault:
    """2500: a reference to an Id that does not exist.

    The reference lists 2500 "Invalid Reference Id"; the detail wording is ours (UNVERIFIED).
    """
    return _one(
        "2500",
        "Invalid Reference Id",
        f"Invalid Reference Id : {entity} element id {ref_id} not found",
        element,
    )


def stale_object(user: str) -> QboFault:
    """5010 with the recorded wording (batch_response_mixed_faults.json bid3)."""
    return _one(
        "5010",
        "Stale Object Error",
        f"Stale Object Error : You and {user} were working on this at the same time. "
        f"{user} finished before you did, so your work was not saved.",
    )


def invalid_property(name: str, entity: str, known: list[str]) -> QboFault:
    """2010 in the Jackson wording of fault_400_invalid_property_2010.json (no ``element``)."""
    listed = ", ".join(f'"{k}"' for k in known)
    detail = (
        f'Property Name:Unrecognized field "{name}" (class com.intuit.schema.finance.v3.{entity}), '
        f"not marked as ignorable ({len(known)} known properties: {listed}])\n"
        " specified is unsupported or invalid"
    )
    return _one("2010", "Request has invalid or unsupported property", detail, None)


def invalid_value(element: str, value: Any, why: str) -> QboFault:
    """2010 for a value the parser cannot take (bad date, non-number money). Wording is ours."""
    return _one(
        "2010",
        "Request has invalid or unsupported property",
        f"Property Name:{element} specified is unsupported or invalid: {why} (supplied {value!r})",
        element,
    )


def required_missing(element: str) -> QboFault:
    """2020; wording observed by third parties (python-quickbooks #257, #329)."""
    return _one(
        "2020",
        "Required param missing, need to supply the required value for the API",
        f"Required parameter {element} is missing in the request",
        element,
    )


def invalid_id(value: str) -> QboFault:
    """2030 exactly as recorded: ``element:"Id"`` and no ``time`` key."""
    return _one(
        "2030",
        "Invalid ID",
        f"Id should be a valid number. Supplied value:{value}",
        "Id",
        with_time=False,
    )


def invalid_enumeration(element: str, value: Any, allowed: list[str]) -> QboFault:
    """2170 (reference §12); detail wording is ours."""
    return _one(
        "2170",
        "Invalid Enumeration",
        f"Invalid Enumeration : {value}. Allowed values for {element}: {', '.join(allowed)}",
        element,
    )


def business(detail: str, element: str = "") -> QboFault:
    """6000 with the recorded envelope (attachable_upload_fault_6000.json)."""
    return _one("6000", BUSINESS_MESSAGE, f"Business Validation Error: {detail}", element)


def amount_not_qty_times_price(amount: Decimal, element: str) -> QboFault:
    """6070, as third parties report it from production (not in the reference table)."""
    return _one(
        "6070",
        "Amount is not equal to UnitPrice * Qty",
        f"Amount is not equal to UnitPrice * Qty. Supplied value:{amount}",
        element,
    )


def duplicate_doc_number(doc_number: str, txn_type: str, txn_id: str) -> QboFault:
    """6140 with the detail of reference §6 (the tail is third-party observed)."""
    return _one(
        "6140",
        "Duplicate Document Number Error",
        "Duplicate Document Number Error : You must specify a different number. This number "
        f"has already been used. DocNumber={doc_number} is assigned to TxnType={txn_type} "
        f"with TxnId={txn_id}",
        "DocNumber",
    )


def duplicate_name() -> QboFault:
    """6240 exactly as recorded (fault_400_duplicate_name_6240.json, no ``element``)."""
    return _one(
        "6240", "Duplicate Name Exists Error", "The name supplied already exists. : null", None
    )


def deposited_transaction() -> QboFault:
    """6540; detail from Intuit's error-code table as quoted by third parties."""
    return _one(
        "6540",
        "Deposited Transaction cannot be changed",
        "This transaction is part of a deposit. If you want to change or delete it, you must "
        "edit and remove it from the deposit it appears on.",
    )


def invalid_query(detail: str) -> QboFault:
    """4001 as recorded (fault_400_invalid_query.json, no ``element``)."""
    return _one("4001", "Invalid query", detail, None)


def unsupported_operation(detail: str) -> QboFault:
    """Code "500" on HTTP 400 as recorded (fault_400_unsupported_operation_500.json)."""
    return _one("500", "Unsupported Operation", detail, None)


def unknown_resource(relative: str, full: str) -> QboFault:
    return unsupported_operation(
        f"Operation Could not find resource for relative : {relative} of full path: {full} "
        "is not supported."
    )


def system_fault() -> QboFault:
    """10000 on HTTP 500 (reference §12): what the fault plan injects."""
    return _one(
        "10000",
        "An application error has occurred while processing your request",
        "System Failure Error: injected by the emulator's fault plan",
        status=500,
        fault_type=SYSTEM,
    )


def service_unavailable() -> QboFault:
    """HTTP 503 (reference §12 lists the status only; the body is ours)."""
    return _one(
        "503",
        "Service Unavailable",
        "The service is temporarily unavailable: injected by the emulator's fault plan",
        status=503,
        fault_type=SYSTEM,
    )


def wrong_realm() -> QboFault:
    """A token used on a company it was not issued for. 3100 is UNVERIFIED (reference §12)."""
    return _one(
        "3100",
        "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
        "The access token does not grant access to this company",
        None,
        status=403,
        fault_type=AUTHORIZATION,
    )


def auth_body(detail: str, epoch_ms: int) -> dict[str, Any]:
    """The lower-case 401 envelope of fault_401_authentication_3200.json."""
    return {
        "warnings": None,
        "intuitObject": None,
        "fault": {
            "error": [
                {
                    "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                    "detail": detail,
                    "code": "3200",
                    "element": None,
                }
            ],
            "type": "AUTHENTICATION",
        },
        "report": None,
        "queryResponse": None,
        "batchItemResponse": [],
        "attachableResponse": [],
        "syncErrorResponse": None,
        "requestId": None,
        "time": epoch_ms,
        "status": None,
        "cdcresponse": [],
    }


WWW_AUTHENTICATE = 'Bearer realm="Intuit", error="invalid_token"'


def throttle_xml(time_text: str) -> bytes:
    """The 429 body, XML even when JSON was asked (throttle_429_response.xml)."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<IntuitResponse time="{time_text}" xmlns="http://schema.intuit.com/finance/v3">\n'
        '  <Fault type="SERVICE">\n'
        '    <Error code="3001">\n'
        "      <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>\n"
        "      <Detail>The request limit was reached.  Try again later</Detail>\n"
        "    </Error>\n"
        "  </Fault>\n"
        "</IntuitResponse>\n"
    ).encode()


def string_length(element: str, maximum: int, supplied: int) -> QboFault:
    """2050, as third parties quote it from production for DocNumber, Name and memo fields."""
    return _one(
        "2050",
        "String length is either shorter or longer than supported by specification",
        "String length specified does not match the supported length. "
        f"Min:0 Max:{maximum:,} supported. Supplied length:{supplied:,}",
        element,
    )

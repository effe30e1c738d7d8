"""Faults as typed errors: every common code has a plain-words hint, bodies of any shape become
a fault, and nothing that looks like a token survives into a message."""

from __future__ import annotations

import pytest

from workbench.qbo.errors import (
    GENERIC_HINT,
    FaultError,
    QboFault,
    fault_from_http,
    fault_from_json,
    hint_for,
    scrub,
)

COMMON = ["6140", "6000", "6540", "5010", "610", "2010", "2020", "2050", "3200", "3001", "429",
          "10000"]  # fmt: skip
# A word each hint must contain: the thing the bookkeeper should do or look at.
ACTION = {
    "6140": "posted before",
    "6000": "fix",
    "6540": "deposit",
    "5010": "sync qbo",
    "610": "inactive",
    "2010": "report",
    "2020": "missing",
    "2050": "shorten",
    "3200": "connect qbo",
    "3001": "try again",
    "429": "try again",
    "10000": "try again later",
}


@pytest.mark.parametrize("code", COMMON)
def test_common_codes_have_their_own_hint(code: str) -> None:
    hint = hint_for(code)
    assert hint != GENERIC_HINT
    assert ACTION[code] in hint
    assert "{" not in hint and len(hint) < 240


def test_unknown_codes_get_the_generic_hint() -> None:
    assert hint_for("9999") == GENERIC_HINT


def test_fault_carries_every_part_and_says_it_in_one_line() -> None:
    body = {
        "Fault": {
            "Error": [
                {"Message": "Duplicate Document Number Error", "code": "6140",
                 "Detail": "Duplicate Document Number Error : You must specify a different "
                 "number. DocNumber=1043 is assigned to TxnType=SalesReceipt with TxnId=17",
                 "element": "DocNumber"},
                {"Message": "Second", "Detail": "d2", "code": "2020", "element": ""},
            ],
            "type": "ValidationFault",
        }
    }  # fmt: skip
    fault = fault_from_json(body, status=400, intuit_tid="1-abc")
    assert fault is not None
    assert (fault.code, fault.element, fault.status, fault.intuit_tid) == (
        "6140", "DocNumber", 400, "1-abc",
    )  # fmt: skip
    assert fault.codes == ["6140", "2020"]
    assert fault.errors[1].element is None  # "" means no element
    text = str(fault)
    assert "\n" not in text
    assert "DocNumber=1043" in text and "posted before" in text and "1-abc" in text
    assert "(+1 more)" in text
    assert fault.to_json()["Error"][0]["code"] == "6140"


def test_a_non_json_failure_still_becomes_a_fault() -> None:
    fault = fault_from_http(502, "text/html", b"<html><body>Bad gateway</body></html>", None)
    assert fault.status == 502 and fault.code == "10000"
    throttled = fault_from_http(429, "text/plain", b"slow down", "tid")
    assert throttled.code == "3001" and "try again" in throttled.hint


@pytest.mark.parametrize(
    "text",
    [
        "Token expired: AB01601390262kxzxOlnHYdhtEVRXISU7piPqQrCmmbDN35Yjd",
        "Token invalid: eyJ-abcdefghijklmnop",
        "Authorization: Bearer eyJ-abcdefghijklmnop",
        "refresh_token=RT1-abcdefghijklmnop&grant_type=refresh_token",
    ],
)
def test_scrub_removes_tokens(text: str) -> None:
    cleaned = scrub(text)
    assert "[redacted]" in cleaned
    assert "abcdefghijklmnop" not in cleaned and "kxzxOlnHYdht" not in cleaned


def test_scrub_keeps_ordinary_words() -> None:
    text = "x_refresh_token_expires_in is 8726400; token service answered"
    assert scrub(text) == text


def test_repr_is_short_and_secret_free() -> None:
    fault = QboFault([FaultError("3200", "AuthenticationFailed", "Token expired: AB01601390")])
    assert "AB01601390" not in repr(fault) and "AB01601390" not in str(fault)
    assert repr(fault).startswith("QboFault(code='3200'")

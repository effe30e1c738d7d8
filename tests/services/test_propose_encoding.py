"""Proposal building encodes each proposal once, with jsonmoney's fast path (held equal to its
pattern-based reference), and fingerprints it as earlier versions did (so stored proposals are
not all seen as changed)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.builders import context, line, order, sale
from workbench import jsonmoney
from workbench.domain.posting.orders import propose_order
from workbench.domain.proposal_model import Flag, FlagCode, Proposal
from workbench.services.proposal_rows import built_row

dumps, reference = jsonmoney.dumps, jsonmoney._dumps_by_pattern

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(), decimals,
    st.floats(allow_nan=False, allow_infinity=False),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(values, st.sampled_from([None, 2]))
def test_the_fast_encoder_writes_exactly_what_jsonmoney_writes(
    value: Any, indent: int | None
) -> None:
    assert dumps(value, indent=indent) == reference(value, indent=indent)


def test_texts_that_look_like_marked_amounts_are_written_as_texts() -> None:
    for value in (["\x00dec:12"], {"\x00dec:1\x00": Decimal("2.50")}, ["a\x00", Decimal("-0")]):
        assert dumps(value) == reference(value)


def _old_fingerprint(proposal: Proposal) -> str:
    """The fingerprint as stored by the previous version of propose.py."""
    payload = {
        "entity": proposal.entity_type,
        "body": proposal.body,
        "flags": [(f.code.value, f.message) for f in proposal.flags],
        "lines": [asdict(line) for line in proposal.lines],
    }
    return hashlib.sha256(jsonmoney.dumps(payload).encode()).hexdigest()[:32]


def test_the_output_fingerprint_is_unchanged_from_earlier_versions() -> None:
    o = order((line(1, "19.99", 3, tax="4.80"),), (sale(1, "shopify_payments", "64.77"),))
    proposal = propose_order(o, context())
    assert proposal is not None
    flagged = Proposal(**{**proposal.__dict__, "flags": (Flag(FlagCode.STALE, "é: changed"),)})
    for p in (proposal, flagged):
        row = built_row(p, ("label", None, None), "input")
        assert row.fingerprint == _old_fingerprint(p)
        assert row.body == jsonmoney.dumps(p.body)
        assert jsonmoney.loads(row.lines) == [asdict(line) for line in p.lines]
    # A flag added while writing (an approval withdrawn) changes the fingerprint the same way.
    late = built_row(proposal, ("label", None, None), "input").with_flag(flagged.flags[0])
    assert late.fingerprint == _old_fingerprint(flagged)

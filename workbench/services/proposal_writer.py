"""Writing built proposals against what is stored, without ever silently changing posted work.

What happens to a rebuilt proposal depends on what the bookkeeper already did: an approval of a
different body is withdrawn (the entry is flagged stale and goes back to review), a posted or
linked entry keeps its body and is flagged "changed after posting" so a person decides what to
do in QuickBooks, a rejected or skipped one keeps its decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from workbench.domain.proposal_model import Flag, FlagCode
from workbench.domain.proposals import ProposalState
from workbench.services.proposal_rows import BuiltRow
from workbench.store import proposal_repo
from workbench.store.proposal_repo import StoredProposal
from workbench.store.tables import ProposalRow

FROZEN = {ProposalState.POSTED, ProposalState.LINKED}


@dataclass
class ProposeReport:
    built: int = 0
    unchanged: int = 0
    changed_after_posting: int = 0
    approvals_withdrawn: int = 0
    by_entity: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Summary per payout: records posted by a payout summary instead of their own entry,
    # records waiting for their payout, and per-order proposals withdrawn in favour of one.
    covered_by_summary: int = 0
    awaiting_payout: int = 0
    withdrawn_for_summary: int = 0


def split_hash(source_hash: str) -> tuple[str, str]:
    """(input, output) of a stored ``source_hash``; older rows hold the output alone."""
    if "." in source_hash:
        given, _, output = source_hash.partition(".")
        return given, output
    return "", source_hash


class Writer:
    """Decides each proposal's fate against what is stored, and writes in chunks."""

    def __init__(self, session: Session, report: ProposeReport) -> None:
        self.session = session
        self.report = report
        self.pending: list[dict[str, Any]] = []
        self.hash_updates: list[tuple[str, str]] = []
        self.stored: dict[str, StoredProposal] = proposal_repo.stored_proposals(session)

    def unchanged(self, keys: Sequence[str], input_hash: str) -> bool:
        """True (and counted) when every key is stored and was built from exactly this input."""
        for key in keys:
            stored = self.stored.get(key)
            if stored is None or split_hash(stored.source_hash)[0] != input_hash:
                return False
        for key in keys:
            self.report.unchanged += 1
            self.report.by_entity[self.stored[key].entity_type] += 1
        return True

    def frozen(self, key: str) -> bool:
        stored = self.stored.get(key)
        return stored is not None and ProposalState(stored.state) in FROZEN

    def add(self, row: BuiltRow) -> None:
        previous = self.stored.get(row.key)
        self.report.by_entity[row.entity_type] += 1
        old_output = split_hash(previous.source_hash)[1] if previous is not None else ""
        remembered = f"{row.input_hash}.{old_output}"
        if previous is not None and old_output == row.fingerprint:
            self.report.unchanged += 1
            if previous.source_hash != remembered:
                self.hash_updates.append((row.key, remembered))
            return
        state = ProposalState(row.state)
        if previous is not None:
            old_state = ProposalState(previous.state)
            if old_state in FROZEN:
                self._flag_changed_after_posting(row.key)
                # The posted body stays; remember the input so the next run skips it.
                self.hash_updates.append((row.key, remembered))
                return
            if old_state is ProposalState.APPROVED:
                self.report.approvals_withdrawn += 1
                row = row.with_flag(Flag(FlagCode.STALE, "changed since approval"))
                state = ProposalState.NEEDS_ATTENTION
            elif old_state in {ProposalState.REJECTED, ProposalState.SKIPPED}:
                state = old_state
        self.report.built += 1
        self.pending.append(row.values(state, datetime.now(UTC)))

    def _flag_changed_after_posting(self, key: str) -> None:
        row = self.session.get(ProposalRow, key)
        if row is None:
            return
        message = "the Shopify record changed after this entry was posted"
        if not any(f.get("code") == FlagCode.CHANGED_AFTER_POSTING for f in row.flags):
            row.flags = [
                *row.flags,
                {"code": FlagCode.CHANGED_AFTER_POSTING.value, "message": message},
            ]
            self.session.add(row)
            self.report.changed_after_posting += 1

    def withdraw(self, keys: Iterable[str]) -> None:
        """Delete unposted proposals of records a payout summary now posts."""
        doomed = [k for k in keys if k in self.stored]
        proposal_repo.delete_proposals(self.session, doomed)
        for key in doomed:
            del self.stored[key]
        self.report.withdrawn_for_summary += len(doomed)

    def flush(self) -> None:
        self.session.flush()
        proposal_repo.upsert_proposals(self.session, self.pending)
        proposal_repo.set_source_hashes(self.session, self.hash_updates)
        self.pending = []
        self.hash_updates = []

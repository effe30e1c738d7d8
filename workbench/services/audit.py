"""The audit log: who did what to which record, when, and what it was before and after."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from workbench.store.tables import AuditRow


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditRow(
            at=datetime.now(UTC), actor=actor, action=action, subject=subject,
            before=before, after=after, detail=detail,
        )
    )  # fmt: skip

"""The store opens on both backends, migrates to exactly the declared schema, keeps money exact."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlmodel import SQLModel

from workbench.store.engine import StoreError, current_revision, head_revision, open_store
from workbench.store.tables import AuditRow, OrderRow


def test_migrations_produce_exactly_the_declared_tables(db_url: str) -> None:
    store = open_store(db_url)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
    finally:
        store.close()


def test_reopening_is_idempotent(db_url: str) -> None:
    open_store(db_url).close()
    store = open_store(db_url)
    assert current_revision(store.engine) == head_revision()
    store.close()


def _order(order_id: str, **overrides: object) -> OrderRow:
    now = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
    values: dict[str, object] = dict(
        id=order_id, legacy_id=order_id.rsplit("/", 1)[-1], name="#1001", number=1001,
        created_at=now, processed_at=now, updated_at=now, local_date=date(2026, 11, 2),
        currency="USD", total_price=Decimal("129.00"), raw={"id": order_id},
    )  # fmt: skip
    values.update(overrides)
    return OrderRow(**values)  # type: ignore[arg-type]


def test_money_round_trips_exactly_and_sums_in_sql(db_url: str) -> None:
    store = open_store(db_url)
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("1234567890.99"), Decimal("-5.005")]
    with store.session() as session:
        for i, amount in enumerate(amounts):
            session.add(_order(f"gid://shopify/Order/{i}", total_price=amount))
    with store.session() as session:
        got = [r.total_price for r in session.scalars(select(OrderRow))]
        assert sorted(got) == sorted(amounts)
        assert all(isinstance(a, Decimal) for a in got)
        raw_sum = session.execute(text("SELECT SUM(total_price) FROM shopify_order")).scalar_one()
        assert Decimal(raw_sum) / 10_000 == sum(amounts)
    store.close()


def test_money_refuses_float_and_excess_precision(db_url: str) -> None:
    store = open_store(db_url)
    for bad in (0.1, Decimal("0.00001")):
        with pytest.raises(Exception, match=r"Decimal|decimal places"), store.session() as s:
            s.add(_order("gid://shopify/Order/9", total_price=bad))
    store.close()


def test_instants_come_back_aware_utc(db_url: str) -> None:
    store = open_store(db_url)
    local = datetime(2026, 11, 2, 19, 30, tzinfo=timezone(timedelta(hours=-5)))
    with store.session() as session:
        session.add(_order("gid://shopify/Order/1", processed_at=local))
        session.add(AuditRow(at=local, actor="tester", action="test", subject="x"))
    with store.session() as session:
        row = session.get(OrderRow, "gid://shopify/Order/1")
        assert row is not None
        assert row.processed_at == local
        assert row.processed_at.tzinfo is not None
        assert row.processed_at.utcoffset() == timedelta(0)
    store.close()


def test_raw_json_is_kept_verbatim(db_url: str) -> None:
    store = open_store(db_url)
    raw = {"id": "gid://shopify/Order/7", "note": "Zoë O'Brien \\ 🎁", "nested": {"a": [1, "2"]}}
    with store.session() as session:
        session.add(_order("gid://shopify/Order/7", raw=raw))
    with store.session() as session:
        row = session.get(OrderRow, "gid://shopify/Order/7")
        assert row is not None and row.raw == raw
    store.close()


def test_unreachable_postgres_names_the_url_without_password() -> None:
    url = "postgresql://bob:hunter2@127.0.0.1:1/nowhere"
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert "127.0.0.1:1/nowhere" in message
    assert "hunter2" not in message


def test_garbage_url_is_explained() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("not a url at all")


def test_sqlite_uses_wal(tmp_path: object) -> None:
    store = open_store(f"sqlite:///{tmp_path}/wal.db")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    store.close()


def test_json_columns_keep_money_exact(db_url: str) -> None:
    store = open_store(db_url)
    body = {"Line": [{"Amount": Decimal("337.50")}, {"Amount": Decimal("-0.01")}], "n": 3}
    with store.session() as session:
        session.add(_order("gid://shopify/Order/8", raw=body))
    with store.session() as session:
        row = session.get(OrderRow, "gid://shopify/Order/8")
        assert row is not None
        amounts = [line["Amount"] for line in row.raw["Line"]]
        assert amounts == [Decimal("337.50"), Decimal("-0.01")]
        assert all(isinstance(a, Decimal) for a in amounts)
    store.close()


def test_the_head_constant_is_alembics_head() -> None:
    """Opening a current store skips Alembic by comparing with HEAD: a new migration must
    move HEAD too, or stores would never be upgraded to it."""
    from workbench.store.engine import HEAD

    assert head_revision() == HEAD


def test_a_store_at_head_opens_without_running_alembic(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(db_url).close()

    def no_alembic(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("alembic ran on a store already at head")

    import alembic.command

    monkeypatch.setattr(alembic.command, "upgrade", no_alembic)
    store = open_store(db_url)
    assert current_revision(store.engine) == head_revision()
    store.close()

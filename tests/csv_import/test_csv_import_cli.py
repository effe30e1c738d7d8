"""``workbench import orders|payments FILE``: exit codes, per-row errors, the summary, progress."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.csv_import.csv_files import (
    ORDERS_HEADER,
    PAYMENTS_HEADER,
    first_row,
    payment,
    row,
    write,
)
from tests.csv_import.realistic import write_realistic
from workbench.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_orders_then_again(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_realistic(tmp_path / "orders_export_1.csv")
    code, out, err = run(capsys, "import", "orders", str(path))
    assert code == 0 and err == ""
    assert out.startswith(
        "orders_export_1.csv: 7 rows read → 6 orders: 6 new, 0 updated, 0 unchanged; "
        "0 rows skipped in "
    )
    code, out, _ = run(capsys, "import", "orders", str(path))
    assert code == 0 and "0 new, 0 updated, 6 unchanged" in out
    code, out, _ = run(capsys, "status", "--json")
    assert code == 0 and '"orders": 6' in out and '"refunds": 2' in out


def test_skipped_rows_are_listed_and_counted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = [row(ORDERS_HEADER, first_row("#1", "1")),
            row(ORDERS_HEADER, first_row("#2", "2", Total="1.2.3"))]  # fmt: skip
    path = write(tmp_path / "orders.csv", ORDERS_HEADER, rows)
    code, out, err = run(capsys, "import", "orders", str(path))
    assert code == 0
    assert err.splitlines() == [
        "skipped: orders.csv:3: Total '1.2.3' is not an amount (expected e.g. 1234.50); "
        "order #2 skipped"
    ]
    assert "1 new" in out and "1 rows skipped (1 problems listed)" in out


def test_max_errors_caps_the_listing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = [row(PAYMENTS_HEADER, payment(Fee=f"x{i}")) for i in range(5)]
    rows.append(row(PAYMENTS_HEADER, payment()))
    path = write(tmp_path / "p.csv", PAYMENTS_HEADER, rows)
    code, out, err = run(capsys, "import", "payments", str(path), "--max-errors", "2")
    assert code == 0
    lines = err.splitlines()
    assert lines[:2] == [
        "skipped: p.csv:2: Fee 'x0' is not an amount (expected e.g. 1234.50)",
        "skipped: p.csv:3: Fee 'x1' is not an amount (expected e.g. 1234.50)",
    ]
    assert lines[2] == "… and 3 more skipped messages (--max-errors 0 prints every one)"
    assert "1 new" in out and "5 rows skipped" in out


def test_nothing_imported_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", PAYMENTS_HEADER, [row(PAYMENTS_HEADER, payment(Net="?"))])
    code, _, err = run(capsys, "import", "payments", str(path))
    assert code == 1
    assert err.splitlines()[-1] == "workbench: nothing imported from p.csv: every row was skipped"
    header_only = write(tmp_path / "h.csv", ORDERS_HEADER, [])
    code, _, err = run(capsys, "import", "orders", str(header_only))
    assert code == 1 and "nothing imported from h.csv: it has no data rows" in err


def test_the_wrong_file_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_realistic(tmp_path / "orders_export_1.csv")
    code, out, err = run(capsys, "import", "payments", str(path))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(
        "workbench: orders_export_1.csv is not the Shopify Payments transactions export"
    )
    assert "missing columns Transaction Date, Type, Order, Amount, Fee, Net" in err
    assert "use `workbench import orders`" in err and "Traceback" not in err


def test_a_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "import", "orders", "/nonexistent/orders.csv")
    assert code == 2 and "does not exist" in err


def test_progress_on_a_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    path = write_realistic(tmp_path / "orders_export_1.csv")
    code, out, err = run(capsys, "import", "orders", str(path))
    assert code == 0
    assert "\rImporting orders: 7 of 7" in err.replace("\x1b[2K", "")
    assert "6 new" in out

"""The command line: exit codes, one-line failures, masked output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_config_show_masks_secrets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_SHOPIFY_TOKEN", "shpat_topsecret")
    code, out, _ = run(capsys, "config", "show")
    assert code == 0
    assert "WORKBENCH_SHOPIFY_TOKEN" in out
    assert "topsecret" not in out


def test_config_show_json(capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    code, out, _ = run(capsys, "config", "show", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["settings"]["WORKBENCH_HOME"] == str(isolated_home)


def test_invalid_setting_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_SHOPIFY_SHOP_URL", "http://shop.example.com")
    code, _, err = run(capsys, "config", "show")
    assert code == 1
    assert err.count("\n") == 1
    assert "WORKBENCH_SHOPIFY_SHOP_URL" in err and "Traceback" not in err


def test_debug_adds_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_SHOPIFY_SHOP_URL", "http://shop.example.com")
    code, _, err = run(capsys, "--debug", "config", "show")
    assert code == 1
    assert "Traceback" in err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "status", "--no-such-flag")
    assert code == 2
    assert "no-such-flag" in err


def test_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "frobnicate")
    assert code == 2


def test_db_upgrade_then_status_json(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and "revision" in out
    assert (isolated_home / "workbench.db").exists()
    code, out, _ = run(capsys, "status", "--json")
    assert code == 0
    data = json.loads(out)
    for key in ("orders", "refunds", "payouts", "balance_transactions", "pending", "posted"):
        assert data[key] == 0


def test_unreachable_database_names_the_url(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_DB", "postgresql://bob:pw@127.0.0.1:1/books")
    code, _, err = run(capsys, "status")
    assert code == 1
    assert "127.0.0.1:1/books" in err and ":pw@" not in err


def test_sandbox_serve_refuses_non_loopback_host(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sandbox", "serve", "--host", "0.0.0.0")
    assert code == 2
    assert "loopback" in err

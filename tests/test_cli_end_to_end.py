"""The headless workflow over real HTTP: sync from the emulator served on loopback, propose,
inspect. What a bookkeeper scripting workbench would run."""

from __future__ import annotations

import json

import pytest

from workbench.cli import main
from workbench.sandbox.serve import Endpoints


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_propose_status_show(
    served: Endpoints, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_SHOPIFY_SHOP_URL", served.shopify_url)
    monkeypatch.setenv("WORKBENCH_SHOPIFY_TOKEN", served.shopify_token)
    code, out, err = run(capsys, "sync", "shopify")
    assert code == 0, err
    assert "80 orders" in out
    assert served.shopify_token not in out + err

    code, out, err = run(capsys, "propose")
    assert code == 0, err
    assert "built" in out

    code, out, _ = run(capsys, "status", "--json")
    status = json.loads(out)
    assert status["orders"] == 80 and status["payouts"] > 0
    assert status["needs_attention"] > 0  # nothing is mapped yet, and it says so

    code, out, _ = run(capsys, "show", "shopify:order:5612300000000:v1", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["entity_type"] in {"SalesReceipt", "Invoice"}
    assert shown["source"]["label"].startswith("Shopify order #")

    code, _, err = run(capsys, "show", "shopify:order:1:v1")
    assert code == 1 and "no proposal" in err

    # Running the whole sync again reads only the overlap window and changes nothing.
    code, out, err = run(capsys, "sync")
    assert code == 0, err
    assert "0 proposals built" in out


def test_bulk_sync_over_loopback(
    served: Endpoints, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_SHOPIFY_SHOP_URL", served.shopify_url)
    monkeypatch.setenv("WORKBENCH_SHOPIFY_TOKEN", served.shopify_token)
    code, out, err = run(capsys, "sync", "shopify", "--bulk")
    assert code == 0, err
    assert "80 orders" in out and "bulk export" in out
    code, out, _ = run(capsys, "status", "--json")
    assert json.loads(out)["orders"] == 80


def test_sync_without_a_shop_says_what_to_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sync", "shopify")
    assert code == 2
    assert "WORKBENCH_SHOPIFY_SHOP_URL" in err

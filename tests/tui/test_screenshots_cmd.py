"""`workbench screenshots`: one picture per tab from a small demo, with the clock pinned."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.cli.screenshot_cmds import NOW
from workbench.sandbox.dataset import QboCompany, ShopifyStore

TABS = {
    "review": "Review",
    "payouts": "Payouts",
    "skus": "Unmatched SKUs",
    "mappings": "Mappings",
    "history": "History",
}
SECRETS = (
    ShopifyStore.access_token,
    ShopifyStore.client_secret,
    QboCompany.client_secret,
    QboCompany.refresh_token,
)


def text_of(svg: Path) -> str:
    return html.unescape(svg.read_text(encoding="utf-8")).replace("\xa0", " ")


@pytest.mark.slow
def test_screenshots_of_every_tab(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    result = CliRunner().invoke(cli, ["screenshots", "--out", str(out), "--orders", "40"])
    assert result.exit_code == 0, result.output
    pictures = {name: text_of(out / f"{name}.svg") for name in TABS}
    for name, title in TABS.items():
        assert f"workbench — {title}" in pictures[name], name
        assert title in pictures[name]
    # Five different views, not one picture five times.
    assert len({text.split("</style>")[-1] for text in pictures.values()}) == len(TABS)
    # The first sync had finished: the list shows the demo's orders beside the proposal.
    review = pictures["review"]
    assert "Proposed QuickBooks entry" in review
    assert "#1040 Order" in review
    assert f"synced {NOW:%H:%M}" in review  # the pinned clock, not the time of the run
    assert "Keys" in text_of(out / "help.svg")
    settings = text_of(out / "settings.svg")
    assert "set; type to replace" in settings
    for svg in out.glob("*.svg"):
        shown = text_of(svg)
        for secret in SECRETS:
            assert isinstance(secret, str)
            assert secret not in shown, (svg.name, secret)
    if shutil.which("rsvg-convert"):
        for name in TABS:
            assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""`/` filters the review list, Escape clears it, `o` cycles the sort; `1`–`5` switch tabs;
the footer offers only the keys that apply; `?` lists every key."""

from __future__ import annotations

import html
import re

from textual.widgets import Static, TabbedContent

from tests.tui.tab_pilot import main_screen, press, settle
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.help import HelpScreen
from workbench.tui.widgets.activity_list import ActivityList
from workbench.tui.widgets.detail_panel import DetailPanel
from workbench.tui.widgets.filter_bar import FilterBar


def screen_lines(app: WorkbenchApp) -> list[str]:
    """The terminal's text, line by line, as the user sees it."""
    svg = app.export_screenshot()
    rows: dict[str, list[str]] = {}
    for y, text in re.findall(r'<text [^>]*y="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        rows.setdefault(y, []).append(html.unescape(text).replace("\xa0", " "))
    return ["".join(parts) for _y, parts in sorted(rows.items(), key=lambda i: float(i[0]))]


def labels(app: WorkbenchApp) -> list[str]:
    activity = app.screen.query_one(ActivityList)
    return [row.label for i in range(activity.row_count) if (row := activity.row_at(i))]


async def test_slash_filters_and_escape_clears(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"kind:order zo", "enter")
        assert labels(app) == ["#1001 Order"]
        assert "1 of 4 to review in view" in app.sub_title
        # The filter stays on show while it applies.
        assert app.screen.query_one(FilterBar).display
        assert app.screen.query_one(ActivityList).has_focus
        await press(pilot, "escape")
        assert len(labels(app)) == 4
        assert "4 to review" in app.sub_title and "in view" not in app.sub_title
        assert not app.screen.query_one(FilterBar).display


async def test_filter_by_state_flag_and_date(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"state:needs_attention flag:tieout", "enter")
        assert labels(app) == ["#1002 Refund"]
        await press(pilot, "slash", "ctrl+u", *"date:2026-11-02..2026-11-04", "enter")
        assert labels(app) == ["Payout 77", "#1002 Refund", "#1002 Order"]


async def test_a_mistyped_filter_is_explained_and_not_applied(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"state:aproved", "enter")
        note = app.screen.query_one("#filter-note", Static)
        assert "not a state" in str(note.render())
        assert len(labels(app)) == 4
        assert not main_screen(app).view.active


async def test_an_empty_result_says_what_to_do(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"gateway:paypal", "enter")
        assert labels(app) == []
        panel = app.screen.query_one(DetailPanel)
        assert panel.detail is None and "Esc clears" in str(panel.render())


async def test_o_cycles_the_sort(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert labels(app)[0] == "Payout 77"
        await press(pilot, "o")
        assert labels(app) == ["#1001 Order", "#1002 Order", "#1002 Refund", "Payout 77"]
        await pilot.press("o")
        await settle(pilot)  # largest amount first: the payout (204.92), the refund last
        assert labels(app)[0] == "Payout 77" and labels(app)[-1] == "#1002 Refund"
        await press(pilot, "o")
        assert labels(app)[0] == "#1002 Refund"
        assert "smallest amount first" in str(app.screen.query_one("#list-title").render())


async def test_digits_switch_tabs(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        tabs = app.screen.query_one(TabbedContent)
        for key, tab in [("2", "payouts"), ("4", "mappings"), ("5", "history"), ("1", "review")]:
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == tab
        assert app.screen.query_one(ActivityList).has_focus
        await pilot.press("3")
        await pilot.pause()
        assert tabs.active == "skus"


async def test_footer_offers_review_keys_only_where_they_apply(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        # On the payout: approve yes, map no (only orders have product lines), clear no.
        assert screen.check_action("decide", ("approve",))
        assert not screen.check_action("decide", ("unapprove",))  # nothing to undo yet
        assert not screen.check_action("map_line", ())
        assert not screen.check_action("clear", ())
        assert not screen.check_action("sync", ())  # no shop configured
        await press(pilot, "G")
        assert screen.check_action("map_line", ())
        await pilot.press("2")
        await pilot.pause()
        for action in ("decide", "toggle_select", "approve_clean", "map_line", "filter", "sort"):
            assert not screen.check_action(action, ()), action


async def test_help_lists_every_key(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = screen_lines(app)
        for key in ("j / k, ↓ / ↑", "space", "a", "A", "x", "u", "m", "c", "s", "/", "o",
                    "1 – 5", "?", "ctrl+p", "f2", "q"):  # fmt: skip
            # The box's left border; whatever the list shows left of it is not help text.
            assert any(line.partition("│")[2].startswith(f"{key} ") for line in lines), key
        text = " ".join(lines)
        for meaning in ("approve every clean row", "map a product line", "commit", "filter",
                        "sort", "command palette", "quit"):  # fmt: skip
            assert meaning in text, meaning

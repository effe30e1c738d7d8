"""The command palette (`ctrl+p`) on the main screen: jump to an order by name, switch tab,
sync, filter, sort, approve clean, commit. Only commands that can run now are offered."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from workbench.services.review_filter import ReviewFilter, SortOrder

if TYPE_CHECKING:
    from workbench.tui.screens.main import MainScreen

JUMP_SCORE = 1.0
# Filters offered by name: (command, states it shows).
FILTERS = (
    ("Show needs attention", ("needs_attention",)),
    ("Show pending", ("pending",)),
    ("Show approved", ("approved",)),
    ("Show rejected", ("rejected",)),
    ("Show failed", ("failed",)),
    ("Show posted", ("posted",)),
)


@dataclass(frozen=True)
class Command:
    text: str
    help: str
    run: Callable[[], Any]


def _screen(provider: Provider) -> MainScreen | None:
    from workbench.tui.screens.main import MainScreen

    screen = provider.screen
    return screen if isinstance(screen, MainScreen) else None


def commands(screen: MainScreen) -> list[Command]:
    """What the palette offers on ``screen`` right now."""
    from workbench.tui.screens.main import TAB_NAMES, TABS

    found = [
        Command(f"Go to {TAB_NAMES[tab]}", f"switch to tab {n} ({n})",
                partial(screen.action_show_tab, tab))
        for n, tab in enumerate(TABS, start=1)
        if tab != screen.active_tab
    ]  # fmt: skip
    if screen.workspace.can_sync and not screen.syncing:
        found.append(Command("Sync now", "Shopify, QuickBooks, then proposals (s)",
                             screen.action_sync))  # fmt: skip
    if screen.workspace.can_post and not screen.syncing:
        found.append(
            Command("Commit approved entries", "post them to QuickBooks (c)", screen.action_commit)
        )
    found.append(
        Command("Approve every clean entry in view", "asks first, with count and total (A)",
                partial(screen.on_review, screen.action_approve_clean))
    )  # fmt: skip
    for text, states in FILTERS:
        view = ReviewFilter(states=states)
        found.append(Command(text, f"filter: {view.describe()}",
                             partial(screen.show_filter, view)))  # fmt: skip
    found.append(Command("Show refunds", "filter: kind:refund",
                         partial(screen.show_filter, ReviewFilter(kinds=("refund",)))))  # fmt: skip
    if screen.view.active:
        found.append(Command("Clear the filter", "show everything to review (Esc)",
                             partial(screen.show_filter, ReviewFilter())))  # fmt: skip
    found.append(Command("Filter…", "type a filter: state:, flag:, gateway:, date:, words (/)",
                         partial(screen.on_review, screen.action_filter)))  # fmt: skip
    for order in SortOrder:
        if order is not screen.workspace.queue.sort:
            found.append(Command(f"Sort {order.label}", "the review list (o cycles)",
                                 partial(screen.sort_by, order)))  # fmt: skip
    return found


class ReviewCommands(Provider):
    async def discover(self) -> Hits:
        screen = _screen(self)
        if screen is None:
            return
        for command in commands(screen):
            yield DiscoveryHit(command.text, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        screen = _screen(self)
        if screen is None:
            return
        wanted = query.strip()
        if any(ch.isdigit() for ch in wanted):
            text = wanted.removeprefix("order").strip()
            found = await asyncio.to_thread(screen.workspace.find_orders, text)
            for order_id, name in found:
                yield Hit(
                    JUMP_SCORE, f"Jump to order {name}",
                    partial(screen.jump_to, "order", order_id),
                    text=f"Jump to order {name}", help="show it in the review list",
                )  # fmt: skip
        matcher = self.matcher(wanted)
        for command in commands(screen):
            score = matcher.match(command.text)
            if score > 0:
                yield Hit(score, matcher.highlight(command.text), command.run,
                          text=command.text, help=command.help)  # fmt: skip

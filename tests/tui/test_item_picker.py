"""The item picker: type to narrow, arrows to move, Enter to choose, Esc to cancel."""

from __future__ import annotations

from textual.app import App

from workbench.services.item_search import ChoiceIndex, ItemChoice
from workbench.tui.widgets.item_picker import ItemPicker

ITEMS = [
    ItemChoice("1", "Hoodie:Hoodie Black M", "HD-BLK-M", "NonInventory"),
    ItemChoice("2", "Hoodie:Hoodie Black L", "HD-BLK-L", "NonInventory"),
    ItemChoice("3", "Ceramic Mug 12oz", "MUG-12OZ", "Inventory"),
    ItemChoice("4", "Gift Wrap", None, "Service"),
]


class PickerApp(App[None]):
    def __init__(self, picker: ItemPicker) -> None:
        super().__init__()
        self.picker = picker
        self.chosen: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.picker, self.chosen.append)


async def test_typing_narrows_and_enter_returns_the_highlighted_id() -> None:
    app = PickerApp(ItemPicker(ChoiceIndex(ITEMS), "Map a product"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"mug")
        await app.picker.workers.wait_for_complete()
        await pilot.pause()
        assert app.picker.choices[0].id == "3"
        await pilot.press("enter")
        await pilot.pause()
    assert app.chosen == ["3"]


async def test_arrow_moves_and_a_typed_sku_wins_outright() -> None:
    app = PickerApp(ItemPicker(ChoiceIndex(ITEMS), "Map a product"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"hdblkl")
        await app.picker.workers.wait_for_complete()
        await pilot.pause()
        assert app.picker.choices[0].id == "2"
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.chosen and app.chosen[0] != "2"


async def test_escape_returns_none_and_suggestions_show_before_typing() -> None:
    suggestions = [ItemChoice("4", "Gift Wrap", None, "name 81", 81.0)]
    app = PickerApp(ItemPicker(ChoiceIndex(ITEMS), "Map", suggestions=suggestions))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert [c.id for c in app.picker.choices] == ["4"]
        await pilot.press("escape")
        await pilot.pause()
    assert app.chosen == [None]

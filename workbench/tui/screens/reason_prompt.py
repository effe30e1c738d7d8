"""Ask why, before a decision that the audit log must explain (posting a possible duplicate).

``ReasonPrompt(title, body)`` dismisses with the reason typed (never blank) or None on Escape.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class ReasonPrompt(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ReasonPrompt {
        align: center middle;
    }
    ReasonPrompt #reason-box {
        width: 72;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 1 2;
    }
    ReasonPrompt #reason-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ReasonPrompt #reason-hint {
        color: $text-muted;
        margin-top: 1;
    }
    ReasonPrompt.-missing #reason-hint {
        color: $error;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]

    def __init__(self, title: str, body: str, *, placeholder: str = "Reason") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="reason-box"):
            yield Static(self.title_text, id="reason-title")
            yield Static(self.body, id="reason-body")
            yield Input(placeholder=self.placeholder, id="reason-input")
            yield Static("Enter records it · Esc cancels", id="reason-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#reason-input")
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.set_class(True, "-missing")
            self.query_one("#reason-hint", Static).update(
                "A reason is required: it is kept in the audit log · Esc cancels"
            )
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)

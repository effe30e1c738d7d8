"""Connect / settings: the first thing a new user fills in, and where settings are changed later.

Secrets are typed into password inputs that always start empty: the screen is told only whether
a secret is set, so it can never show one back (not in a screenshot either). Saving validates
with the same rules as ``load_settings`` and puts each message under its field. Connecting
QuickBooks saves first, then runs the consent flow in a worker and shows the address to open.

The screen dismisses with True once the settings were saved, so its opener can rebuild what
depends on them; the running app keeps its current connections until then.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Select, Static

from workbench.errors import WorkbenchError
from workbench.services.settings_edit import (
    CUSTOMER_CHOICES,
    SECRET_FIELDS,
    WORKFLOW_CHOICES,
    QboConnection,
    SettingsEditor,
    SettingsForm,
    SettingsInvalid,
    ShopifyAuth,
)
from workbench.tui.failures import ReportsWorkerFailures

# (field, label, placeholder) for the plain inputs, by section.
SHOPIFY_FIELDS = (("shopify_shop_url", "Shop URL", "https://mystore.myshopify.com"),)
TOKEN_FIELDS = (("shopify_token", "Admin API token", "shpat_…"),)
CLIENT_FIELDS = (
    ("shopify_client_id", "Client ID", "from the app's Dev Dashboard settings"),
    ("shopify_client_secret", "Client secret", ""),
)
QBO_FIELDS = (
    ("qbo_client_id", "Client ID", "Intuit developer portal, Keys & credentials"),
    ("qbo_client_secret", "Client secret", ""),
)
WORKFLOW_FIELDS = (
    ("doc_number_template", "DocNumber template", "{name} or {number}, e.g. S-{number}"),
    ("sync_start_date", "Start date", "YYYY-MM-DD: ignore Shopify activity before"),
    ("auto_sync_minutes", "Auto-sync (minutes)", "0 turns automatic sync off"),
    ("user", "Reviewer name", "written in the audit log"),
)
SELECTS = {"workflow": WORKFLOW_CHOICES, "customer_mode": CUSTOMER_CHOICES}
SECRET_SET = "•••••• set; type to replace"


class FormLoaded(Message):
    def __init__(self, form: SettingsForm) -> None:
        super().__init__()
        self.form = form


class SettingsSaved(Message):
    def __init__(self, path: str, then_connect: bool) -> None:
        super().__init__()
        self.path = path
        self.then_connect = then_connect


class SettingsRefused(Message):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__()
        self.errors = errors


class ConnectionShown(Message):
    def __init__(self, connection: QboConnection, *, finished_flow: bool = False) -> None:
        super().__init__()
        self.connection = connection
        self.finished_flow = finished_flow


class ConnectLine(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class SettingsScreen(ModalScreen[bool], ReportsWorkerFailures):
    """Edit the settings file; ``editor`` defaults to one over the real environment."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="settings.save"),
        Binding("escape", "close", "Close", id="settings.close"),
    ]

    def __init__(self, editor: SettingsEditor | None = None, *, first_run: bool = False) -> None:
        super().__init__()
        self.editor = editor or SettingsEditor()
        self.first_run = first_run
        self.form: SettingsForm | None = None
        self.connecting = False
        self.saved = False

    # Layout ---------------------------------------------------------------------------------

    def _field(self, name: str, label: str, placeholder: str) -> ComposeResult:
        with Horizontal(classes="settings-row", id=f"row-{name}"):
            yield Label(label, classes="settings-label")
            with Vertical(classes="settings-value"):
                yield Input(
                    placeholder=placeholder, password=name in SECRET_FIELDS, compact=True,
                    id=f"set-{name}", disabled=True,
                )  # fmt: skip
                yield Static("", classes="settings-note", id=f"note-{name}", markup=False)
                yield Static("", classes="settings-error", id=f"err-{name}", markup=False)

    def _select(self, name: str, label: str) -> ComposeResult:
        with Horizontal(classes="settings-row", id=f"row-{name}"):
            yield Label(label, classes="settings-label")
            with Vertical(classes="settings-value"):
                yield Select(
                    SELECTS[name], allow_blank=False, compact=True, id=f"set-{name}",
                    disabled=True,
                )  # fmt: skip
                yield Static("", classes="settings-note", id=f"note-{name}", markup=False)
                yield Static("", classes="settings-error", id=f"err-{name}", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(id="settings-box"):
            title = "Welcome: connect your shop and books" if self.first_run else "Settings"
            yield Static(title, id="settings-title")
            yield Static(
                "ctrl+s saves · Esc closes · secrets are never shown back, only whether one is set",
                classes="dim",
            )
            yield Static("", id="settings-file", classes="dim", markup=False)
            yield Static("", id="settings-problem", classes="settings-error", markup=False)
            with VerticalScroll(id="settings-body"):
                yield Static("Shopify", classes="settings-section")
                for spec in SHOPIFY_FIELDS:
                    yield from self._field(*spec)
                with Horizontal(classes="settings-row"):
                    yield Label("Credentials", classes="settings-label")
                    with RadioSet(id="shopify-auth", compact=True):
                        yield RadioButton("Admin API token", id="auth-token", value=True)
                        yield RadioButton("Client ID + secret", id="auth-client")
                for spec in TOKEN_FIELDS + CLIENT_FIELDS:
                    yield from self._field(*spec)
                yield Static("QuickBooks Online", classes="settings-section")
                for spec in QBO_FIELDS:
                    yield from self._field(*spec)
                with Horizontal(classes="settings-row"):
                    yield Label("Connection", classes="settings-label")
                    with Vertical(classes="settings-value"):
                        yield Static("checking…", id="qbo-status", markup=False)
                        with Horizontal(id="qbo-buttons"):
                            yield Button("Connect QuickBooks", id="qbo-connect", compact=True)
                            yield Button("Test connection", id="qbo-check", compact=True)
                        yield Static("", id="qbo-log", markup=False)
                yield Static("Workflow", classes="settings-section")
                yield from self._select("workflow", "Posting")
                yield from self._select("customer_mode", "Customer")
                for spec in WORKFLOW_FIELDS:
                    yield from self._field(*spec)
                yield Static(
                    "Payment methods per gateway are mappings (Mappings tab, method:<gateway>).",
                    classes="dim",
                )
            with Horizontal(id="settings-buttons"):
                yield Button("Save", id="settings-save", variant="primary", compact=True)
                yield Button("Close", id="settings-close", compact=True)

    def _say(self, selector: str, text: str) -> None:
        """Show a note or error line, taking no room when there is nothing to say."""
        line = self.query_one(selector, Static)
        line.update(text)
        line.display = bool(text)

    def on_mount(self) -> None:
        for line in self.query(".settings-note, .settings-error, #qbo-log"):
            line.display = False
        self.load_form()
        self.load_connection()

    # Reading --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings-read")
    def load_form(self) -> None:
        self.post_message(FormLoaded(self.editor.read()))

    @on(FormLoaded)
    def _form_loaded(self, message: FormLoaded) -> None:
        form = self.form = message.form
        self.query_one("#settings-file", Static).update(
            f"Saved to {form.config_file}" + ("" if form.exists else " (not created yet)")
        )
        self._say("#settings-problem", form.problem or "")
        for name, value in form.values.items():
            widget = self.query(f"#set-{name}")
            if not widget:
                continue
            target = widget.first()
            if isinstance(target, Select):
                if value in {v for _label, v in SELECTS[name]}:
                    target.value = value
            elif isinstance(target, Input):
                target.value = value
        for name in SECRET_FIELDS:
            secret = self.query_one(f"#set-{name}", Input)
            secret.value = ""
            if name in form.secrets_set:
                secret.placeholder = SECRET_SET
        for target in self.query(".settings-value Input, .settings-value Select"):
            name = (target.id or "").removeprefix("set-")
            source = form.from_env.get(name)
            target.disabled = source is not None
            note = f"set by {source} (the environment wins over this file)" if source else ""
            self._say(f"#note-{name}", note)
        self.query_one(
            "#auth-client" if form.shopify_auth == "client" else "#auth-token", RadioButton
        ).value = True
        self._show_auth(form.shopify_auth)
        self.query_one("#set-shopify_shop_url", Input).focus()

    def _show_auth(self, auth: ShopifyAuth) -> None:
        for name, _label, _hint in TOKEN_FIELDS:
            self.query_one(f"#row-{name}").display = auth == "token"
        for name, _label, _hint in CLIENT_FIELDS:
            self.query_one(f"#row-{name}").display = auth == "client"

    @property
    def shopify_auth(self) -> ShopifyAuth:
        return "client" if self.query_one("#auth-client", RadioButton).value else "token"

    @on(RadioSet.Changed, "#shopify-auth")
    def _auth_changed(self) -> None:
        self._show_auth(self.shopify_auth)

    # Saving ---------------------------------------------------------------------------------

    def _collect(self) -> tuple[dict[str, str], dict[str, str]]:
        values: dict[str, str] = {}
        secrets: dict[str, str] = {}
        for target in self.query(".settings-value Input, .settings-value Select"):
            name = (target.id or "").removeprefix("set-")
            if target.disabled:
                continue
            if isinstance(target, Select):
                values[name] = "" if target.value is Select.NULL else str(target.value)
            elif isinstance(target, Input):
                (secrets if name in SECRET_FIELDS else values)[name] = target.value
        return values, secrets

    def action_save(self, then_connect: bool = False) -> None:
        if self.form is None:
            return
        for error in self.query(".settings-value .settings-error"):
            self._say(f"#{error.id}", "")
        values, secrets = self._collect()
        self.save_form(values, secrets, self.shopify_auth, then_connect)

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings-save")
    def save_form(
        self,
        values: dict[str, str],
        secrets: dict[str, str],
        auth: ShopifyAuth,
        then_connect: bool,
    ) -> None:
        try:
            path = self.editor.save(values, secrets, shopify_auth=auth)
        except SettingsInvalid as exc:
            self.post_message(SettingsRefused(exc.errors))
            return
        self.post_message(SettingsSaved(str(path), then_connect))

    @on(SettingsRefused)
    def _refused(self, message: SettingsRefused) -> None:
        first = None
        for name, text in message.errors.items():
            if self.query(f"#err-{name}"):
                self._say(f"#err-{name}", text)
                first = first or name
            else:
                self._say("#settings-problem", f"{name}: {text}")
        if first is not None:
            self.query_one(f"#set-{first}").focus()
        count = len(message.errors)
        self.notify(
            f"{count} setting{'s' if count != 1 else ''} need{'s' if count == 1 else ''} "
            "attention; see the messages under the fields.",
            title="Not saved",
            severity="error",
        )

    @on(SettingsSaved)
    def _saved(self, message: SettingsSaved) -> None:
        self.saved = True
        self._say("#settings-problem", "")
        self.notify(f"Saved to {message.path}", title="Settings saved", markup=False)
        self.load_form()
        if message.then_connect:
            self.run_connect()

    # QuickBooks ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings-qbo")
    def load_connection(self) -> None:
        self.post_message(ConnectionShown(self.editor.connection()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings-qbo")
    def check_connection(self) -> None:
        self.post_message(ConnectionShown(self.editor.check()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings-connect")
    def run_connect(self) -> None:
        self.app.call_from_thread(self._connect_started)

        def echo(line: str) -> None:
            self.post_message(ConnectLine(line))

        try:
            result = self.editor.connect(echo)
        except WorkbenchError as exc:
            result = QboConnection(False, f"not connected: {exc}")
        self.post_message(ConnectionShown(result, finished_flow=True))

    def _connect_started(self) -> None:
        self.connecting = True
        self.query_one("#qbo-connect", Button).disabled = True
        self._say("#qbo-log", "")

    @on(ConnectLine)
    def _connect_line(self, message: ConnectLine) -> None:
        shown = str(self.query_one("#qbo-log", Static).content)
        self._say("#qbo-log", (shown + "\n" if shown else "") + message.text.strip())

    @on(ConnectionShown)
    def _connection_shown(self, message: ConnectionShown) -> None:
        status = self.query_one("#qbo-status", Static)
        status.update(message.connection.text)
        status.set_class(message.connection.connected, "-connected")
        if message.connection.lines:
            self._say("#qbo-log", "\n".join(message.connection.lines))
        if message.finished_flow:
            self.connecting = False
            self.query_one("#qbo-connect", Button).disabled = False
            if message.connection.connected:
                self._say("#qbo-log", "")
                self.notify(message.connection.text, title="QuickBooks connected", markup=False)

    @on(Button.Pressed, "#qbo-connect")
    def _connect_pressed(self) -> None:
        if not self.connecting:
            self.action_save(then_connect=True)

    @on(Button.Pressed, "#qbo-check")
    def _check_pressed(self) -> None:
        self.query_one("#qbo-status", Static).update("checking…")
        self.check_connection()

    @on(Button.Pressed, "#settings-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#settings-close")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(self.saved)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return self.form is not None
        return True

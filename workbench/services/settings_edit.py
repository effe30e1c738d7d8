"""Editing the settings file from the app: read what is set, validate a form, write it back.

The settings screen is how a bookkeeper configures the workbench the first time, so it must
never make things worse: a form is validated by the very rules ``load_settings`` applies before
anything is written, the file is replaced atomically (a crash leaves the old file, never half
of the new one), and secrets never travel back to the screen: the form only learns whether a
secret is set. The project keeps the Shopify credentials and the QuickBooks app secret in the
TOML file or the environment (only the QuickBooks refresh token lives in the keyring or token
file), so the file is written readable by its owner only (0600).

Values that come from ``WORKBENCH_*`` variables beat the file; they are reported as such and
never copied into it (the environment may hold secrets that were never meant for disk).
"""

from __future__ import annotations

import json
import os
import sys
import time
import tomllib
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from workbench.config import (
    ENV_PREFIX,
    ConfigError,
    Settings,
    config_file_path,
    load_settings,
)
from workbench.domain.posting.context import CustomerMode, Workflow
from workbench.domain.posting.docnumber import TemplateError, render
from workbench.errors import WorkbenchError
from workbench.private_file import write_private
from workbench.qbo.errors import QboError
from workbench.qbo.tokens import stored_connection

if TYPE_CHECKING:
    # The consent flow and its HTTP client load when the screen connects, not at start-up
    # (the app asks needs_setup before its first screen).
    import httpx

SECRET_FIELDS = frozenset({"shopify_token", "shopify_client_secret", "qbo_client_secret"})
TEXT_FIELDS = (
    "shopify_shop_url",
    "shopify_client_id",
    "qbo_client_id",
    "workflow",
    "customer_mode",
    "doc_number_template",
    "sync_start_date",
    "auto_sync_minutes",
    "user",
)
EDITABLE = frozenset(TEXT_FIELDS) | SECRET_FIELDS
SHOPIFY_TOKEN_FIELDS = ("shopify_token",)
SHOPIFY_CLIENT_FIELDS = ("shopify_client_id", "shopify_client_secret")

ShopifyAuth = Literal["token", "client"]

_LABELS = {
    Workflow.SALES_RECEIPTS.value: "Sales receipts (paid at once)",
    Workflow.INVOICES_AND_PAYMENTS.value: "Invoices and payments",
    "summary_per_payout": "One summary entry per payout",
    CustomerMode.GENERIC.value: "One generic customer",
    CustomerMode.PER_ORDER.value: "A customer per buyer",
}


def _choices(values: list[str]) -> tuple[tuple[str, str], ...]:
    """(label, value) for every member, so a new enum value shows up without a code change."""
    return tuple((_LABELS.get(v, v.replace("_", " ").capitalize()), v) for v in values)


WORKFLOW_CHOICES = _choices([w.value for w in Workflow])
CUSTOMER_CHOICES = _choices([c.value for c in CustomerMode])


class SettingsInvalid(WorkbenchError):
    """The form breaks a rule; ``errors`` maps each field to what is wrong with it."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {text}" for name, text in errors.items()))
        self.errors = dict(errors)


def env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


@dataclass(frozen=True)
class SettingsForm:
    """What the screen may show: plain values, and for secrets only whether one is set."""

    config_file: Path
    values: dict[str, str]
    secrets_set: frozenset[str]
    from_env: dict[str, str]
    shopify_auth: ShopifyAuth
    problem: str | None = None

    @property
    def exists(self) -> bool:
        return self.config_file.is_file()


@dataclass(frozen=True)
class QboConnection:
    connected: bool
    text: str
    lines: tuple[str, ...] = field(default_factory=tuple)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value.value if hasattr(value, "value") else value)


def _read_raw(path: Path) -> tuple[dict[str, Any], str | None]:
    if not path.is_file():
        return {}, None
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle), None
    except tomllib.TOMLDecodeError as exc:
        return {}, f"{path} is not valid TOML ({exc}); saving replaces it"
    except OSError as exc:
        return {}, f"cannot read {path} ({exc.strerror})"


class _FileOnlySettings(Settings):
    """The settings rules applied to the file's values alone, without the environment."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    # JSON string escapes (\" \\ \n \t \uXXXX) are valid TOML basic-string escapes.
    return json.dumps(str(value), ensure_ascii=False)


def render_toml(data: Mapping[str, Any]) -> str:
    """Top-level scalars only (all the settings are), in the order the settings declare them."""
    order = list(Settings.model_fields)
    names = sorted(data, key=lambda n: (order.index(n) if n in order else len(order), n))
    lines = [
        "# workbench settings. Written by the settings screen; WORKBENCH_* variables override.",
        "# Holds credentials: keep it readable by you only (the workbench writes it as 0600).",
    ]
    lines += [f"{name} = {_toml_value(data[name])}" for name in names]
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # never write what we could not read back
    return text


def _parse(name: str, text: str) -> Any:
    """Form text to the file's type; raises ValueError with a message for the field."""
    if name == "sync_start_date":
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
    if name == "auto_sync_minutes":
        if not text.isdigit():
            raise ValueError(f"expected a whole number of minutes (0 = off), got {text!r}")
        return int(text)
    if name == "doc_number_template":
        try:
            render(text, name="#1001", number=1001)
        except TemplateError as exc:
            raise ValueError(str(exc)) from None
    return text


def _gui_browser(url: str) -> bool:
    """Open a graphical browser only: a text browser would take over the app's terminal."""
    graphical = sys.platform in {"darwin", "win32"} or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if not graphical:
        return False
    try:
        return bool(webbrowser.open(url))
    except webbrowser.Error:
        return False


class SettingsEditor:
    """The settings screen's service: no widget state, safe to call from a worker thread.

    ``transport``, ``open_browser`` and ``wall_clock`` reach the QuickBooks consent flow, so
    tests can run it against the emulator.
    """

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        open_browser: Callable[[str], bool] | None = _gui_browser,
        consent_timeout: float | None = None,
        wall_clock: Callable[[], float] | None = None,
    ) -> None:
        self._transport = transport
        self._open_browser = open_browser
        self._timeout = consent_timeout
        self._wall_clock = wall_clock

    @property
    def env(self) -> Mapping[str, str]:
        # The same environment load_settings reads, so the form and the app agree.
        return os.environ

    @property
    def config_file(self) -> Path:
        return config_file_path(self.env)

    def needs_setup(self) -> bool:
        """First start: no settings file and no shop named by the environment."""
        return not self.config_file.is_file() and not self.env.get(env_name("shopify_shop_url"))

    def read(self) -> SettingsForm:
        path = self.config_file
        raw, problem = _read_raw(path)
        from_env = {n: env_name(n) for n in EDITABLE if self.env.get(env_name(n))}
        values: dict[str, str] = {}
        secrets_set: set[str] = set()
        defaults = Settings.model_fields
        for name in EDITABLE:
            if name in SECRET_FIELDS:
                if raw.get(name) or name in from_env:
                    secrets_set.add(name)
                continue
            if name in from_env:
                values[name] = self.env[env_name(name)]
            elif name in raw:
                values[name] = _as_text(raw[name])
            else:
                default = defaults[name].get_default(call_default_factory=True)
                values[name] = _as_text(default)
        has_client = bool(values.get("shopify_client_id")) or "shopify_client_secret" in (
            secrets_set
        )
        auth: ShopifyAuth = "client" if has_client and "shopify_token" not in secrets_set else (
            "token"
        )  # fmt: skip
        if problem is None:
            try:
                load_settings()
            except ConfigError as exc:
                problem = str(exc)
        return SettingsForm(path, values, frozenset(secrets_set), from_env, auth, problem)

    def save(
        self,
        values: Mapping[str, str],
        secrets: Mapping[str, str],
        *,
        shopify_auth: ShopifyAuth,
    ) -> Path:
        """Validate the form and write the file; raises SettingsInvalid naming each field.

        ``secrets`` holds only what was typed: an empty or absent secret keeps the stored one.
        The Shopify credentials of the other kind than ``shopify_auth`` are removed.
        """
        path = self.config_file
        raw, _problem = _read_raw(path)
        data = {k: v for k, v in raw.items() if k in Settings.model_fields}
        errors: dict[str, str] = {}
        env_set = {n for n in EDITABLE if self.env.get(env_name(n))}
        for name in TEXT_FIELDS:
            if name in env_set or name not in values:
                continue
            text = values[name].strip()
            if not text:
                data.pop(name, None)
                continue
            try:
                data[name] = _parse(name, text)
            except ValueError as exc:
                errors[name] = str(exc)
        for name in SECRET_FIELDS - env_set:
            typed = secrets.get(name, "").strip()
            if typed:
                data[name] = typed
        dropped = SHOPIFY_CLIENT_FIELDS if shopify_auth == "token" else SHOPIFY_TOKEN_FIELDS
        for name in dropped:
            if name not in env_set:
                data.pop(name, None)
        errors.update(self._rule_errors(data, shopify_auth, env_set))
        try:
            _FileOnlySettings(**data)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else "?"
                errors.setdefault(name, str(error["msg"]).removeprefix("Value error, "))
        if errors:
            raise SettingsInvalid(errors)
        try:
            write_private(path, render_toml(data))
        except OSError as exc:
            raise WorkbenchError(f"cannot write {path}: {exc.strerror}") from None
        return path

    @staticmethod
    def _rule_errors(
        data: Mapping[str, Any], auth: ShopifyAuth, env_set: set[str]
    ) -> dict[str, str]:
        def present(name: str) -> bool:
            return bool(data.get(name)) or name in env_set

        errors: dict[str, str] = {}
        credentials = SHOPIFY_TOKEN_FIELDS if auth == "token" else SHOPIFY_CLIENT_FIELDS
        if any(present(n) for n in credentials) and not present("shopify_shop_url"):
            errors["shopify_shop_url"] = (
                "enter the shop URL the credentials belong to (https://mystore.myshopify.com)"
            )
        if present("shopify_shop_url"):
            if auth == "token" and not present("shopify_token"):
                errors["shopify_token"] = "enter the Admin API access token (shpat_…)"
            for name, what in (("shopify_client_id", "client ID"),
                               ("shopify_client_secret", "client secret")):  # fmt: skip
                if auth == "client" and not present(name):
                    errors[name] = f"enter the app's {what} (Dev Dashboard, Settings)"
        if present("qbo_client_secret") and not present("qbo_client_id"):
            errors["qbo_client_id"] = "enter the client ID that goes with the client secret"
        return errors

    # QuickBooks ----------------------------------------------------------------------------

    def connection(self) -> QboConnection:
        """The stored connection, read locally (no call to QuickBooks)."""
        try:
            settings = load_settings()
            tokens = stored_connection(settings)
        except (ConfigError, QboError) as exc:
            return QboConnection(False, f"not connected: {exc}")
        if tokens is None:
            return QboConnection(False, "not connected")
        return QboConnection(True, f"connected to company (realm) {tokens.realm_id}")

    def check(self) -> QboConnection:
        """One CompanyInfo call: does the stored connection work, and to which company?"""
        from workbench.qbo import connect as qbo_connect

        try:
            settings = load_settings()
            state = qbo_connect.status(
                settings, transport=self._transport, wall_clock=self._wall_clock or time.time
            )
        except (ConfigError, QboError) as exc:
            return QboConnection(False, f"not connected: {exc}")
        lines = tuple(state.describe())
        if state.works:
            return QboConnection(True, f"connected to {state.company} ({state.realm_id})", lines)
        return QboConnection(False, lines[0] if lines else "not connected", lines)

    def connect(self, echo: Callable[[str], None]) -> QboConnection:
        """The consent flow (blocks until the browser answers or the time runs out).

        ``echo`` receives the lines to show, including the address to open.
        """
        from workbench.qbo import connect as qbo_connect

        settings = load_settings()
        tokens = qbo_connect.connect(
            settings,
            transport=self._transport,
            open_browser=self._open_browser,
            echo=echo,
            timeout=qbo_connect.CONSENT_TIMEOUT if self._timeout is None else self._timeout,
            wall_clock=self._wall_clock or time.time,
        )
        return QboConnection(True, f"connected to company (realm) {tokens.realm_id}")

"""Settings: a TOML file in the user's config folder, overridden by ``WORKBENCH_*`` variables.

Environment variables win over the file so that CI, teams and the demo can point the same
installation elsewhere without editing anyone's config. Every validation error names the variable
(and the file key) that was wrong and what is expected, because the person reading it is a
bookkeeper at a terminal, not the author of this module.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from workbench.domain.posting.context import CustomerMode, Workflow
from workbench.errors import WorkbenchError

APP_NAME = "workbench"
ENV_PREFIX = "WORKBENCH_"
DEFAULT_SHOPIFY_API_VERSION = "2026-10"
QBO_PRODUCTION_API_URL = "https://quickbooks.api.intuit.com"
QBO_SANDBOX_API_URL = "https://sandbox-quickbooks.api.intuit.com"
QBO_TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
QBO_AUTHORIZE_URL = "https://appcenter.intuit.com/connect/oauth2"
CONFIG_FILE_NAME = "config.toml"
MASK = "•••••• (set)"


class ConfigError(WorkbenchError):
    """A setting is missing or invalid; the message says which and what to do."""


def is_loopback_host(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: the only hosts plain HTTP may reach."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(value: str, *, what: str) -> str:
    """Refuse anything but https, except plain http to a loopback address (the emulators)."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"expected an http(s) URL for {what}, got {value!r}")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"plain http:// is refused for {what} because {parts.hostname} is not a loopback "
            "address; use https:// (http is allowed only for 127.0.0.1/localhost emulators)"
        )
    return value.rstrip("/")


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises OSError or KeyError on odd systems; any name will do
        return "unknown"


class Settings(BaseSettings):
    """The effective configuration. Field ``x`` is ``WORKBENCH_X`` in the environment."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    home: Path | None = Field(
        default=None, description="One folder for config and data (tests, teams, demos)."
    )
    db: str | None = Field(default=None, repr=False, description="SQLAlchemy URL of the store.")
    user: str = Field(default_factory=default_user, description="Reviewer name in the audit log.")

    shopify_shop_url: str | None = None
    shopify_token: SecretStr | None = None
    shopify_client_id: str | None = None
    shopify_client_secret: SecretStr | None = None
    shopify_api_version: str = DEFAULT_SHOPIFY_API_VERSION

    qbo_api_url: str = QBO_PRODUCTION_API_URL
    qbo_realm_id: str | None = None
    qbo_client_id: str | None = None
    qbo_client_secret: SecretStr | None = None
    qbo_refresh_token: SecretStr | None = None
    qbo_token_url: str = QBO_TOKEN_URL
    qbo_authorize_url: str = QBO_AUTHORIZE_URL

    sync_start_date: date | None = Field(
        default=None, description="Shopify activity before this shop-local date is ignored."
    )
    auto_sync_minutes: int = Field(default=60, ge=0, description="0 turns automatic sync off.")

    # How sales are posted (the choices Intuit's own connector offers).
    workflow: Workflow = Field(
        default=Workflow.SALES_RECEIPTS,
        description="sales_receipts | invoices_and_payments | summary_per_payout (one journal "
        "entry per Shopify Payments payout instead of an entry per order, for large stores).",
    )
    customer_mode: CustomerMode = CustomerMode.GENERIC
    doc_number_template: str = Field(
        default="{name}", description="{name} is the order name without #, {number} its number."
    )

    @field_validator("shopify_shop_url")
    @classmethod
    def _shop_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return check_url(value, what="the Shopify shop URL (e.g. https://mystore.myshopify.com)")

    @field_validator("qbo_api_url", "qbo_token_url", "qbo_authorize_url")
    @classmethod
    def _qbo_urls(cls, value: str) -> str:
        return check_url(value, what="a QuickBooks Online endpoint")

    @field_validator("shopify_api_version")
    @classmethod
    def _api_version(cls, value: str) -> str:
        if value == "unstable":
            return value
        year, _, month = value.partition("-")
        if not (year.isdigit() and len(year) == 4 and month in {"01", "04", "07", "10"}):
            raise ValueError(
                f"expected a Shopify API version like 2026-10 (YYYY-01/04/07/10), got {value!r}"
            )
        return value

    @field_validator("user")
    @classmethod
    def _user(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("the reviewer name may not be empty")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file's values arrive as init kwargs; the environment must beat them.
        return env_settings, init_settings

    # Folders -------------------------------------------------------------------------------

    @property
    def config_dir(self) -> Path:
        return self.home if self.home else Path(platformdirs.user_config_dir(APP_NAME))

    @property
    def data_dir(self) -> Path:
        return self.home if self.home else Path(platformdirs.user_data_dir(APP_NAME))

    @property
    def config_file(self) -> Path:
        return self.config_dir / CONFIG_FILE_NAME

    @property
    def database_url(self) -> str:
        if self.db:
            return self.db
        return f"sqlite:///{self.data_dir / 'workbench.db'}"

    @property
    def shopify_configured(self) -> bool:
        has_credentials = self.shopify_token is not None or (
            self.shopify_client_id is not None and self.shopify_client_secret is not None
        )
        return self.shopify_shop_url is not None and has_credentials

    @property
    def qbo_configured(self) -> bool:
        return self.qbo_realm_id is not None and self.qbo_client_id is not None

    def masked(self) -> dict[str, str]:
        """Every setting as text for display, secrets replaced by a mask, never their value."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                text = MASK
            elif value is None:
                text = "(not set)"
            else:
                text = str(value)
            shown[ENV_PREFIX + name.upper()] = text
        shown[ENV_PREFIX + "DB"] = mask_url_password(self.database_url)
        return shown


def mask_url_password(url: str) -> str:
    """Hide a password embedded in a database URL, keeping the rest readable."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def config_file_path(env: Mapping[str, str]) -> Path:
    """Where the settings file is, for this environment (``WORKBENCH_HOME`` or the user's
    config folder): what ``load_settings`` reads and the settings screen writes."""
    raw = env.get(ENV_PREFIX + "HOME")
    folder = Path(raw).expanduser() if raw else Path(platformdirs.user_config_dir(APP_NAME))
    return folder / CONFIG_FILE_NAME


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file or remove it") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})") from exc
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; "
            f"known settings are {', '.join(sorted(Settings.model_fields))}"
        )
    return data


def _describe(errors: ValidationError, config_file: Path) -> str:
    lines = []
    for error in errors.errors():
        name = str(error["loc"][0]) if error["loc"] else "?"
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"{ENV_PREFIX}{name.upper()} (or '{name}' in {config_file}): {message}")
    return "invalid setting: " + "; ".join(lines)


def load_settings() -> Settings:
    """Read the TOML file, then the environment; raise ConfigError with a readable message."""
    config_file = config_file_path(os.environ)
    try:
        return Settings(**_read_toml(config_file))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, config_file)) from None

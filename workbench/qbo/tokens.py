"""Where the QBO connection's secrets live: the OS keyring if there is one, else a 0600 file.

A refresh token is the whole connection: lose the latest one and the bookkeeper must consent
again, so every save replaces the stored value atomically (one keyring entry, or a temp file in
the same folder that is fsynced and then renamed over the old one). A crash mid-write leaves
the previous complete value, never half of each. Nothing here ever prints a token: reprs and
errors show only whether one is present.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from workbench.private_file import write_private
from workbench.qbo.errors import QboConfigError, QboError

if TYPE_CHECKING:
    from workbench.config import Settings

FILE_NAME = "qbo-tokens.json"
KEYRING_SERVICE = "workbench-qbo"
FORMAT_VERSION = 1


class TokenStoreError(QboError):
    """The stored connection could not be read or written."""


def fingerprint(secret: str) -> str:
    """A one-way tag of a seed token: tells a new WORKBENCH_QBO_REFRESH_TOKEN from the old."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class TokenSet:
    """One company's connection. Times are wall-clock seconds (they must survive restarts)."""

    realm_id: str
    api_url: str
    refresh_token: str = field(repr=False)
    refresh_expires_at: float | None = None
    access_token: str | None = field(default=None, repr=False)
    access_expires_at: float | None = None
    refresh_hard_expires_at: float | None = None
    seed_fingerprint: str | None = None

    def access_valid(self, now: float, margin: float) -> bool:
        return (
            self.access_token is not None
            and self.access_expires_at is not None
            and now < self.access_expires_at - margin
        )

    def rotated(
        self,
        *,
        refresh_token: str,
        refresh_expires_in: float | None,
        access_token: str,
        access_expires_in: float,
        hard_expires_in: float | None,
        now: float,
    ) -> TokenSet:
        return replace(
            self,
            refresh_token=refresh_token,
            refresh_expires_at=now + refresh_expires_in if refresh_expires_in else None,
            access_token=access_token,
            access_expires_at=now + access_expires_in,
            refresh_hard_expires_at=(
                now + hard_expires_in if hard_expires_in else self.refresh_hard_expires_at
            ),
        )

    def to_json(self) -> str:
        return json.dumps({"version": FORMAT_VERSION, **asdict(self)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> TokenSet:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise ValueError("unknown token format")
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        if not values.get("realm_id") or not values.get("refresh_token"):
            raise ValueError("realm_id or refresh_token missing")
        return cls(**values)


class TokenStore(Protocol):
    """Load, save and forget one connection."""

    @property
    def where(self) -> str: ...

    def load(self) -> TokenSet | None: ...

    def save(self, tokens: TokenSet) -> None: ...

    def clear(self) -> None: ...


class FileTokenStore:
    """A JSON file readable by its owner only, replaced atomically on every save."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def where(self) -> str:
        return f"the file {self.path}"

    def load(self) -> TokenSet | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenStoreError(f"cannot read {self.path}: {exc.strerror}") from None
        try:
            return TokenSet.from_json(text)
        except (ValueError, TypeError) as exc:
            raise TokenStoreError(
                f"{self.path} is damaged ({exc}); delete it and run `workbench connect qbo`"
            ) from None

    def save(self, tokens: TokenSet) -> None:
        try:
            write_private(self.path, tokens.to_json())
        except OSError as exc:
            raise TokenStoreError(
                f"cannot save the QuickBooks connection to {self.path}: {exc.strerror}"
            ) from None

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class KeyringTokenStore:
    """One keyring entry holding the whole TokenSet, so a save is a single atomic set."""

    def __init__(self, account: str) -> None:
        self.account = account

    @property
    def where(self) -> str:
        import keyring

        return f"the {type(keyring.get_keyring()).__name__} keyring"

    def load(self) -> TokenSet | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            text = keyring.get_password(KEYRING_SERVICE, self.account)
        except KeyringError as exc:
            raise TokenStoreError(f"cannot read the OS keyring: {exc}") from None
        if text is None:
            return None
        try:
            return TokenSet.from_json(text)
        except (ValueError, TypeError) as exc:
            raise TokenStoreError(
                f"the keyring entry {KEYRING_SERVICE}/{self.account} is damaged ({exc}); "
                "run `workbench connect qbo` again"
            ) from None

    def save(self, tokens: TokenSet) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, self.account, tokens.to_json())
        except KeyringError as exc:
            raise TokenStoreError(f"cannot save to the OS keyring: {exc}") from None

    def clear(self) -> None:
        import keyring
        from keyring.errors import KeyringError

        with contextlib.suppress(KeyringError):
            keyring.delete_password(KEYRING_SERVICE, self.account)


def keyring_available() -> bool:
    """True when a real keyring backend is configured (not the ``fail`` or ``null`` ones)."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:  # pragma: no cover - keyring is a dependency
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


def open_token_store(data_dir: Path) -> TokenStore:
    """The keyring when there is one, else ``<data dir>/qbo-tokens.json``.

    The keyring account is named after the data folder so that several workbench homes (a
    firm's clients, tests, demos) never share one connection by accident.
    """
    if keyring_available():
        return KeyringTokenStore(f"connection:{data_dir.resolve()}")
    return FileTokenStore(data_dir / FILE_NAME)


def seed(
    store: TokenStore,
    *,
    refresh_token: str | None,
    realm_id: str | None,
    api_url: str,
) -> TokenSet | None:
    """The stored connection, first (re)seeded from WORKBENCH_QBO_REFRESH_TOKEN if needed.

    A seed is written when nothing is stored, or when the variable holds a token other than
    the one seeded last time (someone re-consented elsewhere). Otherwise the stored token wins:
    it is the rotated successor of the seed, and the seed itself is dead.
    """
    stored = store.load()
    if not refresh_token:
        return stored
    mark = fingerprint(refresh_token)
    if stored is not None and stored.seed_fingerprint == mark:
        return stored
    if stored is not None and stored.refresh_token == refresh_token:
        return stored
    realm = realm_id or (stored.realm_id if stored else None)
    if not realm:
        raise QboConfigError(
            "WORKBENCH_QBO_REFRESH_TOKEN is set but not the company it belongs to: set "
            "WORKBENCH_QBO_REALM_ID too"
        )
    seeded = TokenSet(
        realm_id=realm, api_url=api_url, refresh_token=refresh_token, seed_fingerprint=mark
    )
    store.save(seeded)
    return seeded


def stored_connection(settings: Settings, store: TokenStore | None = None) -> TokenSet | None:
    """The stored connection, (re)seeded from WORKBENCH_QBO_REFRESH_TOKEN when that is new.

    Here rather than in ``connect`` because the app asks it at start-up, before it needs the
    HTTP client or the OAuth flow."""
    store = store or open_token_store(settings.data_dir)
    secret = settings.qbo_refresh_token
    return seed(
        store,
        refresh_token=secret.get_secret_value() if secret else None,
        realm_id=settings.qbo_realm_id,
        api_url=settings.qbo_api_url,
    )

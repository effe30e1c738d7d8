"""Opening the store: engine set-up per backend, migrations on start, readable failures."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from workbench import jsonmoney
from workbench.config import mask_url_password
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration. Opening a store that is already there needs no Alembic at all (its
# import alone costs the app's first screen ~0.15 s); a test keeps this equal to Alembic's head.
HEAD = "0005"


class StoreError(WorkbenchError):
    """The database could not be opened or migrated; the message names the URL (masked)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the app read while a sync or commit writes; busy_timeout turns brief lock
    # contention into a wait instead of an error.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"WORKBENCH_DB is not a database URL: {mask_url_password(url)!r} "
            "(expected e.g. sqlite:///path/workbench.db or postgresql://user@host:5432/db)"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False},
            json_serializer=jsonmoney.dumps,
            json_deserializer=jsonmoney.loads,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(
            parsed,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 10},
            json_serializer=jsonmoney.dumps,
            json_deserializer=jsonmoney.loads,
        )
    raise StoreError(
        f"unsupported database {parsed.get_backend_name()!r} in {mask_url_password(url)}: "
        "use sqlite:/// or postgresql://"
    )


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


# Alembic keeps its running context in module globals: two upgrades at once in one process
# (two stores opened by two threads) would trample each other.
_UPGRADING = threading.Lock()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration; a no-op when it already is."""
    if _at_head(engine):
        return
    from alembic import command

    config = _alembic_config()
    with _UPGRADING, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return False  # a new database: no version table yet
    return [row[0] for row in found] == [HEAD]


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


class Store:
    """The opened database. Sessions are short: one unit of work each."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Connect and migrate, or raise StoreError saying which URL failed and why."""
    engine = make_engine(url)
    shown = mask_url_password(url)
    try:
        with engine.connect():
            pass
        if migrate:
            upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"cannot open the database {shown}: {reason}") from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot prepare the database {shown}: {exc}") from None
    return Store(engine, url)

"""``workbench approve / commit / history / undo / audit / status`` on the command line, against
the QBO emulator on loopback."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.commit.books import Books, make_books
from tests.commit.loopback import Served, serve_qbo
from tests.commit.test_commit_loopback import committer_env
from workbench.cli import main
from workbench.domain.proposals import ProposalState


@pytest.fixture
def cli_books(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Books, Served]]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    books = make_books(url, orders=40, seed=17)
    served = serve_qbo(books.sandbox.qbo)
    for name, value in committer_env(books, served, url).items():
        if name.startswith("WORKBENCH_"):
            monkeypatch.setenv(name, value)
    yield books, served
    served.stop()
    books.close()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_prints_json_and_posts_nothing(
    cli_books: tuple[Books, Served], capsys: pytest.CaptureFixture[str]
) -> None:
    books, _ = cli_books
    before = books.sandbox.qbo.applied_count(books.realm)
    code, out, _ = run(capsys, "commit", "--dry-run", "--batch-size", "10")
    assert code == 0
    calls = json.loads(out)
    assert sum(len(c["BatchItemRequest"]) for c in calls) >= len(books.approved)
    assert all(len(c["BatchItemRequest"]) <= 10 for c in calls)
    assert books.sandbox.qbo.applied_count(books.realm) == before
    assert books.states()[ProposalState.APPROVED] == len(books.approved)


def test_commit_without_yes_off_a_terminal_is_refused_with_the_way_out(
    cli_books: tuple[Books, Served], capsys: pytest.CaptureFixture[str]
) -> None:
    books, _ = cli_books
    code, _, err = run(capsys, "commit")
    assert code == 1
    assert f"Post {len(books.approved)} entries" in err and "--yes" in err
    assert books.posted_keys().total() == 0


def test_commit_history_undo_and_audit(
    cli_books: tuple[Books, Served], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    books, _ = cli_books
    code, out, err = run(capsys, "commit", "--yes")
    assert code == 0, err
    assert f"{len(books.approved)} posted, 0 failed" in out

    code, out, _ = run(capsys, "status", "--json")
    status = json.loads(out)
    assert (status["posted"], status["approved"]) == (len(books.approved), 0)

    code, out, _ = run(capsys, "history", "--json")
    (batch,) = json.loads(out)
    assert (batch["state"], batch["posted"], batch["reviewer"]) == (
        "finished", len(books.approved), "night-shift",
    )  # fmt: skip
    code, out, _ = run(capsys, "history", batch["id"], "--json")
    entries = json.loads(out)
    assert {e["state"] for e in entries} == {"posted"}
    assert {e["proposal_key"] for e in entries} == set(books.approved)

    code, out, err = run(capsys, "undo", batch["id"], "--yes")
    assert code == 0, err
    assert "refused" in out and sum(books.approved_posted().values()) == 0

    target = tmp_path / "audit.csv"
    code, out, _ = run(capsys, "audit", "--csv", str(target))
    assert code == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8", newline="")))
    actions = {(r["action"], r["actor"]) for r in rows}
    assert {("approve", "tester"), ("post", "night-shift"), ("undo", "night-shift")} <= actions
    code, out, _ = run(capsys, "audit", "--json")
    assert len(json.loads(out)) == len(rows)


def test_unknown_batch_and_bad_batch_size_are_clear(
    cli_books: tuple[Books, Served], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "history", "nope")
    assert code == 1 and "workbench history" in err
    code, _, err = run(capsys, "commit", "--yes", "--batch-size", "31")
    assert code == 2 and "31" in err

"""The throw-away PostgreSQL server helper reports clearly when it cannot start."""

from __future__ import annotations

from pathlib import Path

import pytest

from competency_testing import postgres as pg


def test_missing_binaries_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg, "find_bindir", lambda: None)
    with pytest.raises(pg.PostgresUnavailable, match=r"ensure-postgres\.sh"), pg.postgres_server():
        pass  # pragma: no cover


def test_broken_binaries_are_reported(tmp_path: Path) -> None:
    for name in ("initdb", "pg_ctl"):
        tool = tmp_path / name
        tool.write_text("#!/bin/sh\necho 'broken on purpose' >&2\nexit 3\n")
        tool.chmod(0o755)
    with (
        pytest.raises(pg.PostgresUnavailable, match="initdb failed"),
        pg.postgres_server(bindir=tmp_path),
    ):
        pass  # pragma: no cover


def test_find_bindir_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("initdb", "pg_ctl"):
        (tmp_path / name).write_text("")
    monkeypatch.setenv(pg.BINDIR_ENV, str(tmp_path))
    assert pg.find_bindir() == tmp_path

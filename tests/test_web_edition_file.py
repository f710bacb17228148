"""An edition's text is written once into the data folder, and two threads (or two
processes of ``serve --workers``) that need it at the same moment must both find it: each
writes through a temporary file of its own."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

pytest.importorskip("django")


def test_many_threads_write_the_same_edition_at_once() -> None:
    from django.conf import settings

    from parindex.web import models as m
    from parindex.web import store

    text = "id: race\n" * 2000
    failed: list[BaseException] = []
    for round_ in range(20):
        edition = m.Edition(code="race", sha256=f"{round_:064d}", text=text)
        path = Path(settings.DATA) / "editions" / f"race-{edition.sha256[:16]}.yaml"
        start = threading.Barrier(8)

        def write(edition: m.Edition = edition, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                store.edition_file(edition)
            except BaseException as exc:  # every failure is the finding
                failed.append(exc)

        threads = [threading.Thread(target=write) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert path.read_text(encoding="utf-8") == text
    assert failed == []
    leftovers = [p.name for p in (Path(settings.DATA) / "editions").iterdir()
                 if p.name.startswith((".race", "race")) and not p.name.endswith(".yaml")]
    assert leftovers == []

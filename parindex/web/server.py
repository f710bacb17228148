"""Starting the workspace: the demo (the sample district's years as cycles, with demo
accounts) and waitress, the production WSGI server (pure Python: the same on a Windows
office PC and a Linux server)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from parindex.samples.sample import sample_bundles
from parindex.web import models as m
from parindex.web import store
from parindex.web.accounts import add_user

DEMO_PASSWORD = "demo"


def load_demo(step: Callable[[str], None] | None = None) -> list[m.Cycle]:
    """The sample district's years as cycles: the last one open for self-assessment (its
    deadline a month ahead), the earlier ones published; accounts ``noivu`` (admin),
    ``thamdinh`` (appraiser of every group) and one per unit (its code in lower case), all
    with the password ``demo``."""
    cycles = []
    bundles = sample_bundles()
    for i, path in enumerate(bundles):
        last = i == len(bundles) - 1
        checked, edition = store.read_checked(path)
        cycle = store.import_bundle(checked.bundle, edition, f"{checked.bundle.year}",
                                    "self_assessment" if last else "published", "demo")
        if step is not None:
            step(f"{cycle.name}: {cycle.members.count()}")
        if last:
            day = timezone.localdate() + dt.timedelta(days=30)
            m.Deadline.objects.update_or_create(cycle=cycle, round="self_assessment",
                                                defaults={"day": day})
        cycles.append(cycle)
    add_user("noivu", "admin", DEMO_PASSWORD, by="demo", check_password=False)
    add_user("thamdinh", "appraiser", DEMO_PASSWORD, by="demo", check_password=False)
    for unit in m.Unit.objects.order_by("code"):
        add_user(unit.code.lower(), "unit", DEMO_PASSWORD, unit=unit.code, by="demo",
                 check_password=False)
    return cycles


def serve(host: str, port: int, threads: int = 8) -> None:
    """Serve the workspace with waitress until interrupted."""
    from waitress import serve as waitress_serve

    from parindex.web.wsgi import application

    waitress_serve(application, host=host, port=port, threads=threads, ident="parindex")


def data_folder(data: Path) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    return data.resolve()

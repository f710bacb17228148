"""Starting the workspace: the demo (the sample district's years as cycles, with demo
accounts) and waitress, the production WSGI server (pure Python: the same on a Windows
office PC and a Linux server)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
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


def proxy_options() -> dict[str, object]:
    """Waitress's trust of the reverse proxy behind HTTPS (``PARINDEX_HTTPS=1``): the
    ``X-Forwarded-Proto`` and ``X-Forwarded-For`` headers are believed from the proxy's
    address only (``PARINDEX_PROXY``, default 127.0.0.1: nginx on the same server), which
    makes the request HTTPS and its address the person's, for the secure cookies and the
    sign-in throttling. Waitress drops these headers from anyone else, so they cannot be
    forged; without this trust it drops them from the proxy too, and every request behind
    nginx would look like plain HTTP and be redirected to HTTPS again, without end."""
    from django.conf import settings

    if not settings.HTTPS:
        return {}
    return {"trusted_proxy": os.environ.get("PARINDEX_PROXY") or "127.0.0.1",
            "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"}}


def serve(host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    """Serve the workspace with waitress until interrupted: one process, or (``workers``
    above one, where processes can be forked: Linux) that many processes accepting on one
    listening socket, so a site with many people at once uses every core. The processes
    share nothing but the database and the data folder; each reads the cycle's data version
    on every request, so a change made through one is seen by all."""
    from waitress import serve as waitress_serve

    from parindex.web.wsgi import application

    options = proxy_options()
    if workers <= 1 or not hasattr(os, "fork"):
        waitress_serve(application, host=host, port=port, threads=threads, ident="parindex",
                       **options)
        return
    from django.db import connections

    listening = socket.create_server((host, port), backlog=2048)
    connections.close_all()  # each process opens its own
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover (a child process)
            try:
                waitress_serve(application, sockets=[listening], threads=threads,
                               ident="parindex", **options)
            finally:
                os._exit(0)
        children.append(pid)

    def stop(*_: object) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        stop()


def data_folder(data: Path) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    return data.resolve()

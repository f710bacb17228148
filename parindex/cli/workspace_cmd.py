"""`parindex serve` and `parindex workspace init | user | token | import | export`
(CONTRACT §5). The workspace itself lives in ``parindex.web`` (installed with the ``web``
extra), imported inside the commands so the rest of the command line never loads Django."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from parindex.cli import process
from parindex.cli.common import BundleArg, Lang, LangOpt, err_console, handles_errors
from parindex.cli.language import h
from parindex.cli.lean import LeanCommand, LeanGroup
from parindex.words import t

DataOpt = typer.Option(Path("parindex-data"), "--data", help=h("opt.ws_data"))
DbOpt = typer.Option(None, "--db", envvar="PARINDEX_DB", help=h("opt.ws_db"))


class Role(str, Enum):
    admin = "admin"
    appraiser = "appraiser"
    unit = "unit"
    viewer = "viewer"


def _start(data: Path, db: str | None, lang: str) -> None:
    """Django pointed at the data folder and its database created or updated."""
    try:
        import django  # noqa: F401
    except ImportError:
        err_console().print(t("web.cli.no_extra", lang))
        raise typer.Exit(1) from None
    from parindex.web import migrate, setup

    setup(data, db)
    migrate()


def _password(lang: str) -> tuple[str, bool]:
    """``PARINDEX_PASSWORD``, else asked (on a terminal), else generated (printed once)."""
    given = os.environ.get("PARINDEX_PASSWORD")
    if given:
        return given, False
    if sys.stdin.isatty():
        return typer.prompt(t("web.cli.password_prompt", lang), hide_input=True,
                            confirmation_prompt=True), False
    import secrets  # here, not at the top: --help stays quick

    return secrets.token_urlsafe(12), True


def _account_call(fn: Any, lang: str, *args: Any, **kwargs: Any) -> Any:
    from django.core.exceptions import ValidationError

    from parindex.web.accounts import AccountError

    try:
        return fn(*args, **kwargs)
    except AccountError as exc:
        err_console().print(exc.text(lang), markup=False)
    except ValidationError as exc:
        err_console().print("; ".join(exc.messages), markup=False)
    raise typer.Exit(1)


@handles_errors
def serve(demo: bool = typer.Option(False, "--demo", help=h("opt.ws_demo")),
          data: Path = DataOpt, db: str | None = DbOpt,
          host: str = typer.Option("127.0.0.1", "--host", help=h("opt.ws_host")),
          port: int = typer.Option(8000, "--port", help=h("opt.ws_port")),
          workers: int = typer.Option(1, "--workers", min=1, help=h("opt.ws_workers")),
          lang: Lang = LangOpt) -> None:
    """Serve the workspace (waitress; never in debug)."""
    lg = lang.value
    if demo:
        import tempfile

        data, db, host = Path(tempfile.mkdtemp(prefix="parindex-demo-")), None, "127.0.0.1"
    _start(data, db, lg)
    if demo:
        from parindex.web.server import DEMO_PASSWORD, load_demo

        load_demo()
        typer.echo(t("web.cli.demo_accounts", lg, password=DEMO_PASSWORD))
    from parindex.web.server import serve as run

    process.for_a_server()  # a server runs for days: Python's and the allocator's own
    typer.echo(t("web.cli.address", lg, url=f"http://{host}:{port}/", data=str(data)))
    try:
        run(host, port, workers=workers)
    finally:
        if demo:  # the demo's folder is thrown away with it
            import shutil

            shutil.rmtree(data, ignore_errors=True)


ws = typer.Typer(help=h("cmd.workspace"), no_args_is_help=True, rich_markup_mode=None,
                 cls=LeanGroup)
user_app = typer.Typer(help=h("cmd.ws_user"), no_args_is_help=True, rich_markup_mode=None,
                       cls=LeanGroup)
ws.add_typer(user_app, name="user")


@ws.command("init", cls=LeanCommand, help=h("cmd.ws_init"))
@handles_errors
def init(admin: str = typer.Option("admin", "--admin", help=h("opt.ws_admin")),
         data: Path = DataOpt, db: str | None = DbOpt, lang: Lang = LangOpt) -> None:
    lg = lang.value
    _start(data, db, lg)
    from django.contrib.auth import get_user_model

    from parindex.web.accounts import add_user

    if get_user_model().objects.filter(username=admin).exists():
        typer.echo(t("web.cli.ready", lg, data=str(data.resolve())))
        return
    password, generated = _password(lg)
    _account_call(add_user, lg, admin, "admin", password, check_password=not generated)
    typer.echo(t("web.cli.initialised", lg, data=str(data.resolve()), name=admin))
    if generated:
        typer.echo(t("web.cli.generated", lg, name=admin, password=password))


@user_app.command("add", cls=LeanCommand, help=h("cmd.ws_user_add"))
@handles_errors
def user_add(name: str = typer.Argument(..., help=h("arg.ws_name")),
             role: Role = typer.Option(..., "--role", help=h("opt.ws_role")),
             unit: str | None = typer.Option(None, "--unit", help=h("opt.ws_unit")),
             group: list[str] = typer.Option([], "--group", help=h("opt.ws_group")),
             data: Path = DataOpt, db: str | None = DbOpt, lang: Lang = LangOpt) -> None:
    lg = lang.value
    _start(data, db, lg)
    from parindex.web.accounts import add_user

    password, generated = _password(lg)
    _account_call(add_user, lg, name, role.value, password, unit=unit, groups=list(group),
                  check_password=not generated)
    typer.echo(t("web.cli.user_added", lg, name=name, role=role.value))
    if generated:
        typer.echo(t("web.cli.generated", lg, name=name, password=password))


@user_app.command("list", cls=LeanCommand, help=h("cmd.ws_user_list"))
@handles_errors
def user_list(data: Path = DataOpt, db: str | None = DbOpt, lang: Lang = LangOpt) -> None:
    _start(data, db, lang.value)
    from parindex.web.accounts import users

    for u in users():
        typer.echo("\t".join((u["name"], u["role"], u["unit"], u["groups"])).rstrip())


@user_app.command("password", cls=LeanCommand, help=h("cmd.ws_user_password"))
@handles_errors
def user_password(name: str = typer.Argument(..., help=h("arg.ws_name")),
                  data: Path = DataOpt, db: str | None = DbOpt,
                  lang: Lang = LangOpt) -> None:
    lg = lang.value
    _start(data, db, lg)
    from parindex.web.accounts import set_password

    password, generated = _password(lg)
    _account_call(set_password, lg, name, password)
    typer.echo(t("web.cli.password_set", lg, name=name))
    if generated:
        typer.echo(t("web.cli.generated", lg, name=name, password=password))


@ws.command("token", cls=LeanCommand, help=h("cmd.ws_token"))
@handles_errors
def token(name: str = typer.Argument(..., help=h("arg.ws_name")),
          revoke: bool = typer.Option(False, "--revoke", help=h("opt.ws_revoke")),
          data: Path = DataOpt, db: str | None = DbOpt, lang: Lang = LangOpt) -> None:
    lg = lang.value
    _start(data, db, lg)
    from parindex.web.accounts import new_token, revoke_tokens

    if revoke:
        count = _account_call(revoke_tokens, lg, name)
        typer.echo(t("web.cli.revoked", lg, name=name, count=count))
        return
    typer.echo(_account_call(new_token, lg, name))


@ws.command("import", cls=LeanCommand, help=h("cmd.ws_import"))
@handles_errors
def import_(bundle: Path = BundleArg,
            cycle: str | None = typer.Option(None, "--cycle", help=h("opt.ws_cycle")),
            round_: str = typer.Option("self_assessment", "--round", help=h("opt.ws_round")),
            data: Path = DataOpt, db: str | None = DbOpt, lang: Lang = LangOpt) -> None:
    lg = lang.value
    _start(data, db, lg)
    from parindex.errors import EvidenceError
    from parindex.web import models, store

    if round_ not in models.ROUNDS:
        err_console().print(t("web.refuse.bad_round", lg, value=round_,
                                rounds=", ".join(models.ROUNDS)), markup=False)
        raise typer.Exit(1)
    checked, edition = store.read_checked(bundle)
    if checked.errors:
        raise EvidenceError(checked.problems)
    name = cycle or f"{checked.bundle.year}"
    found = store.import_bundle(checked.bundle, edition, name, round_, "console")
    typer.echo(found.id)


@ws.command("export", cls=LeanCommand, help=h("cmd.ws_export"))
@handles_errors
def export(cycle: str = typer.Argument(..., help=h("arg.ws_cycle")),
           out: Path = typer.Argument(..., help=h("arg.ws_out")),
           data: Path = DataOpt, db: str | None = DbOpt, lang: Lang = LangOpt) -> None:
    lg = lang.value
    _start(data, db, lg)
    from parindex.web import models, store

    found = models.Cycle.objects.filter(name=cycle).first()
    if found is None and cycle.isdigit():
        found = models.Cycle.objects.filter(pk=int(cycle)).first()
    if found is None:
        names = ", ".join(models.Cycle.objects.values_list("name", flat=True))
        err_console().print(t("web.cli.no_cycle", lg, cycle=cycle, names=names),
                              markup=False)
        raise typer.Exit(1)
    typer.echo(store.export_cycle(found, out))


def _backup_call(fn: Any, lang: str, *args: Any) -> Any:
    from parindex.web.backup import BackupError

    try:
        return fn(*args)
    except BackupError as exc:
        err_console().print(t(f"web.backup.{exc.key}", lang, **exc.facts), markup=False)
        raise typer.Exit(1) from None


@ws.command("backup", cls=LeanCommand, help=h("cmd.ws_backup"))
@handles_errors
def backup(out: Path = typer.Argument(..., help=h("arg.ws_backup_out")),
           data: Path = DataOpt, db: str | None = DbOpt, lang: Lang = LangOpt) -> None:
    lg = lang.value
    _start(data, db, lg)
    from parindex.web.backup import backup as make

    manifest = _backup_call(make, lg, out)
    typer.echo(t("web.cli.backed_up", lg, path=str(out), files=len(manifest["files"])))


@ws.command("restore", cls=LeanCommand, help=h("cmd.ws_restore"))
@handles_errors
def restore(source: Path = typer.Argument(..., help=h("arg.ws_backup_in")),
            data: Path = DataOpt, db: str | None = DbOpt, lang: Lang = LangOpt) -> None:
    lg = lang.value
    try:
        import django  # noqa: F401
    except ImportError:
        err_console().print(t("web.cli.no_extra", lg))
        raise typer.Exit(1) from None
    from parindex.web import migrate, setup
    from parindex.web.backup import restore as bring_back

    setup(data, db)
    _backup_call(bring_back, lg, source, data.resolve())
    migrate()  # an older backup is brought up to this version's tables
    typer.echo(t("web.cli.restored", lg, path=str(source), data=str(data.resolve())))

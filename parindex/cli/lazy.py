"""The root command's subcommands, each built the first time it is used.

Building a typer command reads its function's signature and evaluates every annotation;
importing its module imports what the module needs. ``parindex --help`` uses none of that:
it lists names and one-line helps, which come from the words table. :class:`LazyCommands`
holds each subcommand as a recipe (its module and how it is added to a typer app) and builds
it — exactly as ``app.command(...)`` or ``app.add_typer(...)`` on the root would have — when
it is first looked up; :class:`RootGroup` lists them from their help texts alone.
``tests/test_lean.py`` checks that ``--help`` imports no command module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand

from parindex.cli.language import h
from parindex.cli.lean import LeanGroup

#: how a subcommand is added to a typer app, given its module and the app
Install = Callable[[Any, typer.Typer], None]

#: what the root command's own options set (``--debug``), read by the subcommands
STATE = {"debug": False}


class LazyCommands(MutableMapping[str, Any]):
    """Subcommands by name, in the order given; each built on first access."""

    def __init__(self, recipes: dict[str, tuple[str, Install]], settings: dict[str, Any]
                 ) -> None:
        self._recipes = dict(recipes)
        self._built: dict[str, Any] = {}
        self._order = list(recipes)
        self._settings = settings

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in self._recipes:
                raise KeyError(name)
            self._built[name] = self._build(name)
        return self._built[name]

    def _build(self, name: str) -> Any:
        """The command as the root app would build it: added to an app of the same settings
        (a group: it has a callback), and taken from that app's group."""
        module, install = self._recipes[name]
        holder = typer.Typer(**self._settings)
        holder.callback()(_nothing)
        name_of = f"parindex.cli.{module}"
        __import__(name_of)  # an import statement's path: ``-X importtime`` lists it
        install(sys.modules[name_of], holder)
        return typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self._order:
            self._order.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._order.remove(name)
        self._built.pop(name, None)
        self._recipes.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def listing(self) -> dict[str, Any]:
        """Each subcommand as ``--help`` lists it: the command once built, else a stand-in
        holding only its help text (``cmd.NAME`` of the words table, as it is added with)."""
        return {name: self._built.get(name) or TyperCommand(name, help=h(f"cmd.{name}"))
                for name in self._order}


def _nothing() -> None:
    """The callback that makes a holder app a group (never run)."""


class RootGroup(LeanGroup):
    """The ``parindex`` group: its subcommands (:attr:`recipes`, built with the typer app
    :attr:`settings`) held in a :class:`LazyCommands`, listed in its help without being
    built."""

    recipes: ClassVar[dict[str, tuple[str, Install]]] = {}
    settings: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lazy = LazyCommands(self.recipes, self.settings)
        for name, command in self.commands.items():  # any added the usual way
            lazy[name] = command
        self.commands = lazy

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        commands = self.commands
        if not isinstance(commands, LazyCommands):
            super().format_commands(ctx, formatter)
            return
        self.commands = commands.listing()
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.commands = commands

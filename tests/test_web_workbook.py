"""A unit brings its filled template workbook into the workspace: checked with the words of
``parindex check``, the differences shown, applied only when confirmed, on the record."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytest.importorskip("django")

from web_support import client_for
from workbook_helpers import fill_template, invoke

from parindex.samples.sample import sample_root

pytestmark = pytest.mark.django_db


def _template(tmp_path: Path, unit: str) -> Path:
    out = tmp_path / f"{unit}.xlsx"
    result = invoke("template", "xa-2024", "--units",
                    str(sample_root() / "2024" / "units.csv"), "--unit", unit, "--year",
                    "2024", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def _filled(tmp_path: Path, cycle: Any, unit: str, changes: dict[str, str]) -> Path:
    """The unit's template filled with its rows in the workspace, some values changed."""
    from parindex.web.store import cycle_tables

    tables = cycle_tables(cycle, [unit])
    ev = tables["evidence"].copy()
    for criterion, value in changes.items():
        ev.loc[ev["criterion"] == criterion, "value"] = value
    twin: dict[str, pd.DataFrame] = {"evidence": ev}
    return fill_template(_template(tmp_path, unit), tmp_path / f"{unit}-filled.xlsx", twin)


def _upload(client: Any, cycle: Any, unit: str, path: Path) -> Any:
    with path.open("rb") as f:
        return client.post(f"/cycles/{cycle.id}/units/{unit}/workbook/", {"workbook": f})


def _csrf(client: Any, cycle: Any, unit: str) -> str:
    page = client.get(f"/cycles/{cycle.id}/units/{unit}/workbook/").content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _value(cycle: Any, unit: str, criterion: str) -> str:
    from parindex.web import models as m

    return str(m.Evidence.objects.get(member__cycle=cycle, member__unit__code=unit,
                                      criterion=criterion).value)


def test_the_differences_are_shown_then_applied(tmp_path: Path, cycle: Any) -> None:
    from parindex.web import models as m

    before = _value(cycle, "SM01", "1.1.3")
    new = "80%" if before != "80%" else "70%"
    workbook = _filled(tmp_path, cycle, "SM01", {"1.1.3": new})
    client = client_for("sm01")
    token = _csrf(client, cycle, "SM01")
    with workbook.open("rb") as f:
        shown = client.post(f"/cycles/{cycle.id}/units/SM01/workbook/",
                            {"workbook": f, "csrfmiddlewaretoken": token})
    page = shown.content.decode()
    assert shown.status_code == 200
    rows = re.findall(r"<tr><td>evidence ([^<]+)</td><td>(\w+)</td><td>([^<]*)</td>"
                      r"<td>([^<]*)</td></tr>", page)
    assert rows == [("1.1.3", "value", before, new)]
    assert _value(cycle, "SM01", "1.1.3") == before  # nothing changed before confirming
    changes = m.Change.objects.count()
    saved = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert saved
    done = client.post(f"/cycles/{cycle.id}/units/SM01/workbook/",
                       {"token": saved.group(1), "csrfmiddlewaretoken": token})
    assert done.status_code == 302
    assert _value(cycle, "SM01", "1.1.3") == new
    recorded = list(m.Change.objects.order_by("id")[changes:])
    assert [(c.user, c.unit, c.criterion, c.field, c.before, c.after) for c in recorded] == [
        ("sm01", "SM01", "1.1.3", "value", before, new)]


def test_a_wrong_value_is_refused_with_the_words_of_check(tmp_path: Path, cycle: Any) -> None:
    from parindex.web import models as m

    workbook = _filled(tmp_path, cycle, "SM01", {"1.1.3": "chắc là có"})
    client = client_for("sm01")
    token = _csrf(client, cycle, "SM01")
    changes = m.Change.objects.count()
    with workbook.open("rb") as f:
        page = client.post(f"/cycles/{cycle.id}/units/SM01/workbook/",
                           {"workbook": f, "csrfmiddlewaretoken": token}).content.decode()
    checked = invoke("check", str(workbook))
    assert checked.exit_code == 1
    assert "chắc là có" in page
    assert 'name="token"' not in page  # nothing to apply
    assert m.Change.objects.count() == changes
    assert "dòng" in page  # located as parindex check locates it


def test_another_units_workbook_is_refused(tmp_path: Path, cycle: Any) -> None:
    from parindex.web import models as m

    workbook = _filled(tmp_path, cycle, "SM02", {})
    client = client_for("sm01")
    token = _csrf(client, cycle, "SM01")
    changes = m.Change.objects.count()
    with workbook.open("rb") as f:
        page = client.post(f"/cycles/{cycle.id}/units/SM01/workbook/",
                           {"workbook": f, "csrfmiddlewaretoken": token}).content.decode()
    assert "SM02" in page
    assert 'name="token"' not in page
    assert m.Change.objects.count() == changes


def test_another_unit_cannot_open_the_page(cycle: Any) -> None:
    assert client_for("sm01").get(f"/cycles/{cycle.id}/units/SM02/workbook/").status_code == 404

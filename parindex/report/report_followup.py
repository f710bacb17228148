"""Periodic CCHC reports followed up: for each unit and each report of the edition's calendar,
the deadline, the date sent, the days late and the status; and the units to remind.

The deadlines are the edition's (:meth:`CompiledEdition.deadline`, the ones the report-count
rule scores against) and the dates sent are the ``reports`` table as the bundle check read it
(``Inputs.reports``): a report is on time when sent on or before its deadline, late when after
(``days_late`` = days after the deadline), missing when the unit has no date for it. The units
to remind are those with a report missing whose deadline is before ``as_of`` (default today).

Rows are in the units' order (the bundle's), then the calendar's; JSON dates are ISO
``yyyy-mm-dd``, table dates dd/mm/yyyy in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
import pandas as pd

from parindex.io import safe_cell
from parindex.scoring.run import Run
from parindex.words import t

STATUSES = ("on_time", "late", "missing")


def _date(value: np.datetime64) -> dt.date | None:
    if np.isnat(value):
        return None
    return dt.date.fromisoformat(str(value.astype("datetime64[D]")))


def followup(run: Run, as_of: dt.date | None = None) -> dict[str, Any]:
    """``{"reports": [{"unit", "name", "report", "deadline", "submitted", "days_late",
    "status"}], "remind": [{"unit", "name", "reports"}], "as_of"}`` (CONTRACT §4, plus the
    unit's name and the units to remind)."""
    rep = run.inputs.reports
    assert rep is not None, "inputs built by evidence.inputs.build_inputs carry the reports"
    today = as_of or dt.date.today()
    units = run.inputs.units
    rows: list[dict[str, Any]] = []
    remind: list[dict[str, Any]] = []
    for i, (code, name) in enumerate(zip(units["code"], units["name"], strict=True)):
        overdue = []
        for rid in run.edition.model.calendar:
            deadline = run.edition.deadline(rid, run.year)
            sent = _date(rep.dates[rid][i])
            if sent is None:
                late, status = None, "missing"
                if deadline < today:
                    overdue.append(rid)
            else:
                late = max((sent - deadline).days, 0)
                status = "late" if late > 0 else "on_time"
            rows.append({"unit": code, "name": name, "report": rid,
                         "deadline": deadline.isoformat(),
                         "submitted": None if sent is None else sent.isoformat(),
                         "days_late": late, "status": status})
        if overdue:
            remind.append({"unit": code, "name": name, "reports": overdue})
    return {"reports": rows, "remind": remind, "as_of": today.isoformat()}


def status_words(row: dict[str, Any], lang: str) -> str:
    """``đúng hạn`` / ``trễ N ngày`` / ``chưa gửi`` (English: on time / N days late / not
    sent)."""
    return t(f"followup.status.{row['status']}", lang, days=row["days_late"])


def shown_date(iso: str | None, lang: str) -> str:
    """An ISO date as the language writes it (dd/mm/yyyy in Vietnamese); None → ''."""
    if iso is None:
        return ""
    return iso if lang == "en" else dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def followup_frame(data: dict[str, Any], lang: str = "vi") -> pd.DataFrame:
    """One row per unit and report: STT, unit code and name, report, deadline, date sent,
    days late, status in words; blanks ``""``."""
    cols = ["stt", "unit", "name", "report", "deadline", "submitted", "days_late", "status"]
    # a blank is "" (a None would turn the whole days-late column into floats: "3.0")
    rows = [[n, r["unit"], r["name"], r["report"], shown_date(r["deadline"], lang),
             shown_date(r["submitted"], lang), "" if r["days_late"] is None else r["days_late"],
             status_words(r, lang)]
            for n, r in enumerate(data["reports"], start=1)]
    return pd.DataFrame(rows, columns=[t(f"followup.col.{c}", lang) for c in cols],
                        dtype=object)


def remind_frame(data: dict[str, Any], lang: str = "vi") -> pd.DataFrame:
    """The units to remind: STT, code, name, the reports not sent past their deadline."""
    cols = ["stt", "unit", "name", "missing"]
    rows = [[n, r["unit"], r["name"], ", ".join(r["reports"])]
            for n, r in enumerate(data["remind"], start=1)]
    return pd.DataFrame(rows, columns=[t(f"followup.col.{c}", lang) for c in cols],
                        dtype=object)


def _sheet(wb: Any, title: str, heading: str, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws = wb.create_sheet(title)
    ws.cell(row=1, column=1, value=safe_cell(heading)).font = Font(bold=True, size=13)
    for c, name in enumerate(frame.columns, start=1):
        cell = ws.cell(row=3, column=c, value=safe_cell(str(name)))
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        width = max([len(str(name)) // 2 + 2, *(len(str(v)) + 2 for v in frame.iloc[:, c - 1])])
        ws.column_dimensions[get_column_letter(c)].width = min(max(width, 6), 40)
    for r, values in enumerate(frame.itertuples(index=False), start=4):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=None if value in (None, "") else safe_cell(value)
                    ).border = border
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def followup_workbook(data: dict[str, Any], year: int, lang: str = "vi") -> bytes:
    """Two sheets: every unit's reports, and the units to remind."""
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    wb.properties.creator = "parindex"
    _sheet(wb, t("followup.sheet.reports", lang), t("followup.title", lang, year=year),
           followup_frame(data, lang))
    _sheet(wb, t("followup.sheet.remind", lang),
           t("followup.remind_title", lang, date=shown_date(data["as_of"], lang)),
           remind_frame(data, lang))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["STATUSES", "followup", "followup_frame", "followup_workbook", "remind_frame",
           "shown_date", "status_words"]

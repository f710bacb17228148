"""The HTML report: one self-contained page with the league table, charts and trends.

The page works offline: plotly.js is embedded once, inline; each figure travels as JSON in a
``<script type="application/json">`` block (``<``, ``>``, ``&`` escaped as ``\\u003c`` …, so
no text can close the block) and is drawn by a few lines of inline script. Every piece of
user text goes through :func:`html.escape`. The league table sorts by clicking a column
heading; the page is sized for a projector (large type, strong contrast) and has print
rules (no navigation, charts and cards kept whole on a page).

With several runs (years), the latest year is shown in full and trend charts follow each
current unit and area across the years (see :mod:`parindex.analysis.trends`). The style
sheet and the script are package data (``assets/``).

Longer than 300 lines because the page's parts (league table, scorecards with their advice,
years table) share one escaping and one figure registry, and are read as one page.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from parindex import words
from parindex.analysis.advice import Advice
from parindex.analysis.shown import ReportAnalyses, report_analyses
from parindex.analysis.trends import unit_trends_frame
from parindex.analysis.uncertainty import Uncertainty
from parindex.lang import typed_text
from parindex.report import charts
from parindex.report.rows import TOTALS, area_titles, league_rows
from parindex.report.tables import area_legend, fmt, header
from parindex.scoring.run import Run, sorted_runs

Step = Callable[[str], None]


def w(key: str, lang: str, **kw: object) -> str:
    """The page's words (``html.KEY`` in :data:`parindex.words.WORDS`)."""
    return words.t(f"html.{key}", lang, **kw)


def e(text: object) -> str:
    s = "" if text is None else str(text)
    if "&" in s or "<" in s or ">" in s or '"' in s or "'" in s:
        return html.escape(s, quote=True)
    return s  # nothing to escape (most names and numbers): no copies


def safe_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` block: ``<``, ``>``, ``&`` and the line
    separators escaped, so no text can close the block."""
    import orjson

    text = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def figure_json(fig: go.Figure | dict[str, Any]) -> str:
    """A figure (plotly object or plain plotly JSON data) as safe JSON, without its
    template: the page draws every figure with one template (:func:`template_json`)."""
    plain = fig.to_plotly_json() if isinstance(fig, go.Figure) else fig
    layout = {k: v for k, v in plain.get("layout", {}).items() if k != "template"}
    return safe_json({**plain, "layout": layout})


def template_json() -> str:
    """The template every figure of the page is drawn with (plotly_white), once."""
    import plotly.io as pio

    return safe_json(pio.templates["plotly_white"].to_plotly_json())


class _Figures:
    """Collects figures: a placeholder div in the page, the JSON at the end."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def add(self, fig: go.Figure | dict[str, Any], name: str) -> str:
        return self.add_json(figure_json(fig), name)

    def add_json(self, text: str, name: str) -> str:
        """A figure already written as safe JSON (:func:`figure_json`)."""
        fid = f"fig-{len(self.blocks) + 1}"
        self.blocks.append(f'<script type="application/json" id="{fid}">{text}</script>')
        return f'<div class="chart" data-fig="{fid}" data-name="{e(name)}"></div>'


def _rank_ranges(u: Uncertainty) -> dict[int, tuple[float, float]]:
    """Unit position → its 5–95 % rank over the simulations (ranked units only)."""
    return {int(i): (r["rank_p5"], r["rank_p95"])
            for i, r in zip(u.run.order(), u.summary(), strict=True)
            if r["rank_p5"] is not None}


def _league_table(run: Run, lang: str, ranges: dict[int, tuple[float, float]]) -> str:
    s, ed = run.scores, run.edition
    rows = league_rows(run)
    areas = area_titles(run, short=True)
    cols: dict[str, str] = {"rank": header("rank", lang), "name": header("unit", lang),
                            "group": header("group", lang),
                            "group_rank": header("group_rank", lang), **areas}
    cols.update({k: header(k, lang) for k in TOTALS})
    cols["band"] = header("band", lang)
    cols["rank_range"] = w("rank_range", lang)
    titles = {k: f"{a.code}. {a.name} ({a.max:g})" for k, a in zip(areas, ed.areas, strict=True)}
    titles["rank_range"] = w("rank_range_title", lang)
    head = "".join(
        f'<th scope="col" title="{e(titles.get(key, label))}"><button type="button">'
        f"{e(label)}</button></th>" for key, label in cols.items())
    colors = charts.band_colors(ed.band_names())
    body = []
    shown = rows[[k for k in cols if k != "rank_range"]]
    for i, values in zip(rows.index.tolist(), shown.itertuples(index=False), strict=True):
        cells = []
        for key, v in zip(shown.columns, values, strict=True):
            if key == "band":
                style = f' style="--band:{colors[v]}"' if v else ""
                position = int(s.band[i])  # sorts best band first, not alphabetically
                cells.append(f'<td data-v="{position if position >= 0 else ""}">'
                             f'<span class="band"{style}>{e(v or "")}</span></td>')
            elif isinstance(v, (int, float)):
                data = "" if v != v else repr(float(v) if isinstance(v, float) else v)
                cells.append(f'<td class="num" data-v="{data}">{fmt(v, lang)}</td>')  # digits
            else:  # text, and no rank (None)
                cells.append(f'<td data-v="{e(v)}">{e(v)}</td>')
        lo, hi = ranges.get(i, (math.nan, math.nan))
        if math.isnan(lo):
            cells.append('<td class="num" data-v=""></td>')
        else:
            text = f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"
            cells.append(f'<td class="num" data-v="{lo:g}">{e(text)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    legend = area_legend(run)
    return (f'<div class="scroll"><table class="sortable league"><thead><tr>{head}</tr>'
            f'</thead><tbody>{"".join(body)}</tbody></table></div>'
            f'<p class="legend">{e(w("areas", lang))}: {e(legend)}</p>')


def _years_table(df: pd.DataFrame, lang: str) -> str:
    """Each current unit's index by year (``df``: :func:`unit_trends_frame`)."""
    years = sorted(df["year"].unique())
    head = "".join(f'<th scope="col"><button type="button">{y}</button></th>' for y in years)
    rows, notes = [], []
    for code, g in df.groupby("code", sort=False):
        cells = [f'<td data-v="{e(g["name"].iloc[0])}">{e(g["name"].iloc[0])} ({e(code)})</td>']
        for _, r in g.iterrows():
            v = r["index"]
            mark = "*" if r["derived"] else ""
            data = "" if np.isnan(v) else repr(float(v))
            cells.append(f'<td class="num{" derived" if mark else ""}" data-v="{data}">'
                         f"{e(fmt(v, lang))}{mark}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
        via = sorted({c for v in g["via"] for c in v})
        if via:
            notes.append(f'<p class="note">{e(g["name"].iloc[0])} ({e(code)}): '
                         f'{e(w("derived", lang, via=", ".join(via)))}</p>')
    return (f'<h3>{e(w("years_table", lang))}</h3><div class="scroll"><table class="sortable '
            f'years"><thead><tr><th scope="col"><button type="button">'
            f'{e(header("unit", lang))}</button></th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>' + "".join(notes))


def _advice_block(a: Advice, band: str, lang: str) -> str:
    """A scorecard's "where to gain": the fewest changes that reach the next band."""
    head = f'<div class="advice"><h4>{e(w("gain", lang))}</h4>'
    if a.target is None:
        return head + (f'<p>{e(w("top_band", lang, band=band))}</p>' if band else "") + "</div>"
    fields = dict(band=a.target, min=fmt(a.target_min, lang), n=len(a.moves),
                 index=fmt(a.index_after, lang))
    moves = "".join(
        f"<li><b>{e(m.criterion)}</b> {e(m.name)}: "
        f"{e(typed_text(m.before, lang) or w('blank', lang))} → "
        f"<b>{e(typed_text(m.after, lang))}</b> (+{e(fmt(m.gained, lang))})</li>"
        for m in a.moves)
    if a.reachable:
        body = (f'<p>{e(w("plan_to", lang, **fields))}:</p><ol>{moves}</ol>'
                f'<p>{e(w("plan_after", lang, **fields))}</p>')
    else:
        body = f'<p class="unreachable">{e(w("unreachable", lang, **fields))}</p><ol>{moves}</ol>'
    return f"{head}{body}</div>"


def _scorecards(run: Run, advice: Sequence[Advice], lang: str, figs: _Figures) -> str:
    s = run.scores
    cards_data = charts.Scorecards(run, lang)
    colors = cards_data.colors
    codes, names, groups = (run.units[c].tolist() for c in ("code", "name", "group"))
    layout = safe_json(cards_data.layout)  # the same for every card: written once
    cards = []
    for i in map(int, run.order()):
        u = {"code": codes[i], "name": names[i], "group": groups[i]}
        band = run.band_name(i) or ""
        rank = "" if np.isnan(s.rank[i]) else int(s.rank[i])
        grank = "" if np.isnan(s.group_rank[i]) else int(s.group_rank[i])
        ranks = w("rank_line", lang, rank=rank, group_rank=grank, group=u["group"])
        totals = w("total_line", lang, total=fmt(float(s.total[i]), lang),
                   max=fmt(float(s.applicable_max[i]), lang), index=fmt(float(s.index[i]), lang))
        data = safe_json(cards_data.figure(i)["data"])  # = figure_json of the figure
        chart = figs.add_json(f'{{"data":{data},"layout":{layout}}}', f"scorecard {u['code']}")
        cards.append(
            f'<article class="card" id="unit-{e(u["code"])}"><h3>{e(u["name"])} '
            f'<small>({e(u["code"])})</small> <span class="band" style="--band:{colors[i]}">'
            f"{e(band)}</span></h3><p>{e(ranks)} · {e(totals)}</p>{chart}"
            f"{_advice_block(advice[i], band, lang)}</article>")
    return "".join(cards)


def _analyses_of(latest: Run, given: ReportAnalyses | None) -> ReportAnalyses:
    """The analyses to show: those given (which must be of the latest run), else fetched."""
    if given is None:
        return report_analyses(latest)
    if given.run is not latest:
        raise ValueError("the analyses given are not of the report's latest run")
    return given


def build_report(runs: Sequence[Run], lang: str = "vi", step: Step | None = None,
                 analyses: ReportAnalyses | None = None) -> str:
    """The whole page for one or more runs (years); ``step`` is told each stage's name.
    ``analyses`` are the latest run's (:func:`~parindex.analysis.shown.report_analyses`,
    fetched when not given)."""
    from plotly.offline import get_plotlyjs

    tell = step or (lambda _: None)
    runs = sorted_runs(runs)
    latest = runs[-1]
    shown = _analyses_of(latest, analyses)
    figs = _Figures()
    authority = latest.bundle.authority if latest.bundle is not None else ""
    title = w("title", lang, year=latest.year)
    editions = ", ".join(dict.fromkeys(f"{r.edition.id} ({r.year})" for r in runs))
    parts = [f'<header><h1>{e(title)}</h1><p class="sub">{e(authority)} · '
             f'{e(w("editions", lang))}: {e(editions)}</p><nav class="noprint">'
             f'<a href="#league">{e(w("league", lang))}</a> '
             f'<a href="#charts">{e(w("charts", lang))}</a> '
             + (f'<a href="#trends">{e(w("trends", lang))}</a> ' if len(runs) > 1 else "")
             + f'<a href="#cards">{e(w("cards", lang))}</a></nav></header><main>']
    tell("rank certainty")
    unc = shown.uncertainty
    tell("league table")
    parts.append(f'<section id="league"><h2>{e(w("league", lang))} {latest.year}</h2>'
                 f'<p class="noprint hint">{e(w("sort_hint", lang))}</p>'
                 f"{_league_table(latest, lang, _rank_ranges(unc))}</section>")
    tell("charts")
    note = w("certainty_note", lang, weights=f"{unc.weights * 100:g}", seed=unc.seed)
    parts.append(f'<section id="charts"><h2>{e(w("charts", lang))} {latest.year}</h2>'
                 f'{figs.add(charts.ranking_bar_data(latest, lang), "ranking")}'
                 f'{figs.add(charts.rank_uncertainty_data(unc, lang), "rank certainty")}'
                 f'<p class="note">{e(note)}</p>'
                 f'{figs.add(charts.band_distribution_data(latest, lang), "bands")}'
                 f'{figs.add(charts.area_heatmap_data(latest, lang), "heatmap")}</section>')
    if len(runs) > 1:
        tell("trends")
        trend = unit_trends_frame(runs)  # the chart and the table by year share it
        note = w("edition_note", lang, latest=latest.edition.id)
        parts.append(f'<section id="trends"><h2>{e(w("trends", lang))}</h2>'
                     f'{figs.add(charts.unit_trends(runs, lang, trend), "unit trends")}'
                     f'{figs.add(charts.area_trends(runs, lang), "area trends")}'
                     f'<p class="note">{e(note)}</p>{_years_table(trend, lang)}</section>')
    tell("scorecards")
    parts.append(f'<section id="cards"><h2>{e(w("cards", lang))} {latest.year}</h2>'
                 f'<div class="cards">{_scorecards(latest, shown.advice, lang, figs)}</div>'
                 '</section>')
    parts.append(f'</main><footer><p>{e(w("footer", lang, authority=authority))}</p></footer>')
    tell("page")
    return (f'<!doctype html><html lang="{words.language(lang)}"><head>'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, '
            f'initial-scale=1"><title>{e(title)}</title><style>{_asset("report.css")}</style>'
            f'<script>{get_plotlyjs()}</script></head><body>{"".join(parts)}'
            f'<script type="application/json" id="fig-template">{template_json()}</script>'
            f'{"".join(figs.blocks)}<script>{_asset("report.js")}</script></body></html>')


def figures_json(runs: Sequence[Run], lang: str = "vi",
                 analyses: ReportAnalyses | None = None) -> dict[str, Any]:
    """The report's charts as plotly JSON (``parindex report --format json``)."""
    runs = sorted_runs(runs)
    latest = runs[-1]
    unc = _analyses_of(latest, analyses).uncertainty
    out: dict[str, Any] = {
        "ranking": charts.ranking_bar(latest, lang),
        "rank_certainty": charts.rank_uncertainty(unc, lang), "bands":
        charts.band_distribution(latest, lang), "heatmap": charts.area_heatmap(latest, lang)}
    if len(runs) > 1:
        out["unit_trends"] = charts.unit_trends(runs, lang)
        out["area_trends"] = charts.area_trends(runs, lang)
    return {k: json.loads(v.to_json(validate=False)) for k, v in out.items()}


def _asset(name: str) -> str:
    """A file of ``assets/`` (the page's style sheet and script), read once."""
    return _ASSETS.setdefault(name, (resources.files("parindex.report") / "assets" / name)
                              .read_text(encoding="utf-8"))


_ASSETS: dict[str, str] = {}


__all__ = ["build_report", "figure_json", "figures_json"]

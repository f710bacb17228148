"""Charts as data: functions from a scored run (or several years of runs) to plotly figures.

The HTML report embeds these figures; tests check their data (values, colours, matrices),
never rendered bytes. Labels that come from users (unit, group, criterion names) are
HTML-escaped before they reach plotly, which would otherwise read tags in text: a unit named
``<script>…`` is drawn as those characters. Units with the same name are told apart by
their code.

Colours: each band of the edition has a colour from green (best) to red (worst), the same in
every chart; a unit without a band is grey.

Longer than 300 lines because every chart shares the band colours, the escaping of user text
and the layout defaults kept here; each chart itself is one short function.
"""

from __future__ import annotations

import html
import warnings
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from parindex import words
from parindex.analysis.trends import area_trends_frame, edition_changes, unit_trends_frame
from parindex.analysis.uncertainty import Uncertainty
from parindex.criteria.compiled import OneStopSource
from parindex.evidence.check_one_stop import one_stop_metric
from parindex.lang import grouped
from parindex.report.tables import fmt
from parindex.scoring.run import Run, int_or_none, num_or_none

PALETTE = ("#1a7f3c", "#66bb6a", "#f2b632", "#f3722c", "#c62828")
NO_BAND = "#9e9e9e"


def t(key: str, lang: str, **kw: object) -> str:
    """The charts' words (``chart.KEY`` in :data:`parindex.words.WORDS`)."""
    return words.t(f"chart.{key}", lang, **kw)


def esc(text: object) -> str:
    """User text for a plotly label: tags and entities shown as written."""
    return html.escape(str(text), quote=False)


def band_colors(names: Sequence[str]) -> dict[str, str]:
    """Band name → colour, best band first (green) to worst (red).

    >>> band_colors(["I", "II", "III"])
    {'I': '#1a7f3c', 'II': '#f2b632', 'III': '#c62828'}
    """
    n = len(names)
    if n <= len(PALETTE):
        picks = np.rint(np.linspace(0, len(PALETTE) - 1, n)).astype(int) if n > 1 else [0]
        return {name: PALETTE[int(k)] for name, k in zip(names, picks, strict=True)}
    from plotly.colors import sample_colorscale

    colors = sample_colorscale("RdYlGn", list(np.linspace(1, 0, n)))
    return dict(zip(names, colors, strict=True))


def unit_labels(run: Run) -> list[str]:
    """Escaped unit names, with the code added where two units share a name."""
    names = [str(n) for n in run.units["name"].tolist()]
    dup = {n for n, k in Counter(names).items() if k > 1}
    return [esc(f"{n} ({c})" if n in dup else n)
            for n, c in zip(names, run.units["code"].tolist(), strict=True)]


def unit_colors(run: Run) -> list[str]:
    colors = band_colors(run.edition.band_names())
    return [colors[b] if (b := run.band_name(i)) is not None else NO_BAND
            for i in range(len(run.units))]


def area_labels(run: Run, width: int = 16, lines: int = 3) -> list[str]:
    """Area axis labels: "code. name" wrapped to a few short lines (escaped, then ``<br>``)."""
    import textwrap

    out = []
    for a in run.edition.areas:
        parts = textwrap.wrap(f"{a.code}. {a.name}", width) or [a.code]
        if len(parts) > lines:
            parts = [*parts[: lines - 1], parts[lines - 1] + "…"]
        out.append("<br>".join(esc(p) for p in parts))
    return out


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators: ``,.`` in Vietnamese (92,50)."""
    return ".," if lang == "en" else ",."


def _base_layout(fig: go.Figure, title: str, height: int, lang: str) -> go.Figure:
    fig.update_layout(title={"text": esc(title), "x": 0}, height=height,
                      separators=separators(lang),
                      margin={"l": 10, "r": 20, "t": 60, "b": 40},
                      font={"size": 15}, paper_bgcolor="white", plot_bgcolor="white",
                      legend={"orientation": "h", "y": -0.12})
    return fig


def _sorted(value: Any) -> Any:
    """Plain data with every mapping's keys in alphabetical order, as plotly writes a trace."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    return value


def trace(kind: str, **props: Any) -> dict[str, Any]:
    """A trace as plain plotly JSON: its properties in the order plotly writes them
    (alphabetical, ``type`` last), so the page reads as if plotly had built it."""
    return {**_sorted(props), "type": kind}


def _layout(axes: dict[str, Any], title: str, height: int, lang: str,
            **extra: Any) -> dict[str, Any]:
    """A chart's layout as plain data: its axes, ``extra`` (shapes), then the defaults of
    :func:`_base_layout`, in the order plotly writes them."""
    return {**axes, **extra, "title": {"text": esc(title), "x": 0},
            "margin": {"l": 10, "r": 20, "t": 60, "b": 40}, "font": {"size": 15},
            "legend": {"orientation": "h", "y": -0.12}, "height": height,
            "separators": separators(lang), "paper_bgcolor": "white",
            "plot_bgcolor": "white"}


def figure(data: dict[str, Any]) -> go.Figure:
    """Plain figure data as a (validated) plotly figure."""
    return go.Figure(data)


def ranking_bar_data(run: Run, lang: str = "vi") -> dict[str, Any]:
    """Units by index, best on top, one trace per band (so the legend names the bands).

    Built as plain data (:func:`ranking_bar` validates it): at national scale plotly's
    validation of 3,321 bars costs more than the chart."""
    order = [int(i) for i in run.order()]
    labels, index = unit_labels(run), run.scores.index.tolist()
    rank, groups = run.scores.rank.tolist(), run.units["group"].tolist()
    colors = band_colors(run.edition.band_names())
    no_band = t("no_band", lang)
    names = run.edition.band_names()
    band_of = [names[b] if b >= 0 else no_band for b in run.scores.band.tolist()]
    members: dict[str, list[int]] = {}
    for i in order:
        members.setdefault(band_of[i], []).append(i)
    data = []
    for name, color in [*((n, colors[n]) for n in names), (no_band, NO_BAND)]:
        rows = members.get(name)
        if not rows:
            continue
        data.append(trace(
            "bar", x=[num_or_none(index[i]) for i in rows], y=[labels[i] for i in rows],
            orientation="h", name=esc(name), marker={"color": color},
            text=[fmt(num_or_none(index[i]), lang) for i in rows], textposition="auto",
            customdata=[[esc(groups[i]), int_or_none(rank[i])] for i in rows],
            hovertemplate="%{y}<br>%{customdata[0]}<br>" + t("rank", lang)
            + " %{customdata[1]}: %{x:.2f}%<extra></extra>"))
    lines = [_sorted({"type": "line", "x0": low, "x1": low, "xref": "x", "y0": 0,
                      "y1": 1, "yref": "y domain",
                      "line": {"dash": "dot", "color": "#757575", "width": 1}})
             for _, low in run.edition.bands if 0 < low < 100]
    axes = {"yaxis": {"categoryorder": "array",
                      "categoryarray": [labels[i] for i in order[::-1]], "automargin": True},
            "xaxis": {"range": [0, 100], "title": {"text": t("index", lang)},
                      "gridcolor": "#e0e0e0"}}
    layout = _layout(axes, t("ranking", lang, year=run.year), 140 + 30 * len(order), lang,
                     **({"shapes": lines} if lines else {}))
    return {"data": data, "layout": layout}


def ranking_bar(run: Run, lang: str = "vi") -> go.Figure:
    """:func:`ranking_bar_data` as a plotly figure."""
    return figure(ranking_bar_data(run, lang))


def rank_uncertainty_data(u: Uncertainty, lang: str = "vi") -> dict[str, Any]:
    """Each ranked unit's median rank over the simulations with its 5–95 % range (a bar),
    and its published rank (an open diamond); best on top, as in the ranking chart."""
    run = u.run
    labels = unit_labels(run)
    rows = [(int(i), r) for i, r in zip(run.order(), u.summary(), strict=True)
            if r["rank"] is not None and r["rank_median"] is not None]
    y = [labels[i] for i, _ in rows]
    med = [r["rank_median"] for _, r in rows]
    stay = [100 * r["band_probability"].get(r["band"], 0.0) if r["band"] else None
            for _, r in rows]
    custom = [[r["rank_p5"], r["rank_p95"], esc(r["band"] or t("no_band", lang)), p]
              for (_, r), p in zip(rows, stay, strict=True)]
    interval = trace(
        "scatter", x=med, y=y, mode="markers", name=esc(t("rank_interval", lang)),
        marker={"size": 10, "color": "#1565c0"},
        error_x={"type": "data", "symmetric": False, "thickness": 4, "width": 0,
                 "color": "#90caf9",
                 "array": [r["rank_p95"] - m for (_, r), m in zip(rows, med, strict=True)],
                 "arrayminus": [m - r["rank_p5"] for (_, r), m in zip(rows, med, strict=True)]},
        customdata=custom,
        hovertemplate="%{y}<br>" + t("rank", lang) + " %{x} (90%: %{customdata[0]}–"
        "%{customdata[1]})<br>%{customdata[2]}: " + t("stays_in_band", lang)
        + " %{customdata[3]:.0f}%<extra></extra>")
    published = trace(
        "scatter", x=[r["rank"] for _, r in rows], y=y, mode="markers",
        name=esc(t("published_rank", lang)),
        marker={"size": 11, "symbol": "diamond-open", "color": "#111", "line": {"width": 2}},
        hovertemplate="%{y}: " + t("published_rank", lang).lower() + " %{x}<extra></extra>")
    axes = {"yaxis": {"categoryorder": "array", "categoryarray": y[::-1], "automargin": True},
            "xaxis": {"title": {"text": t("rank", lang)},
                      "range": [0.5, max(len(run.units), 1) + 0.5], "gridcolor": "#e0e0e0",
                      "rangemode": "tozero"}}
    title = t("rank_uncertainty", lang, year=run.year,
              draws=grouped(u.draws, lang))
    return {"data": [interval, published],
            "layout": _layout(axes, title, 140 + 30 * len(rows), lang)}


def rank_uncertainty(u: Uncertainty, lang: str = "vi") -> go.Figure:
    """:func:`rank_uncertainty_data` as a plotly figure."""
    return figure(rank_uncertainty_data(u, lang))


def band_distribution_data(run: Run, lang: str = "vi") -> dict[str, Any]:
    """How many units fall in each band (every band shown, empty ones as 0)."""
    names = run.edition.band_names()
    colors = band_colors(names)
    counts = np.bincount(run.scores.band[run.scores.band >= 0], minlength=len(names))
    x, y, c = [esc(n) for n in names], [int(v) for v in counts], [colors[n] for n in names]
    unbanded = int((run.scores.band < 0).sum())
    if unbanded:
        x.append(esc(t("no_band", lang)))
        y.append(unbanded)
        c.append(NO_BAND)
    bar = trace("bar", x=x, y=y, marker={"color": c}, text=[str(v) for v in y],
                textposition="auto", hovertemplate="%{x}: %{y}<extra></extra>",
                showlegend=False)
    axes = {"yaxis": {"title": {"text": t("units", lang)}, "dtick": 1, "gridcolor": "#e0e0e0"}}
    return {"data": [bar], "layout": _layout(axes, t("bands", lang, year=run.year), 380, lang)}


def band_distribution(run: Run, lang: str = "vi") -> go.Figure:
    """:func:`band_distribution_data` as a plotly figure."""
    return figure(band_distribution_data(run, lang))


def _colorscale(name: str) -> list[list[Any]]:
    """A named plotly colour scale as plotly writes it: ``[[position, colour], …]``."""
    from plotly.colors import get_colorscale

    colors = [c for _, c in get_colorscale(name)]
    return [[k / (len(colors) - 1), c] for k, c in enumerate(colors)]


def area_heatmap_data(run: Run, lang: str = "vi") -> dict[str, Any]:
    """Units (by rank) × areas, coloured by component index, so weak areas stand out."""
    order = run.order()
    labels = unit_labels(run)
    z = [[num_or_none(v) for v in row] for row in run.scores.area_index[order].tolist()]
    text = [[fmt(v, lang) for v in row] for row in z]
    names = [esc(f"{a.code}. {a.name}") for a in run.edition.areas]
    heat = trace(
        "heatmap", z=z, x=area_labels(run), y=[labels[i] for i in order.tolist()], text=text,
        texttemplate="%{text}", customdata=[names] * len(order), zmin=0, zmax=100,
        colorscale=_colorscale("RdYlGn"), colorbar={"title": {"text": "%"}},
        hovertemplate="%{y}<br>%{customdata}: %{z:.2f}%<extra></extra>")
    axes = {"yaxis": {"autorange": "reversed", "automargin": True},
            "xaxis": {"automargin": True, "tickangle": 0}}
    return {"data": [heat], "layout": _layout(axes, t("heatmap", lang, year=run.year),
                                              200 + 30 * len(order), lang)}


def area_heatmap(run: Run, lang: str = "vi") -> go.Figure:
    """:func:`area_heatmap_data` as a plotly figure."""
    return figure(area_heatmap_data(run, lang))


def on_time_rates(run: Run) -> np.ndarray:
    """Each unit's one-stop on-time rate (%), over the denominator the edition's on-time leaf
    uses (``resolved`` when it has none); NaN without a one-stop row or with nothing due."""
    denominator = "resolved"
    for leaf in run.edition.leaves:
        if isinstance(leaf.source, OneStopSource) and leaf.source.one_stop == "on_time_rate":
            denominator = leaf.source.denominator or "resolved"
            break
    spec = OneStopSource("on_time_rate", denominator)
    rate = one_stop_metric(run.inputs.one_stop, spec)
    return np.where(np.isfinite(rate), rate, np.nan)


def group_means(run: Run) -> np.ndarray:
    """Per unit, the mean component index of each area over the unit's group."""
    groups = run.units["group"].to_numpy()
    out = np.full(run.scores.area_index.shape, np.nan)
    for g in dict.fromkeys(groups):
        rows = groups == g
        block = run.scores.area_index[rows]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an area NaN for every member
            out[rows] = np.nanmean(block, axis=0)
    return out


def top_lost(run: Run, i: int, n: int = 5) -> list[tuple[str, str, float]]:
    """The unit's ``n`` leaves with most points lost: (code, name, points lost)."""
    s = run.scores
    lost = s.leaf_applicable[i] - s.leaf_appr[i]
    picks = [int(j) for j in np.argsort(-lost, kind="stable")[:n] if lost[j] > 1e-9]
    return [(run.edition.leaves[j].code, run.edition.leaves[j].name, float(lost[j]))
            for j in picks]


class Scorecards:
    """Every unit's scorecard figure: its areas against its group's average, its top points
    lost, its one-stop on-time rate.

    Built for many units at once: the subplot layout is made once and the per-run arrays
    (group means, labels, colours, on-time rates) computed once, then each unit's figure is
    plain data (a dict plotly.js draws), so a national report does not build 3,321 plotly
    figures.
    """

    def __init__(self, run: Run, lang: str = "vi"):
        self.run, self.lang = run, lang
        self.means, self.labels = group_means(run), unit_labels(run)
        self.colors, self.rates = unit_colors(run), on_time_rates(run)
        self.codes = [a.code for a in run.edition.areas]
        self.names = [esc(f"{a.code}. {a.name}") for a in run.edition.areas]
        proto = make_subplots(rows=1, cols=3, column_widths=[0.46, 0.34, 0.2],
                              specs=[[{"type": "xy"}, {"type": "xy"}, {"type": "domain"}]],
                              subplot_titles=[t("areas_vs_group", lang), t("top_lost", lang),
                                              t("on_time", lang)], horizontal_spacing=0.09)
        proto.add_trace(go.Bar(), row=1, col=1)
        proto.add_trace(go.Bar(), row=1, col=2)
        proto.add_trace(go.Indicator(), row=1, col=3)
        proto.update_yaxes(range=[0, 100], row=1, col=1, gridcolor="#e0e0e0")
        proto.update_yaxes(automargin=True, type="category", row=1, col=2)
        proto.update_layout(barmode="group", showlegend=True,
                            legend={"orientation": "h", "y": -0.2, "x": 0},
                            margin={"l": 10, "r": 10, "t": 50, "b": 30}, height=340,
                            separators=separators(lang), font={"size": 14},
                            paper_bgcolor="white", plot_bgcolor="white")
        plain = proto.to_plotly_json()
        self.layout = {k: v for k, v in plain["layout"].items() if k != "template"}
        self.place = [{k: v for k, v in tr.items() if k in ("xaxis", "yaxis", "domain")}
                      for tr in plain["data"]]
        s = run.scores  # every unit's numbers as Python lists, and its top points lost, once
        self.area_index = [[num_or_none(v) for v in row] for row in s.area_index.tolist()]
        self.mean_index = [[num_or_none(v) for v in row] for row in self.means.tolist()]
        self.rate = [num_or_none(v) for v in self.rates.tolist()]
        self.words = {k: t(k, lang) for k in ("group_avg", "lost")}
        lost = s.leaf_applicable - s.leaf_appr
        top = np.argsort(-lost, axis=1, kind="stable")[:, :5]
        self.top = [[(j, v) for j, v in zip(js, vs, strict=True) if v > 1e-9] for js, vs in
                    zip(top.tolist(), np.take_along_axis(lost, top, axis=1).tolist(),
                        strict=True)]
        self.leaf_text = [(esc(lf.code), esc(lf.name)) for lf in run.edition.leaves]

    def figure(self, i: int) -> dict[str, Any]:
        """Unit ``i``'s figure as plotly JSON data (no template: the page supplies one)."""
        lang = self.lang
        hover = "%{customdata}: %{y:.2f}%<extra></extra>"
        lost = self.top[i][::-1]  # top_lost(run, i), least first
        data = [
            {"type": "bar", "x": self.codes, "y": self.area_index[i],
             "name": self.labels[i], "marker": {"color": self.colors[i]},
             "customdata": self.names, "hovertemplate": hover, **self.place[0]},
            {"type": "bar", "x": self.codes, "y": self.mean_index[i],
             "name": self.words["group_avg"], "marker": {"color": "#90a4ae"},
             "customdata": self.names, "hovertemplate": hover, **self.place[0]},
            {"type": "bar", "x": [v for _, v in lost], "y": [self.leaf_text[j][0] for j, _ in lost],
             "orientation": "h", "name": self.words["lost"], "showlegend": False,
             "marker": {"color": "#e57373"}, "customdata": [self.leaf_text[j][1] for j, _ in lost],
             "text": [fmt(v, lang) for _, v in lost], "textposition": "auto",
             "hovertemplate": "%{y} %{customdata}: %{x:.2f}<extra></extra>", **self.place[1]},
            {"type": "indicator", "mode": "gauge+number", "value": self.rate[i],
             "number": {"suffix": "%", "valueformat": ".1f"},
             "gauge": {"axis": {"range": [0, 100]}, "bar": {"color": "#1565c0"}},
             **self.place[2]},
        ]
        return {"data": data, "layout": self.layout}


def scorecard(run: Run, i: int, lang: str = "vi") -> go.Figure:
    """One unit's scorecard as a plotly figure (validated; see :class:`Scorecards`)."""
    return go.Figure(Scorecards(run, lang).figure(i))


def _edition_marks(fig: go.Figure, changes: list[tuple[float, str, str]]) -> None:
    for x, before, after in changes:
        fig.add_vline(x=x, line={"dash": "dash", "color": "#616161", "width": 2},
                      annotation={"text": esc(f"{before} → {after}"), "textangle": 0},
                      annotation_position="top")


def _years_layout(fig: go.Figure, runs: Sequence[Run], title: str, height: int, lang: str,
                  y_range: list[float] | None = None) -> go.Figure:
    """A trend chart's frame: a year axis with the edition changes marked, index axis,
    legend on the right."""
    _edition_marks(fig, edition_changes(runs))
    fig.update_xaxes(dtick=1, title=t("year", lang))
    fig.update_yaxes(title=t("index", lang), gridcolor="#e0e0e0",
                     **({"range": y_range} if y_range else {}))
    return _base_layout(fig, title, height, lang).update_layout(
        legend={"orientation": "v", "y": 1, "x": 1.02})


def _trend_trace(rows: pd.DataFrame, name: str, hover: list[str],
                 **extra: Any) -> go.Scatter:
    """One line of a trends chart: the index by year, the name and hover text escaped."""
    return go.Scatter(x=rows["year"].tolist(), y=[num_or_none(v) for v in rows["index"]],
                      mode="lines+markers", name=esc(name), customdata=[esc(h) for h in hover],
                      hovertemplate="%{fullData.name} %{x}: %{y:.2f}% %{customdata}"
                      "<extra></extra>", **extra)


def unit_trends(runs: Sequence[Run], lang: str = "vi",
                frame: pd.DataFrame | None = None) -> go.Figure:
    """Each current unit's index by year; hollow markers where it is its predecessors' mean
    (``frame``: :func:`unit_trends_frame` of the runs, when already made)."""
    df = unit_trends_frame(runs) if frame is None else frame
    fig = go.Figure()
    for code, rows in df.groupby("code", sort=False):
        name = rows["name"].iloc[0]
        hover = [f"{t('mean_of', lang)} {', '.join(v)}" if d else ""
                 for d, v in zip(rows["derived"], rows["via"], strict=True)]
        fig.add_trace(_trend_trace(rows, f"{name} ({code})", hover, connectgaps=False,
                                   marker={"size": 9, "symbol": [
                                       "circle-open" if d else "circle"
                                       for d in rows["derived"]]}))
    return _years_layout(fig, runs, t("unit_trends", lang), 560, lang)


def area_trends(runs: Sequence[Run], lang: str = "vi") -> go.Figure:
    """Each current area's mean component index by year, older editions mapped onto it."""
    df = area_trends_frame(runs)
    fig = go.Figure()
    for code, rows in df.groupby("area", sort=False):
        name = rows["name"].iloc[0]
        hover = [f"{t('mapped', lang)} {e}: {m}" if m else ""
                 for e, m in zip(rows["edition"], rows["mapped"], strict=True)]
        fig.add_trace(_trend_trace(rows, f"{code}. {name}", hover))
    return _years_layout(fig, runs, t("area_trends", lang), 520, lang, y_range=[0, 100])


__all__ = ["area_heatmap", "area_trends", "band_colors", "band_distribution", "on_time_rates",
           "ranking_bar", "scorecard", "top_lost", "unit_trends"]

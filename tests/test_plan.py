"""`parindex plan`: feasible improvements, the exact knapsack, targets, costs and the CLI."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parindex.analysis.costs import Costs, read_costs
from parindex.analysis.improvements import Levers, leaf_candidates, steps_for
from parindex.analysis.knapsack import Goal, Option, met, outcome, solve
from parindex.analysis.plan import parse_target, plan, plan_all, plan_all_chosen, target_met
from parindex.analysis.whatif import whatif
from parindex.cli import app
from parindex.errors import said
from parindex.samples.sample import sample_root
from parindex.scoring.run import Change, Run

SAMPLE = sample_root() / "2024"
runner = CliRunner()


@pytest.fixture(scope="module")
def run(sample_run: Run) -> Run:
    return sample_run


# ---------------------------------------------------------------------------- the solver


Case = tuple[list[list[Option]], float, float, Goal]


def _combos(leaves: list[list[Option]]) -> Iterator[tuple[float, float, float]]:
    for combo in itertools.product(*[range(-1, len(opts)) for opts in leaves]):
        chosen = [leaves[p][k] for p, k in enumerate(combo) if k >= 0]
        yield (sum(o.gained for o in chosen), sum(o.added for o in chosen),
               sum(o.cost for o in chosen))


def _metric(goal: Goal, total: float, index: float) -> float:
    if goal.kind == "points":
        return total
    return -math.inf if math.isnan(index) else round(index, 6)


@st.composite
def cases(draw: st.DrawFn, uniform: bool = False) -> Case:
    n_leaves = draw(st.integers(0, 6 if uniform else 5))
    leaves = []
    for _ in range(n_leaves):
        gains = sorted(draw(st.lists(st.sampled_from([0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0]),
                                     min_size=1, max_size=3, unique=True)))
        added = draw(st.sampled_from([0.0, 0.0, 0.0, 1.0, 2.0]))
        cost = 1.0 if uniform else draw(st.sampled_from([0.0, 0.5, 1.0, 1.0, 2.0, 3.5]))
        per_step = 0.0 if uniform else draw(st.sampled_from([0.0, 0.0, 0.5, 1.0]))
        leaves.append([Option(g, cost + per_step * k, added) for k, g in enumerate(gains)])
    applicable = draw(st.sampled_from([8.0, 10.0, 12.5]))
    base = draw(st.floats(-1.0, applicable + 1.0))
    goal = draw(st.one_of(
        st.builds(Goal, st.just("index"), st.sampled_from([0.0, 55.0, 70.0, 80.0, 90.0,
                                                            100.0, 101.0])),
        st.builds(Goal, st.just("points"), st.floats(0.0, 16.0))))
    return leaves, base, applicable, goal


class TestOutcome:
    """The solver's total and index are the engine's, number for number."""

    @given(base=st.floats(-20, 120), applicable=st.sampled_from([0.0, 0.5, 45.0, 97.0, 100.0]),
           gained=st.floats(0, 30), added=st.sampled_from([0.0, 2.0, 5.5]))
    @settings(max_examples=300, deadline=None)
    def test_equals_engine_totals(self, base: float, applicable: float, gained: float,
                                  added: float) -> None:
        from parindex.scoring.engine import totals

        total, index = totals(base + gained, 0.0, 0.0, 0.0, applicable + added)
        got = outcome(base, applicable, gained, added)
        assert got[0] == float(total)
        assert got[1] == float(index) or (math.isnan(got[1]) and math.isnan(float(index)))

    def test_cases(self) -> None:
        assert outcome(60.0, 80.0, 5.0, 0.0) == (65.0, 81.25)
        assert outcome(78.0, 80.0, 5.0, 0.0) == (80.0, 100.0)  # clipped to the max
        assert outcome(-3.0, 80.0, 1.0, 0.0) == (0.0, 0.0)  # never below 0
        total, index = outcome(10.0, 0.0, 0.0, 0.0)
        assert total == 0.0
        assert math.isnan(index)  # nothing applicable


class TestSolver:
    """The knapsack is exact: it matches a brute force over every improvement set."""

    @settings(max_examples=300, deadline=None)
    @given(cases())
    def test_matches_brute_force(self, case: Case) -> None:
        self._check(case)

    @settings(max_examples=100, deadline=None)
    @given(cases(uniform=True))
    def test_matches_brute_force_with_unit_costs(self, case: Case) -> None:
        """The default cost model (1 per change) takes a shortcut; it is exact too."""
        self._check(case)

    def _check(self, case: Case) -> None:
        leaves, base, applicable, goal = case
        sol = solve(leaves, base, applicable, goal)
        reaching = [c for g, a, c in _combos(leaves) if met(goal, *outcome(base, applicable,
                                                                            g, a))]
        if reaching:
            assert sol.reachable
            assert sol.cost == pytest.approx(min(reaching))
            assert met(goal, sol.total, sol.index)
        else:
            assert not sol.reachable
            scored = [(_metric(goal, *outcome(base, applicable, g, a)), c)
                      for g, a, c in _combos(leaves)]
            best = max(m for m, _ in scored)
            assert _metric(goal, sol.total, sol.index) == pytest.approx(best)
            assert sol.cost == pytest.approx(min(c for m, c in scored
                                                 if m >= best - 1e-9))

    @settings(max_examples=150, deadline=None)
    @given(cases())
    def test_plan_asks_no_more_than_needed(self, case: Case) -> None:
        """Lowering any chosen option (or dropping it) misses the goal."""
        leaves, base, applicable, goal = case
        sol = solve(leaves, base, applicable, goal)
        if not sol.reachable:
            return
        picks = dict(sol.picks)
        for pos, k in picks.items():
            for lower in range(-1, k):
                trial = {**picks, pos: lower}
                g = sum(leaves[p][q].gained for p, q in trial.items() if q >= 0)
                a = sum(leaves[p][q].added for p, q in trial.items() if q >= 0)
                cost = sum(leaves[p][q].cost for p, q in trial.items() if q >= 0)
                assert cost > sol.cost + 1e-9 or not met(goal, *outcome(base, applicable,
                                                                        g, a))

    def test_already_met_needs_nothing(self) -> None:
        sol = solve([[Option(1.0, 1.0)]], 9.0, 10.0, Goal("index", 80.0))
        assert sol.reachable
        assert sol.picks == ()
        assert sol.cost == 0

    def test_unreachable_gives_the_best(self) -> None:
        sol = solve([[Option(1.0, 1.0), Option(2.0, 1.0)], [Option(0.5, 1.0)]], 5.0, 10.0,
                    Goal("index", 90.0))
        assert not sol.reachable
        assert sol.total == 7.5
        assert sol.cost == 2


# ---------------------------------------------------------------------------- improvements


class TestImprovements:
    """Each leaf offers the next thresholds, options, yes, fewer items, up to max."""

    def test_band_candidates_sit_at_thresholds(self, run: Run) -> None:
        leaf = run.edition.leaves[run.edition.leaf_index["1.1.3"]]  # above 90: 2, min 70: 1
        c = leaf_candidates(leaf)
        pts = dict(zip(c.text, c.points, strict=True))
        assert pts["90"] == 1
        assert pts["90.1"] == 2
        assert pts["70"] == 1
        assert pts["69.9"] == 0

    def test_each_step_scores_more_and_keeps_levels_in_order(self, run: Run) -> None:
        for i in range(len(run.units)):
            for leaf_steps in steps_for(run, i):
                gains = [s.gained for s in leaf_steps]
                assert all(g > 0 for g in gains)
                assert gains == sorted(gains)
                assert [s.level for s in leaf_steps] == list(range(1, len(gains) + 1))

    def test_step_is_what_whatif_scores(self, run: Run) -> None:
        """Every improvement, applied with whatif, gains exactly its points."""
        i = run.unit_index("SM08")
        for leaf_steps in steps_for(run, i)[:12]:
            s = leaf_steps[-1]
            code = run.edition.leaves[s.leaf].code
            after = run.with_changes([Change("SM08", code, s.to)])
            got = after.scores.leaf_appr[i, s.leaf] - run.scores.leaf_appr[i, s.leaf]
            assert got == pytest.approx(s.gained)

    def test_full_points_offer_nothing(self, run: Run) -> None:
        i = run.unit_index("SM01")
        full = {run.edition.leaves[j].code for j in np.flatnonzero(
            run.scores.leaf_appr[i] >= run.edition.leaf_max - 1e-12)}
        offered = {run.edition.leaves[ls[0].leaf].code for ls in steps_for(run, i)}
        assert not full & offered


# ---------------------------------------------------------------------------- plans on the sample


class TestPlanOnSample:
    """Plans on the sample district reach their targets, and whatif confirms them."""

    @pytest.mark.parametrize("target", ["Tốt", "Xuất sắc", "rank:3", "group:1", "points:88"])
    def test_whatif_confirms_every_plan(self, run: Run, target: str) -> None:
        t = parse_target(target, run.edition)
        for i in range(len(run.units)):
            p = plan(run, i, t)
            assert p.reachable() == p.result.solution.reachable
            w = whatif(run, p.result.changes(run))
            assert w.after.unit_result(i) == p.after.unit_result(i)
            if p.reachable():
                assert target_met(w.after, i, t)

    def test_rank_target_accounts_for_ties(self, run: Run) -> None:
        """Reaching exactly the N-th best index shares rank N (ties: min)."""
        t = parse_target("rank:2", run.edition)
        i = run.unit_index("SM02")  # rank 3, just behind NN01
        p = plan(run, i, t)
        assert p.result.goal.value == pytest.approx(round(run.scores.index[
            run.unit_index("NN01")], 6))
        assert p.after.scores.rank[i] <= 2

    def test_optimal_against_whatif_brute_force(self, run: Run, tmp_path: Path) -> None:
        """With only four criteria allowed, no set of their levels is cheaper."""
        allowed = ["1.3", "2.2", "3.1.1", "7.1.1"]
        path = tmp_path / "costs.yaml"
        path.write_text("default: '-'\n" + "".join(f'"{c}": {k + 1}\n'
                                                  for k, c in enumerate(allowed)))
        costs = read_costs(path, run.edition)
        i = run.unit_index("SM06")  # rank 11 in 2024: two places up
        t = parse_target("rank:9", run.edition)
        p = plan(run, i, t, costs)
        per_leaf = [ls for ls in steps_for(run, i)
                    if run.edition.leaves[ls[0].leaf].code in allowed]
        best = math.inf
        for combo in itertools.product(*[[None, *ls] for ls in per_leaf]):
            chosen = [s for s in combo if s is not None]
            cost = sum(costs.option_cost(s) for s in chosen)
            if cost >= best:
                continue
            after = run.with_changes([Change("SM06", run.edition.leaves[s.leaf].code, s.to)
                                      for s in chosen])
            if target_met(after, i, t):
                best = cost
        assert p.reachable()
        assert p.result.solution.cost == best

    def test_unreachable_target_returns_best(self, run: Run) -> None:
        p = plan(run, run.unit_index("SM08"), parse_target("points:150", run.edition))
        assert not p.reachable()
        data = p.to_json()
        assert data["reachable"] is False
        assert data["changes"]
        assert data["after"]["total"] > data["before"]["total"]

    def test_plan_all_matches_single_plans(self, run: Run) -> None:
        t = parse_target("Tốt", run.edition)
        many = plan_all(run, t)
        for res in many[:5]:
            one = plan(run, res.unit, t).result
            assert [(s.leaf, s.to) for s in one.chosen] == [(s.leaf, s.to) for s in res.chosen]


class TestPlanAllChosen:
    """The report's plans (only the chosen changes, greedy for all units at once when every
    change costs the same) are plan_all's plans, whatever the target and the costs."""

    @pytest.mark.parametrize("target", ["Tốt", "Xuất sắc", "Khá", "rank:3", "group:1",
                                        "points:60"])
    def test_same_as_plan_all(self, sample_runs: list[Run], target: str) -> None:
        for run in sample_runs:
            t = parse_target(target, run.edition)
            rows = np.arange(len(run.units))
            ranked = rows[run.inputs.ranked] if t.kind in ("rank", "group") else rows
            for costs in (None, Costs(np.full(len(run.edition.leaves), 2.0),
                                      np.zeros(len(run.edition.leaves)))):
                full = plan_all(run, t, costs, ranked)
                lean = plan_all_chosen(run, t, ranked, costs)
                assert [(r.chosen, r.solution) for r in full] == lean

    def test_uneven_costs_take_the_full_path(self, run: Run) -> None:
        costs = Costs.unit(run.edition)
        costs.cost[::3] = 3.0
        costs.per_step[1::4] = 0.5
        costs.cost[2] = math.nan  # not to be changed
        t = parse_target("Tốt", run.edition)
        rows = np.arange(len(run.units))
        full = plan_all(run, t, costs, rows)
        assert [(r.chosen, r.solution) for r in full] == plan_all_chosen(run, t, rows, costs)
        assert any(r.chosen for r in full)


# ---------------------------------------------------------------------------- targets and costs


class TestTargetsAndCosts:
    """Targets parse by band name, rank:N, group:N or points:X; costs from YAML or CSV."""

    def test_targets(self, run: Run) -> None:
        assert parse_target("tốt", run.edition).value == 80
        assert parse_target("rank:3", run.edition).kind == "rank"
        assert parse_target("points:85,5", run.edition).value == 85.5
        bare = parse_target("3", run.edition)  # CONTRACT: --target BAND_OR_RANK
        assert (bare.kind, bare.value) == ("rank", 3.0)
        for bad, named in (("Giỏi", '"Giỏi"'), ("rank:0", '"0"'), ("rank:x", '"x"'),
                           ("points:abc", '"abc"'), ("0", '"0"')):
            with pytest.raises(ValueError, match=re.escape(named)) as err:  # names what is wrong
                parse_target(bad, run.edition)
            assert named in said(err.value, "vi")  # and says it in Vietnamese too

    def test_costs_yaml_parent_and_exclusion(self, run: Run, tmp_path: Path) -> None:
        path = tmp_path / "c.yaml"
        path.write_text('default: 2\n"1": 3\n"1.1": {cost: 1, per_step: 0.5}\n"7.2": "-"\n')
        c = read_costs(path, run.edition)
        idx = run.edition.leaf_index
        assert c.cost[idx["1.3"]] == 3
        assert c.cost[idx["1.1.2"]] == 1
        assert c.per_step[idx["1.1.3"]] == 0.5
        assert c.cost[idx["2.2"]] == 2
        assert math.isnan(c.cost[idx["7.2.1"]])

    def test_costs_csv(self, run: Run, tmp_path: Path) -> None:
        path = tmp_path / "c.csv"
        path.write_text("criterion,cost\n1.3,4\n7.1.1,\n")
        c = read_costs(path, run.edition)
        assert c.cost[run.edition.leaf_index["1.3"]] == 4
        assert math.isnan(c.cost[run.edition.leaf_index["7.1.1"]])

    def test_excluded_criteria_are_not_planned(self, run: Run, tmp_path: Path) -> None:
        path = tmp_path / "c.csv"
        path.write_text("criterion,cost\n7,\n")
        p = plan(run, run.unit_index("SM07"), parse_target("Tốt", run.edition),
                 read_costs(path, run.edition))
        assert all(not run.edition.leaves[s.leaf].code.startswith("7.")
                   for s in p.result.chosen)

    def test_bad_costs_name_the_problem(self, run: Run, tmp_path: Path) -> None:
        from parindex.errors import EvidenceError

        path = tmp_path / "c.yaml"
        path.write_text('"9.9": 1\n"1.3": -2\n')
        with pytest.raises(EvidenceError) as exc:
            read_costs(path, run.edition)
        text = str(exc.value)
        assert '"9.9" is not a criterion' in text
        assert '"-2" is not a cost' in text

    def test_unit_costs_count_changes(self, run: Run) -> None:
        p = plan(run, run.unit_index("SM08"), parse_target("Tốt", run.edition),
                 Costs.unit(run.edition))
        assert p.result.solution.cost == len(p.result.chosen)


# ---------------------------------------------------------------------------- CLI


class TestPlanCLI:
    """`parindex plan` prints the plan; its JSON changes fed to whatif give the same after."""

    def test_json_round_trip_through_whatif(self) -> None:
        res = runner.invoke(app, ["plan", str(SAMPLE), "SM07", "--target", "Tốt", "-f",
                                  "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert data["reachable"]
        assert data["after"]["band"] in ("Tốt", "Xuất sắc")
        sets = [arg for c in data["changes"] for arg in ("--set", f"{c['criterion']}={c['to']}")]
        res2 = runner.invoke(app, ["whatif", str(SAMPLE), "SM07", *sets, "-f", "json"])
        assert res2.exit_code == 0, res2.output
        assert json.loads(res2.stdout)["after"] == data["after"]

    @pytest.mark.parametrize("fmt", ["table", "csv"])
    def test_table_and_csv(self, fmt: str) -> None:
        res = runner.invoke(app, ["plan", str(SAMPLE), "SM08", "-t", "rank:5", "-f", fmt,
                                  "--lang", "en", "--all"])
        assert res.exit_code == 0, res.output
        assert "Points gained" in res.stdout

    def test_bad_target_is_a_usage_error(self) -> None:
        res = runner.invoke(app, ["plan", str(SAMPLE), "SM08", "-t", "Giỏi"])
        assert res.exit_code == 2

    def test_unknown_unit_exits_1_without_traceback(self) -> None:
        res = runner.invoke(app, ["plan", str(SAMPLE), "XX99", "-t", "Tốt"])
        assert res.exit_code == 1
        assert "Traceback" not in res.output

    def test_costs_file(self, tmp_path: Path) -> None:
        path = tmp_path / "c.yaml"
        path.write_text('default: 1\n"7.1.1": 10\n')
        res = runner.invoke(app, ["plan", str(SAMPLE), "SM07", "-t", "Tốt", "--costs",
                                  str(path), "-f", "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert "7.1.1" not in [c["criterion"] for c in data["changes"]]


# ---------------------------------------------------------------------------- levers


class TestLevers:
    """A plan changes what the unit can act on: not a not-applicable leaf (a fact about the
    unit) nor a survey result (its citizens' answers), unless asked to; a target that needs
    them says so."""

    def _offered(self, run: Run, code: str, levers: Levers | None = None) -> set[str]:
        i = run.unit_index(code)
        return {run.edition.leaves[ls[0].leaf].code for ls in steps_for(run, i, levers)}

    def test_not_applicable_is_not_a_lever(self, run: Run) -> None:
        assert "5.2" not in self._offered(run, "SM01")  # 5.2 is not applicable to SM01
        assert "5.2" in self._offered(run, "SM01", Levers(allow_na=True))

    def test_survey_is_not_a_lever(self, run: Run) -> None:
        survey = {lf.code for lf in run.edition.leaves if lf.survey}
        assert not survey & self._offered(run, "SM08")
        assert survey & self._offered(run, "SM08", Levers(include_survey=True))

    def test_no_plan_un_nas_a_leaf(self, run: Run) -> None:
        t = parse_target("points:100", run.edition)
        for code in ("SM01", "SM07", "NN05"):
            p = plan(run, run.unit_index(code), t)
            i = p.unit
            na = run.scores.leaf_applicable[i] == 0
            assert (p.after.scores.leaf_applicable[i][na] == 0).all(), code
            assert p.after.scores.applicable_max[i] == run.scores.applicable_max[i]

    def test_a_target_out_of_reach_says_what_it_needs(self, run: Run) -> None:
        i = run.unit_index("SM01")  # 5.2 is not applicable: the max is below 100
        t = parse_target(f"points:{run.scores.applicable_max[i] + 0.5}", run.edition)
        p = plan(run, i, t)
        assert not p.reachable()  # its survey answers fall short of full marks too
        assert p.needs == ("allow_na", "include_survey")
        assert p.to_json()["needs"] == ["allow_na", "include_survey"]
        wider = plan(run, i, t, levers=Levers(allow_na=True, include_survey=True))
        assert wider.reachable()
        assert wider.needs == ()

    def test_a_reachable_plan_needs_nothing(self, run: Run) -> None:
        p = plan(run, run.unit_index("SM08"), parse_target("Tốt", run.edition))
        assert p.reachable()
        assert p.to_json()["needs"] == []

    def test_cli_levers(self) -> None:
        base = ["plan", str(SAMPLE), "SM01", "--target", "points:99", "--format", "json"]
        narrow = json.loads(CliRunner().invoke(app, base).stdout)
        assert narrow["reachable"] is False
        assert narrow["needs"] == ["allow_na", "include_survey"]
        wide = json.loads(CliRunner().invoke(app, [*base, "--allow-na",
                                                   "--include-survey"]).stdout)
        assert wide["reachable"] is True
        assert wide["needs"] == []

"""Scoring: the vectorised engine (:mod:`.engine`, with :func:`.engine.totals`, the one
total and index formula), ranking and banding (:mod:`.rank`) and the :class:`.run.Run` that
keeps every stage. The only score arithmetic of parindex lives here."""

from parindex.scoring.engine import Scores, leaf_points, points, score, totals
from parindex.scoring.rank import assign_bands, rank
from parindex.scoring.run import Change, Run

__all__ = ["Change", "Run", "Scores", "assign_bands", "leaf_points", "points", "rank", "score",
           "totals"]

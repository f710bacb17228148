"""Analysis of scored runs: what-if, plans, improvements, weak criteria, trends across years
and the Monte Carlo uncertainty of ranks. Works on :class:`parindex.scoring.run.Run` objects;
renders nothing (that is :mod:`parindex.report`)."""

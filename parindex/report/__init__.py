"""Everything a user reads: the league-rows frame, terminal and CSV tables, the published
layout, Excel workbooks, charts and the HTML report. Renders runs and analyses; computes no
scores."""

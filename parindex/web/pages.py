"""The addresses of a cycle's pages: the unit's self-assessment (and its workbook), the
office's (progress, league, a unit's explanation and plan, downloads, the periodic papers),
and the appraisal rounds' (the council's appraisal page, a leaf's history, the office's
round controls and the record)."""

from __future__ import annotations

from parindex.web import office_pages, office_periodic, office_rounds, round_pages, unit_pages

urlpatterns = [*unit_pages.urlpatterns, *office_pages.urlpatterns, *round_pages.urlpatterns,
               *office_rounds.urlpatterns, *office_periodic.urlpatterns]

"""The addresses of a cycle's pages: the unit's self-assessment (and its
workbook) and the office's."""

from __future__ import annotations

from parindex.web import office_pages, unit_pages, workbook_pages

urlpatterns = [*unit_pages.urlpatterns, *office_pages.urlpatterns,
               *workbook_pages.urlpatterns]

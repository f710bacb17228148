"""The template on paper (issue 11 item 3): printed by LibreOffice to PDF, every page is A4
landscape, the evidence sheet's first page carries the title block and every column heading
(fitted to the width: no column cut off onto a page of its own), and a one-unit template is
a handful of pages."""

from __future__ import annotations

import pytest
from office import Page, pdf_pages, to_pdf
from workbook_helpers import SAMPLE_2024, invoke

from parindex.evidence.labels import label
from parindex.evidence.template_leaves import EVIDENCE_COLUMNS
from parindex.words import t


def _flat(text: str) -> str:
    """Page text with line breaks (a wrapped heading's) as spaces."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    folder = tmp_path_factory.mktemp("print")
    out = folder / "SM01.xlsx"
    result = invoke("template", "xa-2024", "--units", SAMPLE_2024 / "units.csv", "--unit",
                    "SM01", "--out", out, "--year", "2024", inputs=[SAMPLE_2024])
    assert result.exit_code == 0, result.output
    return pdf_pages(to_pdf(out, folder))


class TestPrinted:
    """A4 landscape, headings whole on the first page, title and signature blocks."""

    def test_every_page_a4_landscape(self, pages: list[Page]) -> None:
        assert pages
        assert all(p.a4 and p.landscape for p in pages), [(p.width, p.height) for p in pages]

    def test_evidence_first_page_has_every_heading(self, pages: list[Page]) -> None:
        title = t("tpl.title", "vi", year=2024)
        first = next(p for p in pages if title in p.text)
        text = _flat(first.text)
        for line in (t("tpl.motto", "vi"), t("tpl.motto2", "vi"), "THỊ TRẤN SÔNG MÂY"):
            assert line in text, line
        for col in EVIDENCE_COLUMNS:
            assert _flat(label("evidence", col, "vi")) in text, col

    def test_signature_block_after_the_rows(self, pages: list[Page]) -> None:
        texts = [_flat(p.text) for p in pages]
        signed = [i for i, text in enumerate(texts) if t("tpl.sign", "vi") in text]
        assert len(signed) == 1
        assert t("tpl.sign_hint", "vi") in texts[signed[0]]
        assert "7.2.5" in " ".join(texts[:signed[0] + 1])  # the last leaf comes before it

    def test_page_count_is_sane(self, pages: list[Page]) -> None:
        """Instructions 2, meta, units, evidence (41 rows) ≤ 5, one-stop, reports,
        adjustments: at most a dozen pages."""
        assert 6 <= len(pages) <= 12

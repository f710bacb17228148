"""Every user-facing word of parindex, in Vietnamese and English: one table, one lookup.

:data:`WORDS` maps a key to its text in both languages, ``(vietnamese, english)``; keys are
dotted by where they are shown (``head.`` table headings, ``html.`` the report page,
``col.TABLE.COLUMN`` bundle column headings, ``problem.`` reasons of input problems, …).
Texts may hold ``{placeholders}``, the same ones in both languages (a test checks this, and
that every text is present, non-empty and NFC-normalised).

:func:`t` is the one place the language is chosen: ``"en"`` gives English, anything else
Vietnamese (the default language of reports and templates). Numbers and dates are written by
:mod:`parindex.lang`. Light on purpose: no pandas, no numpy, nothing of parindex but
:mod:`parindex.lang`. :func:`reworded` says a library's English wording (the command-line
parser's, pydantic's) again from the table.

Longer than 300 lines because it is one table, an entry a line, read and translated as one.
"""

from __future__ import annotations

import re

from parindex.lang import typed_text

#: keys whose Vietnamese text is deliberately blank (the description leaves it unsaid)
BLANK_IN_VI = frozenset({"input.value"})

WORDS: dict[str, tuple[str, str]] = {
    # Table headings (score, rank, explain, the workbook)
    "head.stt": ("STT", "No."),
    "head.rank": ("Hạng", "Rank"),
    "head.overall_rank": ("Hạng chung", "Overall rank"),
    "head.group_rank": ("Hạng trong nhóm", "Group rank"),
    "head.code": ("Mã", "Code"),
    "head.unit_code": ("Mã đơn vị", "Unit code"),
    "head.unit": ("Đơn vị", "Unit"),
    "head.group": ("Nhóm", "Group"),
    "head.self_points": ("Tự đánh giá", "Self-assessed"),
    "head.appraised_points": ("Thẩm định", "Appraised"),
    "head.survey_points": ("Điều tra XHH", "Survey"),
    "head.bonus": ("Thưởng", "Bonus"),
    "head.penalty": ("Trừ", "Penalty"),
    "head.total": ("Tổng điểm", "Total"),
    "head.applicable_max": ("Điểm tối đa", "Applicable max"),
    "head.index": ("Chỉ số (%)", "Index (%)"),
    "head.band": ("Xếp loại", "Band"),
    "head.criterion": ("Tiêu chí", "Criterion"),
    "head.max": ("Điểm tối đa", "Max"),
    "head.input_self": ("Số liệu tự đánh giá", "Declared input"),
    "head.input_appr": ("Số liệu thẩm định", "Appraised input"),
    "head.rule": ("Cách chấm", "Rule"),
    "head.self": ("Điểm tự đánh giá", "Self points"),
    "head.appraised": ("Điểm thẩm định", "Appraised points"),
    "head.lost": ("Điểm bị mất", "Points lost"),
    "head.source": ("Tài liệu kiểm chứng", "Evidence"),
    "head.note": ("Ghi chú", "Note"),
    "head.status": ("Trạng thái", "Status"),
    "status.missing": ("thiếu số liệu", "missing"),
    "status.na": ("không áp dụng", "not applicable"),
    "head.rank_words": (", hạng {rank}", ", rank {rank}"),
    # Papers to sign: the annex of the decision and a unit's sheet (rank / explain --format docx)
    "docx.motto_state": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "docx.motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "docx.blank_body": ("TÊN CƠ QUAN ……………", "ISSUING BODY ……………"),
    "docx.annex": ("PHỤ LỤC", "ANNEX"),
    "docx.annex_title": ("KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
                         "PUBLIC ADMINISTRATION REFORM INDEX RESULTS, {year}"),
    "docx.sheet_title": ("KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
                         "PUBLIC ADMINISTRATION REFORM INDEX SCORING SHEET, {year}"),
    "docx.attached": ("(Kèm theo Quyết định số ……/QĐ-…… ngày …… tháng …… năm ……)",
                      "(Attached to Decision No. ……/QĐ-…… dated …… / …… / ……)"),
    "docx.attached_by": ("(Kèm theo Quyết định số ……/QĐ-…… ngày …… tháng …… năm …… "
                         "của {authority})",
                         "(Attached to Decision No. ……/QĐ-…… dated …… / …… / …… "
                         "of {authority})"),
    "docx.sheet_unit": ("Đơn vị: {name} (mã {code}), {group}",
                        "Unit: {name} (code {code}), {group}"),
    "docx.sheet_summary": ("Tổng điểm: {total} trên {max} điểm tối đa; chỉ số: {index}%; "
                           "xếp loại: {band}{rank}.",
                           "Total: {total} of an applicable maximum of {max}; index: "
                           "{index}%; band: {band}{rank}."),
    "docx.head.self": ("Điểm tự đánh giá", "Self-assessed points"),
    "docx.head.appraised": ("Điểm thẩm định", "Appraised points"),
    "docx.head.survey": ("Điểm điều tra XHH", "Survey points"),
    "docx.head.bonus": ("Điểm thưởng", "Bonus points"),
    "docx.head.penalty": ("Điểm trừ", "Penalty points"),
    "docx.sign_for_committee": ("TM. ỦY BAN NHÂN DÂN", "ON BEHALF OF THE PEOPLE'S COMMITTEE"),
    "docx.sign_chair": ("CHỦ TỊCH", "CHAIRPERSON"),
    "docx.sign_director": ("GIÁM ĐỐC", "DIRECTOR"),
    "docx.sign_head_office": ("TRƯỞNG PHÒNG", "HEAD OF OFFICE"),
    "docx.sign_head": ("THỦ TRƯỞNG CƠ QUAN", "HEAD OF AGENCY"),
    "docx.sign_note": ("(Ký, ghi rõ họ tên và đóng dấu)", "(Signature, full name and seal)"),
    "docx.needs_out": ("--format docx ghi một tệp Word: cần --out TỆP.docx",
                       "--format docx writes a Word file: give --out FILE.docx"),
    "cli.help.report_out": ("Tệp HTML cần ghi (mặc định report.html trong thư mục hiện tại).",
                            "The HTML file to write (default: report.html here)."),
    "cli.help.rank_format": ("docx: phụ lục kèm quyết định, in để ký (cần --out).",
                             "docx: the annex of the decision, to sign (with --out)."),
    "cli.help.explain_format": ("docx: phiếu chấm điểm của đơn vị, in để ký (cần --out).",
                                "docx: the unit's scoring sheet, to sign (with --out)."),
    "cli.help.docx_out": ("Ghi kết quả vào tệp này (định dạng theo đuôi tệp).",
                          "Write the result to this file (format from its extension)."),
    # Analysis tables (whatif, plan, weak, uncertainty)
    "label.code": ("Mã", "Code"),
    "label.unit": ("Đơn vị", "Unit"),
    "label.group": ("Nhóm", "Group"),
    "label.criterion": ("Mã tiêu chí", "Criterion"),
    "label.name": ("Tiêu chí", "Name"),
    "label.area": ("Lĩnh vực", "Area"),
    "label.max": ("Điểm tối đa", "Max"),
    "label.points": ("Điểm", "Points"),
    "label.from": ("Hiện tại", "From"),
    "label.to": ("Đề xuất", "To"),
    "label.points_before": ("Điểm trước", "Points before"),
    "label.points_after": ("Điểm sau", "Points after"),
    "label.points_gained": ("Điểm tăng", "Points gained"),
    "label.cost": ("Chi phí", "Cost"),
    "label.level": ("Mức", "Level"),
    "label.lost": ("Điểm bị mất", "Points lost"),
    "label.status": ("Trạng thái", "Status"),
    "label.percent": ("Tỷ lệ điểm (%)", "Share of max (%)"),
    "label.group_median": ("Trung vị nhóm", "Group median"),
    "label.below_median": ("Dưới trung vị nhóm", "Below group median"),
    "label.index": ("Chỉ số (%)", "Index (%)"),
    "label.band": ("Xếp loại", "Band"),
    "label.band_min": ("Ngưỡng xếp loại", "Band minimum"),
    "label.total": ("Tổng điểm", "Total"),
    "label.rank": ("Hạng", "Rank"),
    "label.group_rank": ("Hạng trong nhóm", "Group rank"),
    "label.before": ("Trước", "Before"),
    "label.after": ("Sau", "After"),
    "label.rank_median": ("Hạng trung vị", "Median rank"),
    "label.rank_band": ("Hạng 5–95%", "Rank 5–95%"),
    "label.group_rank_median": ("Hạng nhóm trung vị", "Median group rank"),
    "label.group_rank_band": ("Hạng nhóm 5–95%", "Group rank 5–95%"),
    "label.top_lost": ("Mất nhiều điểm nhất", "Most points lost"),
    "label.areas_below_median": ("Lĩnh vực dưới trung vị nhóm", "Areas below group median"),
    "label.areas_below_band": ("Lĩnh vực dưới ngưỡng xếp loại", "Areas below band minimum"),
    "label.yes": ("có", "yes"),
    "label.missing": ("thiếu số liệu", "missing"),
    "label.na": ("không áp dụng", "not applicable"),
    # The published workbook
    "xlsx.sheet_overall": ("Tổng hợp", "Overall"),
    "xlsx.sheet_detail": ("Chi tiết", "Details"),
    "xlsx.title": (
        "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
        "ADMINISTRATIVE REFORM INDEX (PAR INDEX) {year}"),
    "xlsx.detail_title": (
        "CHI TIẾT ĐIỂM THEO TIÊU CHÍ NĂM {year}",
        "CRITERION-BY-CRITERION SCORING {year}"),
    # The HTML report
    "html.title": (
        "Chỉ số cải cách hành chính năm {year}",
        "Administrative reform index (PAR Index) {year}"),
    "html.league": ("Bảng xếp hạng", "League table"),
    "html.charts": ("Biểu đồ", "Charts"),
    "html.trends": ("Diễn biến qua các năm", "Trends over the years"),
    "html.cards": ("Phiếu kết quả từng đơn vị", "Unit scorecards"),
    "html.sort_hint": ("Bấm vào tiêu đề cột để sắp xếp.", "Click a column heading to sort."),
    "html.areas": ("Lĩnh vực", "Areas"),
    "html.years_table": ("Chỉ số theo năm (%)", "Index by year (%)"),
    "html.derived": (
        "* trước khi sáp nhập: trung bình chỉ số của các đơn vị cũ ({via}).",
        "* before the merger: mean index of the former units ({via})."),
    "html.editions": ("Bộ chỉ số", "Criteria"),
    "html.edition_note": (
        "Các năm theo bộ chỉ số cũ được quy về lĩnh vực của bộ {latest} theo mục "
        "previous của bộ chỉ số; lĩnh vực gộp được tính chung điểm trên điểm tối đa.",
        "Years on an older edition are mapped onto the areas of {latest} through the "
        "edition's previous mapping; merged areas pool their points over their max."),
    "html.rank_line": (
        "Hạng {rank} chung · hạng {group_rank} trong {group}",
        "Rank {rank} overall · {group_rank} in {group}"),
    "html.total_line": (
        "Tổng điểm {total}/{max} · chỉ số {index}%",
        "Total {total}/{max} · index {index}%"),
    "html.gain": ("Nâng lên mức trên", "Up to the next band"),
    "html.plan_to": (
        "Để đạt {band} (từ {min}%): {n} thay đổi",
        "To reach {band} ({min}% or more): {n} change(s)"),
    "html.plan_after": (
        "Chỉ số sau các thay đổi: {index}%.",
        "Index after the changes: {index}%."),
    "html.unreachable": (
        "Chưa thể đạt {band} (từ {min}%) chỉ bằng nâng các tiêu chí; {n} thay đổi "
        "dưới đây đưa chỉ số lên gần nhất, {index}%.",
        "{band} ({min}% or more) cannot be reached by criteria alone; the {n} "
        "change(s) below come closest, to {index}%."),
    "html.top_band": (
        "Đơn vị đã ở mức cao nhất ({band}).",
        "The unit is in the top band ({band})."),
    "html.blank": ("(trống)", "(blank)"),
    "html.rank_range": ("Hạng (90%)", "Rank (90%)"),
    "html.rank_range_title": (
        "Khoảng hạng trong 90% số lần mô phỏng",
        "Rank range in 90% of the simulations"),
    "html.certainty_note": (
        "Mỗi lần mô phỏng, các số liệu thẩm định được lệch ngẫu nhiên trong sai số "
        "thẩm định mặc định và trọng số các lĩnh vực ±{weights}% (hạt giống {seed}; "
        "chạy với tham số khác: parindex uncertainty). Chấm: hạng trung vị; vạch: "
        "khoảng hạng của 90% số lần; hình thoi: hạng công bố. Vạch dài: thứ hạng dễ "
        "đổi khi số liệu lệch một chút.",
        "In each simulation the appraised inputs move at random within the default "
        "appraisal tolerances and the area weights by ±{weights}% (seed {seed}; other"
        " settings: parindex uncertainty). Dot: median rank; bar: the range of 90% of"
        " the simulations; diamond: the published rank. A long bar: a rank that a "
        "small change in the inputs would move."),
    "html.footer": (
        "Lập bằng parindex. Số liệu: {authority}.",
        "Made with parindex. Data: {authority}."),
    # Charts
    "chart.index": ("Chỉ số (%)", "Index (%)"),
    "chart.ranking": ("Xếp hạng theo Chỉ số CCHC năm {year}", "Ranking by PAR Index {year}"),
    "chart.bands": ("Số đơn vị theo xếp loại năm {year}", "Units by band {year}"),
    "chart.units": ("Số đơn vị", "Units"),
    "chart.heatmap": (
        "Chỉ số thành phần theo lĩnh vực năm {year} (%)",
        "Component index by area {year} (%)"),
    "chart.no_band": ("Chưa xếp loại", "No band"),
    "chart.areas_vs_group": (
        "Lĩnh vực so với trung bình nhóm (%)",
        "Areas against the group average (%)"),
    "chart.group_avg": ("Trung bình nhóm", "Group average"),
    "chart.top_lost": ("Tiêu chí mất nhiều điểm nhất", "Most points lost"),
    "chart.lost": ("Điểm bị mất", "Points lost"),
    "chart.on_time": ("Hồ sơ một cửa đúng hạn (%)", "One-stop on time (%)"),
    "chart.unit_trends": (
        "Chỉ số CCHC của từng đơn vị qua các năm",
        "Each unit's PAR Index over the years"),
    "chart.area_trends": (
        "Chỉ số thành phần trung bình theo lĩnh vực qua các năm",
        "Mean component index by area over the years"),
    "chart.year": ("Năm", "Year"),
    "chart.mean_of": ("trung bình của", "mean of"),
    "chart.mapped": ("từ lĩnh vực", "from area"),
    "chart.rank": ("Hạng", "Rank"),
    "chart.rank_uncertainty": (
        "Độ chắc chắn của thứ hạng năm {year} ({draws} lần mô phỏng)",
        "How sure each rank is, {year} ({draws} simulations)"),
    "chart.rank_interval": ("Hạng trung vị và khoảng 90%", "Median rank and 90% range"),
    "chart.published_rank": ("Hạng công bố", "Published rank"),
    "chart.stays_in_band": ("giữ xếp loại", "stays in band"),
    # Bundle column headings in workbooks (CONTRACT §2): col.TABLE.COLUMN;
    # info.COLUMN: the template's informational columns (readers ignore them)
    "col.meta.year": ("Năm đánh giá", "Assessment year"),
    "col.meta.edition": ("Bộ tiêu chí", "Criteria edition"),
    "col.meta.authority": ("Cơ quan đánh giá", "Authority"),
    "col.units.code": ("Mã đơn vị", "Unit code"),
    "col.units.name": ("Tên đơn vị", "Unit name"),
    "col.units.type": ("Loại đơn vị", "Unit type"),
    "col.units.group": ("Nhóm xếp hạng", "Ranking group"),
    "col.units.ranked": ("Được xếp hạng", "Ranked"),
    "col.evidence.unit": ("Mã đơn vị", "Unit code"),
    "col.evidence.criterion": ("Mã tiêu chí", "Criterion code"),
    "col.evidence.value": ("Số liệu tự đánh giá", "Declared value"),
    "col.evidence.appraised": ("Số liệu thẩm định", "Appraised value"),
    "col.evidence.source": ("Tài liệu kiểm chứng", "Evidence documents"),
    "col.evidence.note": ("Ghi chú", "Note"),
    "col.one_stop.unit": ("Mã đơn vị", "Unit code"),
    "col.one_stop.carried_over": ("Kỳ trước chuyển qua", "Carried over"),
    "col.one_stop.received_online": ("Tiếp nhận trực tuyến", "Received online"),
    "col.one_stop.received_direct": ("Tiếp nhận trực tiếp", "Received in person"),
    "col.one_stop.received_post": ("Tiếp nhận qua bưu chính", "Received by post"),
    "col.one_stop.resolved_early": ("Giải quyết trước hạn", "Resolved early"),
    "col.one_stop.resolved_on_time": ("Giải quyết đúng hạn", "Resolved on time"),
    "col.one_stop.resolved_late": ("Giải quyết trễ hạn", "Resolved late"),
    "col.one_stop.pending_in_time": ("Đang giải quyết trong hạn", "Pending, in time"),
    "col.one_stop.pending_overdue": ("Đang giải quyết quá hạn", "Pending, overdue"),
    "col.one_stop.returned": ("Trả lại, rút hồ sơ", "Returned or withdrawn"),
    "col.one_stop.period": ("Kỳ", "Period"),
    "col.one_stop.procedures": ("Số TTHC thực hiện một cửa", "One-stop procedures"),
    "col.reports.unit": ("Mã đơn vị", "Unit code"),
    "col.reports.report": ("Kỳ báo cáo", "Report"),
    "col.reports.submitted": ("Ngày gửi", "Submitted on"),
    "col.adjustments.unit": ("Mã đơn vị", "Unit code"),
    "col.adjustments.kind": ("Loại (thưởng/trừ)", "Kind (bonus/penalty)"),
    "col.adjustments.points": ("Số điểm", "Points"),
    "col.adjustments.reason": ("Lý do", "Reason"),
    "col.lineage.code": ("Mã đơn vị mới", "Unit code"),
    "col.lineage.predecessor": ("Mã đơn vị trước sáp nhập", "Predecessor code"),
    "col.survey.unit": ("Mã đơn vị", "Unit code"),
    "col.survey.respondent": ("Mã phiếu (người trả lời)", "Respondent"),
    "col.survey.question": ("Mã câu hỏi", "Question"),
    "col.survey.answer": ("Phương án trả lời", "Answer"),
    "info.unit_name": ("Tên đơn vị", "Unit name"),
    "info.criterion_name": ("Tên tiêu chí", "Criterion"),
    "info.max": ("Điểm tối đa", "Max points"),
    "info.rule": ("Cách chấm", "How it is scored"),
    "info.enter": ("Cách nhập", "What to enter"),
    "info.area": ("Lĩnh vực", "Area"),
    # Template: what to enter, drop-downs
    "enter.percent": (
        "Tỷ lệ % (0–100), ví dụ 92,5 hoặc 31/75",
        "A percentage (0–100), e.g. 92.5 or 31/75"),
    "enter.number": ("Một số", "A number"),
    "enter.count": ("Số lượng (số nguyên ≥ 0)", "A count (whole number ≥ 0)"),
    "enter.boolean": ("có / không", "yes / no"),
    "enter.key": ("Chọn trong danh sách: {keys}", "Pick from the list: {keys}"),
    "enter.points": ("Số điểm từ 0 đến {max}", "Points from 0 to {max}"),
    "enter.computed": (
        "Tính từ sheet {sheet}; để trống (chỉ nhập nếu hội đồng điều chỉnh)",
        "Computed from sheet {sheet}; leave blank (only for a council correction)"),
    "enter.na": (" — ghi NA nếu không áp dụng", " — write NA if not applicable"),
    "enter.yes_no": ("có,không,NA", "yes,no,NA"),
    "enter.invalid": ("Giá trị không hợp lệ", "Not a valid value"),
    # Template: the printed form (title and signature blocks) and the instructions sheet
    "info.deadline": ("Hạn gửi", "Deadline"),
    "tpl.motto": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "tpl.motto2": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "tpl.title": ("BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
                  "PAR INDEX SELF-ASSESSMENT, {year}"),
    "tpl.units": ("{count} đơn vị", "{count} units"),
    "tpl.place_date": ("…………, ngày …… tháng …… năm ……", "Place and date: ………………"),
    "tpl.sign": ("LÃNH ĐẠO ĐƠN VỊ", "HEAD OF THE UNIT"),
    "tpl.sign_hint": ("(Ký và ghi rõ họ tên)", "(Signature and full name)"),
    "tpl.footer": ("Trang &P/&N", "Page &P of &N"),
    "tpl.guide_sheet": ("Hướng dẫn", "Instructions"),
    "guide.title": ("HƯỚNG DẪN ĐIỀN BẢNG TỰ ĐÁNH GIÁ", "HOW TO FILL IN THIS WORKBOOK"),
    "guide.steps": (
        "Cách làm, theo thứ tự", "What to do, in order"),
    "guide.step1": (
        "1. Mở sheet evidence. Mỗi dòng là một tiêu chí của một đơn vị.",
        "1. Open the sheet evidence. Each row is one criterion of one unit."),
    "guide.step2": (
        "2. Đọc cột \"{rule}\" và \"{enter}\", rồi ghi số liệu vào cột \"{value}\" "
        "(các ô nền vàng). Các ô khác đã khóa.",
        "2. Read the columns \"{rule}\" and \"{enter}\", then write the figure in the column "
        "\"{value}\" (the yellow cells). The other cells are locked."),
    "guide.step3": (
        "3. Ô có danh sách chọn: bấm vào ô, bấm mũi tên và chọn một dòng.",
        "3. A cell with a list: click it, click the arrow and pick a line."),
    "guide.step4": (
        "4. Tỷ lệ: ghi 92,5 hoặc 31/75 (31 trên 75). Các ô nhập đã để dạng văn bản, "
        "nên Excel không đổi 3/4 thành ngày tháng.",
        "4. A percentage: write 92.5 or 31/75 (31 out of 75). The input cells are text, so "
        "Excel does not turn 3/4 into a date."),
    "guide.step5": (
        "5. Tiêu chí không áp dụng với đơn vị: ghi NA (Không áp dụng).",
        "5. A criterion that does not apply to the unit: write NA (not applicable)."),
    "guide.step6": (
        "6. Ghi số, ký hiệu văn bản làm tài liệu kiểm chứng ở cột \"{source}\". "
        "Để trống cột \"{appraised}\": Hội đồng thẩm định ghi cột này.",
        "6. Write the numbers of the documents that prove it in the column \"{source}\". "
        "Leave the column \"{appraised}\" blank: the appraisal council fills it in."),
    "guide.step7": (
        "7. Không đổi tên sheet, không xóa cột, không sửa dòng tiêu đề cột. In sheet evidence "
        "(khổ A4 ngang), lãnh đạo đơn vị ký ở cuối bảng.",
        "7. Do not rename sheets, delete columns or change the heading row. Print the sheet "
        "evidence (A4 landscape); the head of the unit signs at the end."),
    "guide.sheet": ("Sheet", "Sheet"),
    "guide.column": ("Cột", "Column"),
    "guide.meaning": ("Ghi gì", "What to write"),
    "guide.sheet.meta": ("Thông tin chung của bảng; không sửa.",
                         "About the workbook; do not change it."),
    "guide.sheet.units": ("Danh sách đơn vị được đánh giá.", "The units assessed."),
    "guide.sheet.evidence": ("Số liệu tự đánh giá của từng tiêu chí.",
                             "The declared figure of each criterion."),
    "guide.sheet.one_stop": (
        "Số hồ sơ một cửa trong năm, mỗi đơn vị một dòng. Ghi số nguyên; không có hồ sơ "
        "thì ghi 0.",
        "One-stop applications in the year, a row per unit. Write whole numbers; 0 when "
        "there were none."),
    "guide.sheet.reports": (
        "Ngày gửi từng báo cáo CCHC định kỳ (dd/mm/yyyy); hạn gửi ở cột bên phải. Chưa gửi "
        "thì để trống.",
        "The date each periodic report was sent (dd/mm/yyyy); its deadline is in the "
        "column on the right. Not sent: leave it blank."),
    "guide.sheet.adjustments": (
        "Điểm thưởng, điểm trừ (do cơ quan đánh giá ghi).",
        "Bonus and penalty points (filled in by the assessing office)."),
    "guide.col.unit": ("Mã đơn vị; không sửa.", "The unit's code; do not change it."),
    "guide.col.unit_name": ("Tên đơn vị.", "The unit's name."),
    "guide.col.area": ("Lĩnh vực của tiêu chí.", "The criterion's area."),
    "guide.col.criterion": ("Mã tiêu chí; không sửa.", "The criterion's code; do not change it."),
    "guide.col.criterion_name": ("Tên tiêu chí.", "The criterion's name."),
    "guide.col.max": ("Điểm tối đa của tiêu chí.", "The most points the criterion gives."),
    "guide.col.rule": ("Cách tính điểm từ số liệu.", "How the figure becomes points."),
    "guide.col.enter": ("Ghi số liệu dạng nào.", "What kind of figure to write."),
    "guide.col.value": ("Số liệu đơn vị tự đánh giá: điền cột này.",
                        "The unit's own figure: fill in this column."),
    "guide.col.appraised": ("Số liệu Hội đồng thẩm định sửa lại; đơn vị để trống.",
                            "The council's corrected figure; the unit leaves it blank."),
    "guide.col.source": ("Số, ký hiệu, ngày của văn bản kiểm chứng.",
                         "Number and date of the documents that prove the figure."),
    "guide.col.note": ("Giải thích thêm, nếu cần.", "Anything else to explain."),
    "guide.col.code": ("Mã đơn vị, không trùng nhau.", "The unit's code, each once."),
    "guide.col.name": ("Tên đơn vị.", "The unit's name."),
    "guide.col.type": ("Loại: xa (xã), phuong (phường), thi_tran (thị trấn), …",
                       "Type: xa (commune), phuong (ward), thi_tran (town), …"),
    "guide.col.group": ("Nhóm xếp hạng (huyện hoặc tỉnh).",
                        "The ranking group (a district or a province)."),
    "guide.col.report": ("Kỳ báo cáo.", "The report."),
    "guide.col.submitted": ("Ngày gửi báo cáo, dd/mm/yyyy.", "The date it was sent, dd/mm/yyyy."),
    "guide.col.deadline": ("Hạn gửi báo cáo.", "The deadline of the report."),
    "guide.col.kind": ("thưởng hoặc trừ.", "bonus or penalty."),
    "guide.col.points": ("Số điểm.", "The points."),
    "guide.col.reason": ("Lý do, văn bản căn cứ.", "The reason and its document."),
    "guide.col.ranked": ("có: đơn vị được xếp hạng; không: chỉ chấm điểm, không xếp hạng.",
                         "yes: the unit is ranked; no: scored but not ranked."),
    "guide.col.year": ("Năm đánh giá; không sửa.", "The assessment year; do not change it."),
    "guide.col.edition": ("Bộ tiêu chí dùng để chấm; không sửa.",
                          "The criteria the units are scored by; do not change it."),
    "guide.col.authority": ("Cơ quan đánh giá, xếp hạng.", "Who assesses and ranks."),
    "guide.col.count": ("Số hồ sơ, số nguyên ≥ 0; không có thì ghi 0.",
                        "A number of applications, a whole number ≥ 0; 0 when none."),
    # Where a leaf's number comes from (criteria show, templates)
    "input.percent": ("tỷ lệ %", "percent"),
    "input.value": ("", "value"),
    "input.one_stop": ("{metric}{over}", "one-stop {metric}{over}"),
    "input.over": (" trên số hồ sơ {denominator}", " over {denominator}"),
    "input.reports": ("số báo cáo {status} ({of})", "reports {status} of {of}"),
    "input.one_stop.on_time_rate": ("tỷ lệ hồ sơ một cửa đúng hạn", "on_time_rate"),
    "input.one_stop.online_rate": ("tỷ lệ hồ sơ tiếp nhận trực tuyến", "online_rate"),
    "input.one_stop.late_count": ("số hồ sơ trễ hạn", "late_count"),
    "input.one_stop.overdue_pending": ("số hồ sơ quá hạn chưa giải quyết", "overdue_pending"),
    "input.denominator.resolved": ("đã giải quyết", "resolved"),
    "input.denominator.due": ("đến hạn", "due"),
    "input.denominator.received": ("tiếp nhận", "received"),
    "input.reports.on_time": ("đúng hạn", "on_time"),
    "input.reports.late": ("trễ hạn", "late"),
    "input.reports.missing": ("không nộp", "missing"),
    "input.survey": ("tỷ lệ % hài lòng qua điều tra ({questions})",
                     "survey satisfaction % of {questions}"),
    # criteria show --format table
    "show.code": ("Mã", "code"),
    "show.name": ("Tên", "name"),
    "show.max": ("Điểm tối đa", "max"),
    "show.input": ("Số liệu", "input"),
    "show.rule": ("Cách chấm", "rule"),
    "show.survey": ("Điều tra XHH", "survey"),
    "show.not_applicable": ("Không áp dụng", "not_applicable"),
    # parindex demo
    "demo.year": (
        "{year}: {edition}, {n} đơn vị, chỉ số trung bình {mean}%, cao nhất {best}%, "
        "thấp nhất {worst}%",
        "{year}: {edition}, {n} units, mean index {mean}%, best {best}%, worst {worst}%"),
    "demo.wrote": (
        "đã ghi kết quả {n} năm vào {out} và {report}",
        "wrote {n} years of results under {out}, and {report}"),
    # How a leaf's number becomes points (criteria show, templates, explain)
    "rule.manual": ("điểm chấm trực tiếp (0…{max})", "points given (0…{max})"),
    "rule.boolean": ("có → {max}; không → 0", "yes → {max}, no → 0"),
    "rule.options": ("lựa chọn {items}", "options {items}"),
    "rule.levels": ("mức {items}", "levels {items}"),
    "rule.list_sep": ("; ", ", "),  # commas are decimal marks in Vietnamese
    "rule.bands": ("theo ngưỡng {bands}; còn lại 0", "bands {bands}; otherwise 0"),
    "rule.proportional": ("{max} × min(x / {target}; 1){floor}",
                          "{max} × min(x / {target}, 1){floor}"),
    "rule.proportional_floor": (", dưới {floor}: 0", ", 0 below {floor}"),
    "rule.deduction": ("{max} − {per_item} mỗi trường hợp, không dưới {floor}",
                       "{max} − {per_item} per item, not below {floor}"),
    # Criteria in a workbook (criteria export / import, criteria/rule_text.py, workbook*.py):
    # ruletext. the written rule and input keywords, critbook. sheets, headings and fields
    "ruletext.manual": ("chấm trực tiếp", "manual"),
    "ruletext.boolean": ("có/không", "yes/no"),
    "ruletext.options": ("lựa chọn", "options"),
    "ruletext.levels": ("mức", "levels"),
    "ruletext.bands": ("ngưỡng", "bands"),
    "ruletext.proportional": ("tỷ lệ", "proportional"),
    "ruletext.deduction": ("trừ", "deduction"),
    "ruletext.target": ("mục tiêu", "target"),
    "ruletext.floor": ("sàn", "floor"),
    "ruletext.per_item": ("mỗi lần", "per item"),
    "ruletext.value": ("số liệu", "value"),
    "ruletext.percent": ("tỷ lệ %", "percent"),
    "ruletext.one_stop": ("một cửa", "one-stop"),
    "ruletext.reports": ("báo cáo", "reports"),
    "ruletext.survey": ("điều tra", "survey"),
    "critbook.meta.survey_answers": ("Phương án trả lời điều tra (phương án, %)",
                                     "Survey answer (answer, %)"),
    "critbook.meta.min_respondents": ("Số người trả lời tối thiểu", "Minimum respondents"),
    "problem.critbook.question_id": (
        "câu hỏi điều tra {quoted} chứa dấu phẩy hoặc ngoặc nên không ghi được vào sổ tính",
        "survey question {quoted} holds a comma or a bracket and cannot be written in a "
        "workbook"),
    "critbook.sheet.meta": ("meta", "meta"),
    "critbook.sheet.nodes": ("tiêu chí", "criteria"),
    "critbook.col.depth": ("Cấp", "Depth"),
    "critbook.col.code": ("Mã", "Code"),
    "critbook.col.name": ("Tên tiêu chí", "Name"),
    "critbook.col.max": ("Điểm tối đa", "Max"),
    "critbook.col.input": ("Nguồn số liệu", "Input"),
    "critbook.col.score": ("Cách chấm", "Rule"),
    "critbook.col.survey": ("Điều tra XHH", "Survey"),
    "critbook.col.not_applicable": ("Không phát sinh", "Not applicable"),
    "critbook.col.owner": ("Đơn vị thu thập", "Owner"),
    "critbook.col.evidence": ("Tài liệu kiểm chứng", "Evidence"),
    "critbook.col.description": ("Mô tả", "Description"),
    "critbook.meta.field": ("Mục", "Field"),
    "critbook.meta.value": ("Giá trị", "Value"),
    "critbook.meta.value2": ("Giá trị thứ hai", "Second value"),
    "critbook.meta.edition": ("Mã bộ chỉ số", "Edition id"),
    "critbook.meta.title": ("Tên bộ chỉ số", "Title"),
    "critbook.meta.level": ("Cấp đánh giá", "Level"),
    "critbook.meta.valid_from": ("Áp dụng từ năm", "Valid from"),
    "critbook.meta.valid_until": ("Áp dụng đến năm", "Valid until"),
    "critbook.meta.legal_basis": ("Căn cứ", "Legal basis"),
    "critbook.meta.description": ("Mô tả", "Description"),
    "critbook.meta.scale": ("Thang điểm", "Scale"),
    "critbook.meta.not_applicable": ("Không phát sinh (mặc định)", "Not applicable (default)"),
    "critbook.meta.ties": ("Đồng hạng", "Ties"),
    "critbook.meta.bonus_max": ("Điểm thưởng tối đa", "Bonus cap"),
    "critbook.meta.penalty_max": ("Điểm trừ tối đa", "Penalty cap"),
    "critbook.meta.band": ("Xếp loại (tên, từ %)", "Band (name, from %)"),
    "critbook.meta.calendar": ("Hạn báo cáo (kỳ, MM-DD)", "Report deadline (report, MM-DD)"),
    "critbook.meta.previous_edition": ("Bộ chỉ số trước", "Previous edition"),
    "critbook.meta.previous_area": ("Lĩnh vực tương ứng bộ trước", "Previous areas"),
    "critbook.no": ("không", "no"),
    "critbook.wrote": ("đã ghi {out}", "wrote {out}"),
    "help.cmd.criteria_export": (
        "Ghi một bộ chỉ số ra sổ tính Excel (sheet meta và sheet tiêu chí) để văn phòng sửa."
        "\n\nVí dụ: parindex criteria export xa-2024 --out xa-2024.xlsx",
        "Write an edition as an Excel workbook (a meta sheet and a criteria sheet) to edit."
        "\n\nExample: parindex criteria export xa-2024 --out xa-2024.xlsx"),
    "help.cmd.criteria_import": (
        "Đọc sổ tính bộ chỉ số thành tệp YAML, kiểm tra như criteria check; lỗi ghi rõ sheet"
        " và ô.\n\nVí dụ: parindex criteria import xa-2024.xlsx --out xa-2024.yaml",
        "Read an edition workbook into a YAML file, checked as criteria check does; problems"
        " name the sheet and cell.\n\nExample: parindex criteria import xa-2024.xlsx --out "
        "xa-2024.yaml"),
    "critbook.help_out_xlsx": ("Sổ tính .xlsx cần ghi.", "The .xlsx workbook to write."),
    "critbook.help_out_yaml": ("Tệp YAML cần ghi (không có: in ra màn hình).",
                               "The YAML file to write (none: print it)."),
    "critbook.help_lang": ("Ngôn ngữ của tiêu đề và cách chấm.",
                           "Language of the headings and rules."),
    "critbook.help_lang_import": ("Ngôn ngữ của thông báo.", "Language of the messages."),
    "critbook.out_not_xlsx": ("--out {out}: criteria export ghi sổ tính .xlsx",
                              "--out {out}: criteria export writes an .xlsx workbook"),
    "problem.critbook.out_is_input": (
        "là tệp bộ chỉ số đầu vào ({source}); ghi vào đó sẽ xoá mất nó",
        "is the edition being exported ({source}); writing there would replace it"),
    "hint.critbook.out_is_input": ("hãy chọn tệp khác cho --out", "choose another file for --out"),
    "problem.critbook.unreadable": ("không mở được sổ tính: {reason}",
                                    "cannot open the workbook: {reason}"),
    "problem.critbook.sheet_missing": ("sổ tính không có sheet {sheet}",
                                       "the workbook has no sheet {sheet}"),
    "hint.critbook.sheet_missing": (
        "cần sheet meta và sheet tiêu chí (hoặc criteria); lấy mẫu bằng parindex criteria "
        "export",
        "it needs a meta sheet and a criteria (or tiêu chí) sheet; get one with parindex "
        "criteria export"),
    "problem.critbook.no_heading": ("không thấy dòng tiêu đề cột ({columns})",
                                    "no heading row found ({columns})"),
    "problem.critbook.columns_missing": ("thiếu cột {columns}", "missing column(s) {columns}"),
    "problem.critbook.column_unknown": ("cột không biết {quoted} bị bỏ qua",
                                        "unknown column {quoted} is ignored"),
    "problem.critbook.no_rows": ("sheet không có tiêu chí nào", "the sheet lists no criterion"),
    "problem.critbook.depth": ("{quoted} không phải cấp (số nguyên từ 1)",
                               "{quoted} is not a depth (a whole number from 1)"),
    "problem.critbook.depth_jump": (
        "cấp {depth} ngay sau cấp {previous}: mỗi tiêu chí con chỉ sâu hơn tiêu chí cha một "
        "cấp, và dòng đầu là một lĩnh vực (cấp 1)",
        "depth {depth} right after depth {previous}: a sub-criterion is one level below its "
        "parent, and the first row is an area (depth 1)"),
    "problem.critbook.blank": ("bị trống", "is blank"),
    "problem.critbook.code_twice": ("mã {quoted} đã dùng ở {first}",
                                    "code {quoted} is already used at {first}"),
    "problem.critbook.number": ("{quoted} không phải số", "{quoted} is not a number"),
    "problem.critbook.year": ("{quoted} không phải năm", "{quoted} is not a year"),
    "problem.critbook.yes_no": ("{quoted} không phải có/không", "{quoted} is not yes/no"),
    "problem.critbook.na_policy": (
        "{quoted} không phải cách tính khi không phát sinh (rebase, full, forbidden)",
        "{quoted} is not a not-applicable policy (rebase, full, forbidden)"),
    "problem.critbook.parent_rule": (
        "tiêu chí có tiêu chí con không ghi {what}: {quoted}",
        "a criterion with sub-criteria has no {what}: {quoted}"),
    "problem.critbook.leaf_needs": ("tiêu chí không có tiêu chí con cần ghi {what}",
                                    "a criterion without sub-criteria needs {what}"),
    "problem.critbook.meta_unknown": ("mục không biết {quoted} bị bỏ qua",
                                      "unknown field {quoted} is ignored"),
    "problem.critbook.meta_twice": ("mục {quoted} được ghi hai lần",
                                    "the field {quoted} is given twice"),
    "problem.critbook.check": ("không đạt kiểm tra bộ chỉ số: {message}",
                               "fails the criteria check: {message}"),
    "problem.critbook.rule_blank": ("chưa ghi cách chấm", "no rule is written"),
    "problem.critbook.rule_quote": ("dấu ngoặc kép chưa đóng", "a quotation mark is not closed"),
    "problem.critbook.rule_number": ("{quoted} trong {item} không phải số",
                                     "{quoted} in {item} is not a number"),
    "problem.critbook.rule_item": ("không đọc được {item}; hãy viết như {form}",
                                   "cannot read {item}; write it like {form}"),
    "problem.critbook.rule_twice": ("{quoted} được ghi hai lần", "{quoted} is written twice"),
    "problem.critbook.rule_param": ("{item} không phải tham số của cách chấm này ({known})",
                                    "{item} is not a setting of this rule ({known})"),
    "problem.critbook.rule_no_items": ("cách chấm {kind} không ghi gì sau dấu hai chấm",
                                       "the rule {kind} takes nothing after a colon"),
    "problem.critbook.rule_invalid": ("cách chấm không hợp lệ: {reason}",
                                      "the rule is not valid: {reason}"),
    "problem.critbook.input_unknown": ("{quoted} không phải nguồn số liệu đã biết",
                                       "{quoted} is not a known input"),
    "hint.critbook.input_unknown": (
        "để trống (số liệu đơn vị nhập), tỷ lệ %, một cửa: on_time_rate / due, báo cáo: "
        "on_time (Q1, H1, Q3, YEAR), điều tra: Q1, Q2",
        "blank (the unit's value), percent, one-stop: on_time_rate / due, reports: on_time "
        "(Q1, H1, Q3, YEAR), survey: Q1, Q2"),
    "problem.critbook.input_part": ("không đọc được {quoted} (đã biết: {known})",
                                    "cannot read {quoted} (known: {known})"),
    "problem.critbook.report_id": (
        "kỳ báo cáo {quoted} chứa dấu phẩy, ngoặc hoặc khoảng trắng ở đầu, cuối nên không ghi "
        "được vào sổ tính",
        "report {quoted} holds a comma, a bracket or surrounding spaces and cannot be written "
        "in a workbook"),
    "problem.critbook.unwritten": (
        "bộ chỉ số dùng {fields}, chưa ghi được vào sổ tính; hãy sửa tệp YAML",
        "the edition uses {fields}, which a workbook cannot hold yet; edit the YAML file"),
    "hint.critbook.rule_item": (
        "ví dụ: >90: 2; >=70: 1 · dung_han = 1; tre_han = 0,5 · mức: tot = 1; kha = 0,5 · "
        "tỷ lệ: mục tiêu = 100; sàn = 0 · trừ: mỗi lần = 0,5; sàn = 0 · có/không · chấm "
        "trực tiếp",
        "e.g. >90: 2; >=70: 1 · dung_han = 1; tre_han = 0.5 · levels: good = 1; fair = 0.5 · "
        "proportional: target = 100; floor = 0 · deduction: per item = 0.5; floor = 0 · "
        "yes/no · manual"),
    "hint.critbook.rule_blank": (
        "ví dụ: >90: 2; >=70: 1 · dung_han = 1; tre_han = 0,5 · mức: tot = 1; kha = 0,5 · "
        "tỷ lệ: mục tiêu = 100; sàn = 0 · trừ: mỗi lần = 0,5; sàn = 0 · có/không · chấm "
        "trực tiếp",
        "e.g. >90: 2; >=70: 1 · dung_han = 1; tre_han = 0.5 · levels: good = 1; fair = 0.5 · "
        "proportional: target = 100; floor = 0 · deduction: per item = 0.5; floor = 0 · "
        "yes/no · manual"),
    # The one-stop annex (report.one_stop_annex, `parindex one-stop`; seed 002, Phụ lục 2)
    "annex.title": ("Kết quả thực hiện cơ chế một cửa, một cửa liên thông {period} {year}",
                    "One-stop and inter-agency one-stop results, {period} {year}"),
    "annex.period.Q1": ("quý I năm", "Q1"),
    "annex.period.Q2": ("quý II năm", "Q2"),
    "annex.period.Q3": ("quý III năm", "Q3"),
    "annex.period.Q4": ("quý IV năm", "Q4"),
    "annex.period.H1": ("6 tháng đầu năm", "first half of"),
    "annex.period.9M": ("9 tháng đầu năm", "first nine months of"),
    "annex.period.YEAR": ("năm", "year"),
    "annex.group.so_phong": ("Sở, ban, ngành và phòng, ban chuyên môn",
                             "Departments and specialised offices"),
    "annex.group.huyen": ("UBND cấp huyện", "District people's committees"),
    "annex.group.xa": ("UBND cấp xã (xã, phường, thị trấn)",
                       "Commune-level people's committees"),
    "annex.sheet": ("Phụ lục một cửa", "One-stop annex"),
    "annex.subtotal": ("Cộng", "Subtotal"),
    "annex.total": ("Tổng cộng", "Total"),
    "annex.col.stt": ("STT", "No."),
    "annex.col.name": ("Tên cơ quan, đơn vị", "Unit"),
    "annex.col.procedures": ("Tổng số TTHC", "Procedures"),
    "annex.col.carried_over": ("Kỳ trước chuyển qua", "Carried over"),
    "annex.col.received_online": ("Mới tiếp nhận trực tuyến", "Received online"),
    "annex.col.received_direct": ("Mới tiếp nhận trực tiếp", "Received in person"),
    "annex.col.received_post": ("Mới tiếp nhận qua bưu chính", "Received by post"),
    "annex.col.resolved_early": ("Giải quyết trước hạn", "Resolved early"),
    "annex.col.resolved_on_time": ("Giải quyết đúng hạn", "Resolved on time"),
    "annex.col.resolved_late": ("Giải quyết trễ hạn", "Resolved late"),
    "annex.col.on_time_rate": ("Tỷ lệ đúng hạn (%)", "On time (%)"),
    "annex.col.returned": ("Trả lại, rút hồ sơ", "Returned or withdrawn"),
    "annex.col.pending_in_time": ("Đang giải quyết trong hạn", "Pending, in time"),
    "annex.col.pending_overdue": ("Đang giải quyết quá hạn", "Pending, overdue"),
    "annex.band.received": ("Số hồ sơ nhận giải quyết", "Applications received"),
    "annex.band.resolved": ("Số hồ sơ đã giải quyết", "Applications resolved"),
    "annex.band.pending": ("Số hồ sơ đang giải quyết", "Applications pending"),
    "annex.short.received_online": ("Trực tuyến", "Online"),
    "annex.short.received_direct": ("Trực tiếp", "In person"),
    "annex.short.received_post": ("Bưu chính", "By post"),
    "annex.short.resolved_early": ("Trước hạn", "Early"),
    "annex.short.resolved_on_time": ("Đúng hạn", "On time"),
    "annex.short.resolved_late": ("Trễ hạn", "Late"),
    "annex.short.pending_in_time": ("Trong hạn", "In time"),
    "annex.short.pending_overdue": ("Quá hạn", "Overdue"),
    "annex.without": ("không có số liệu một cửa {period}: {units}",
                      "no one-stop figures for {period}: {units}"),
    # Periodic reports followed up (report.report_followup, `parindex reports`)
    "followup.title": ("Theo dõi báo cáo CCHC định kỳ năm {year}",
                       "Periodic CCHC reports, {year}"),
    "followup.remind_title": ("Đơn vị cần nhắc gửi báo cáo (tính đến {date})",
                              "Units to remind (as of {date})"),
    "followup.sheet.reports": ("Báo cáo định kỳ", "Periodic reports"),
    "followup.sheet.remind": ("Cần nhắc", "To remind"),
    "followup.col.stt": ("STT", "No."),
    "followup.col.unit": ("Mã đơn vị", "Unit code"),
    "followup.col.name": ("Đơn vị", "Unit"),
    "followup.col.report": ("Kỳ báo cáo", "Report"),
    "followup.col.deadline": ("Hạn gửi", "Deadline"),
    "followup.col.submitted": ("Ngày gửi", "Sent on"),
    "followup.col.days_late": ("Số ngày trễ", "Days late"),
    "followup.col.status": ("Tình trạng", "Status"),
    "followup.col.missing": ("Báo cáo chưa gửi", "Reports not sent"),
    "followup.status.on_time": ("đúng hạn", "on time"),
    "followup.status.late": ("trễ {days} ngày", "{days} days late"),
    "followup.status.missing": ("chưa gửi", "not sent"),
    "followup.none_to_remind": ("không có đơn vị nào cần nhắc", "no unit to remind"),
    # Help of `parindex one-stop` and `parindex reports` (cli.periodic_cmd)
    "help.cmd.one-stop": (
        "Phụ lục kết quả một cửa, một cửa liên thông của báo cáo định kỳ (theo nhóm đơn vị, "
        "có dòng cộng từng nhóm và dòng tổng cộng).\n\nVí dụ: parindex one-stop "
        "parindex/samples/sample_district/2024 --period H1 --out phu-luc.xlsx",
        "The one-stop annex of the periodic report (units grouped by kind, a subtotal per "
        "group and a total row).\n\nExample: parindex one-stop "
        "parindex/samples/sample_district/2024 --period H1 --out phu-luc.xlsx"),
    "help.periodic.period": (
        "Kỳ: Q1, Q2, Q3, Q4, H1 (6 tháng), 9M (9 tháng) hoặc YEAR (cả năm).",
        "Period: Q1, Q2, Q3, Q4, H1 (half year), 9M (nine months) or YEAR."),
    "help.cmd.reports": (
        "Theo dõi báo cáo CCHC định kỳ: hạn gửi, ngày gửi, số ngày trễ, tình trạng của từng "
        "đơn vị, và các đơn vị cần nhắc.\n\nVí dụ: parindex reports "
        "parindex/samples/sample_district/2024",
        "Periodic reports followed up: each unit's deadline, date sent, days late and status, "
        "and the units to remind.\n\nExample: parindex reports "
        "parindex/samples/sample_district/2024"),
    "help.periodic.as_of": (
        "Ngày tính các đơn vị cần nhắc (dd/mm/yyyy; mặc định: hôm nay).",
        "The date the units to remind are counted at (dd/mm/yyyy; default: today)."),
    "help.periodic.format": (
        "Định dạng: table, json, csv, xlsx hoặc docx (xlsx và docx cần --out).",
        "Format: table, json, csv, xlsx or docx (xlsx and docx need --out)."),
    "periodic.as_of": ("{quoted} không phải ngày (dd/mm/yyyy)",
                       "{quoted} is not a date (dd/mm/yyyy)"),
    # The command line's problem counts (messages stay English until the officer's issue)
    "plan.needs.allow_na": (
        "Chỉ đạt được nếu chấm cả tiêu chí không áp dụng (--allow-na).",
        "Reachable only by scoring a not-applicable criterion (--allow-na)."),
    "plan.needs.include_survey": (
        "Chỉ đạt được nếu kết quả điều tra xã hội học thay đổi (--include-survey).",
        "Reachable only if survey results change (--include-survey)."),
    "cli.count": ("{errors} lỗi, {warnings} cảnh báo", "{errors} error(s), {warnings} warning(s)"),
    "cli.check_summary": ("{bundle}: {errors} lỗi, {warnings} cảnh báo{ok}",
                          "{bundle}: {errors} error(s), {warnings} warning(s){ok}"),
    "cli.ok": (" — đạt", " — OK"),
    # The command line (issue 11): help texts (help.), messages (cli.), what an argument
    # names that is not there (problem.pick.*). Help examples run as written (tested).
    "help.app": (
        "Chấm điểm Chỉ số cải cách hành chính (Chỉ số CCHC) từ bộ chỉ số và số liệu. "
        "Tiếng Anh: --lang en hoặc biến môi trường PARINDEX_LANG=en.",
        "Score the administrative-reform index (PAR Index) from criteria and evidence. "
        "Vietnamese is the default; English with --lang en or PARINDEX_LANG=en."),
    "help.opt.debug": ("Hiện chi tiết lỗi của chương trình (traceback).", "Show tracebacks."),
    "help.arg.bundle": ("Bộ số liệu: một thư mục tệp CSV hoặc một sổ tính .xlsx.",
                        "A bundle: a folder of CSV files or an .xlsx workbook."),
    "help.opt.criteria": ("Chấm theo bộ chỉ số này thay cho bộ chỉ số ghi trong bộ số liệu.",
                          "Score with this edition instead of the bundle's."),
    "help.opt.format": ("Dạng kết quả: bảng (table), json hoặc csv.",
                        "Output: table, json or csv."),
    "help.opt.export": ("Dạng kết quả; xlsx: bảng xếp hạng theo mẫu công bố (cần --out).",
                        "Output; xlsx: the published workbook (with --out)."),
    "help.opt.lang": ("Ngôn ngữ: vi (tiếng Việt, mặc định) hoặc en (tiếng Anh).",
                      "Language: vi (Vietnamese, the default) or en (English)."),
    "help.opt.out": ("Ghi kết quả vào tệp này.", "Write the result to this file."),
    "help.opt.group": ("Chỉ nhóm xếp hạng này (không phân biệt hoa thường, dấu).",
                       "Only this ranking group (case and accents ignored)."),
    "help.arg.unit": ("Mã đơn vị (hoặc tên đơn vị).", "The unit's code (or name)."),
    "help.cmd.criteria": ("Xem và kiểm tra các bộ chỉ số.", "Show and check criteria editions."),
    "help.cmd.editions": (
        "Liệt kê các bộ chỉ số có sẵn: mã, tên, cấp, năm áp dụng, số lĩnh vực, điểm tối đa."
        "\n\nVí dụ: parindex editions --format json",
        "List the shipped editions: id, title, level, valid years, areas, max."
        "\n\nExample: parindex editions --format json"),
    "help.cmd.criteria_show": (
        "Cây tiêu chí với điểm tối đa và cách chấm."
        "\n\nVí dụ: parindex criteria show xa-2024 --format table",
        "The criteria tree with max points and rules."
        "\n\nExample: parindex criteria show xa-2024 --format table"),
    "help.cmd.criteria_check": (
        "Kiểm tra tệp bộ chỉ số: mọi lỗi, mỗi lỗi nêu tệp, vị trí và giá trị."
        "\n\nVí dụ: parindex criteria check parindex/criteria/editions/xa-2024.yaml",
        "Validate criteria files: every problem, each naming file, path and value."
        "\n\nExample: parindex criteria check parindex/criteria/editions/xa-2024.yaml"),
    "help.arg.edition": ("Mã bộ chỉ số hoặc tệp bộ chỉ số.", "Edition id or file."),
    "help.arg.criteria_files": ("Các tệp bộ chỉ số (.yaml).", "Criteria files (.yaml)."),
    "help.opt.show_format": ("Dạng hiển thị: cây (tree), bảng (table) hoặc json.",
                             "Output: tree, table or json."),
    "help.cmd.check": (
        "Kiểm tra bộ số liệu theo bộ chỉ số: báo mọi lỗi cùng lúc; có lỗi thì thoát với mã 1."
        "\n\nVí dụ: parindex check parindex/samples/sample_district/2024",
        "Validate a bundle against its edition: every problem at once; exit 1 on errors."
        "\n\nExample: parindex check parindex/samples/sample_district/2024"),
    "help.cmd.score": (
        "Kết quả từng đơn vị: điểm, chỉ số (%), xếp loại, hạng."
        "\n\nVí dụ: parindex score parindex/samples/sample_district/2024 --format json",
        "Per-unit results: points, index %, band, rank."
        "\n\nExample: parindex score parindex/samples/sample_district/2024 --format json"),
    "help.cmd.explain": (
        "Từng tiêu chí thành phần của một đơn vị: số liệu → cách chấm → điểm tự đánh giá / "
        "điểm thẩm định, điểm bị mất, tài liệu kiểm chứng."
        "\n\nVí dụ: parindex explain parindex/samples/sample_district/2024 SM07",
        "Every leaf of one unit: input → rule → self-assessed / appraised points, points "
        "lost, evidence.\n\nExample: parindex explain parindex/samples/sample_district/2024 SM07"),
    # typer's own words on a help page (parindex/cli/lean.py)
    "help.typer.usage": ("Cách dùng: ", "Usage: "),
    "help.typer.arguments": ("Tham số", "Arguments"),
    "help.typer.options": ("Tùy chọn", "Options"),
    "help.typer.commands": ("Lệnh", "Commands"),
    "help.typer.required": ("bắt buộc", "required"),
    "help.typer.default": ("mặc định: {default}", "default: {default}"),
    "help.typer.env_var": ("biến môi trường: {var}", "env var: {var}"),
    "help.typer.help": ("Hiện hướng dẫn này rồi thoát.", "Show this message and exit."),
    "help.opt.score_owner": (
        "Chỉ các lĩnh vực phòng, ban này phụ trách: điểm, điểm tối đa và chỉ số của từng đơn "
        "vị trên các lĩnh vực đó.",
        "Only the areas this department owns: each unit's points, max and index on them."),
    "cli.owner_formats": ("--owner ghi table, csv hoặc json", "--owner writes table, csv or json"),
    "cli.owner_title": ("{owner} — {edition} {year}", "{owner} — {edition} {year}"),
    # --owner on explain, weak and plan (issue #15 item 5; cli.score_cmd, cli.analysis_cmd)
    "help.opt.explain_owner": (
        "Chỉ các tiêu chí thuộc lĩnh vực phòng, ban này phụ trách, với điểm, điểm tối đa và "
        "chỉ số của đơn vị trên các lĩnh vực đó.",
        "Only the leaves of the areas this department owns, with the unit's points, max and "
        "index on them."),
    "help.opt.weak_owner": (
        "Chỉ các tiêu chí và lĩnh vực phòng, ban này phụ trách.",
        "Only the leaves and areas this department owns."),
    "help.opt.plan_owner": (
        "Kế hoạch chỉ nâng các tiêu chí thuộc lĩnh vực phòng, ban này phụ trách; mục tiêu "
        "vẫn là tổng điểm, xếp loại hoặc hạng của cả đơn vị.",
        "The plan lifts only the leaves of the areas this department owns; the target is "
        "still the unit's whole total, band or rank."),
    "explain.owner_title": ("{owner} (lĩnh vực {areas}): {points}/{max}{index}",
                            "{owner} (areas {areas}): {points}/{max}{index}"),
    "cli.weak_owner": ("{owner} (lĩnh vực {areas}): {points}/{max}{index}",
                       "{owner} (areas {areas}): {points}/{max}{index}"),
    "cli.plan_owner": (
        "Chỉ nâng các tiêu chí của {owner} (lĩnh vực {areas}): {before} → {after} trên "
        "{max} điểm tối đa",
        "Only the leaves of {owner} (areas {areas}): {before} → {after} of a maximum of "
        "{max}"),
    "problem.pick.owner.none": (
        "bộ chỉ số {edition} không ghi cơ quan chủ trì (owner) cho lĩnh vực nào",
        "edition {edition} names no owner on any area"),
    "hint.pick.owner.none": (
        "ghi owner: cho các lĩnh vực trong bộ chỉ số, hoặc chấm bằng bộ chỉ số có ghi "
        "(--criteria)",
        "give the edition's areas an owner:, or score with an edition that has them "
        "(--criteria)"),
    "docx.report_attached": ("(Kèm theo Báo cáo số ……/BC-…… ngày …… tháng …… năm ……)",
                             "(Attached to Report No. ……/BC-…… dated …… / …… / ……)"),
    "docx.report_attached_by": ("(Kèm theo Báo cáo số ……/BC-…… ngày …… tháng …… năm …… "
                                "của {authority})",
                                "(Attached to Report No. ……/BC-…… dated …… / …… / …… "
                                "of {authority})"),
    "docx.sheet_owner": (
        "{owner} (lĩnh vực {areas}): {points} trên {max} điểm tối đa; chỉ số: {index}%.",
        "{owner} (areas {areas}): {points} of a maximum of {max}; index: {index}%."),
    "help.opt.detail": (
        "xlsx: thêm sheet chấm điểm từng tiêu chí của mọi đơn vị (lớn với nhiều đơn vị).",
        "xlsx: also the sheet of every unit's criterion-by-criterion scoring (large for many "
        "units)."),
    "help.cmd.rank": (
        "Bảng xếp hạng theo mẫu công bố, mỗi nhóm xếp hạng một bảng (CSV: một bảng, mỗi "
        "nhóm một dòng tiêu đề; xlsx: sheet tổng hợp và từng nhóm, thêm sheet chi tiết với "
        "--detail; docx: phụ lục kèm quyết định, sẵn sàng ký)."
        "\n\nVí dụ: parindex rank parindex/samples/sample_district/2024 --group "
        "\"Huyện Sông Mây\"",
        "The league table in the published layout, one table per ranking group (CSV: one "
        "table with a heading row per group; xlsx: overall and per-group sheets, the detail "
        "sheet with --detail; docx: the annex of the decision, ready to sign)."
        "\n\nExample: parindex rank parindex/samples/sample_district/2024 --group "
        "\"Huyện Sông Mây\""),
    "help.cmd.demo": (
        "Kiểm tra, chấm điểm và xếp hạng huyện mẫu qua từng năm; in bảng xếp hạng năm gần "
        "nhất. Với --out THƯ_MỤC: THƯ_MỤC/<năm>/score.json, score.csv, league.xlsx và "
        "THƯ_MỤC/report.html.\n\nVí dụ: parindex demo --out ket-qua-mau",
        "Check, score and rank the sample district for every year; print the latest league "
        "table. With --out DIR: DIR/<year>/score.json, score.csv, league.xlsx and "
        "DIR/report.html.\n\nExample: parindex demo --out ket-qua-mau"),
    "help.opt.demo_out": ("Ghi thêm kết quả, bảng xếp hạng Excel từng năm và báo cáo HTML "
                          "vào thư mục này.",
                          "Also write each year's results, Excel league table and the HTML "
                          "report here."),
    "help.cmd.report": (
        "Một trang HTML trọn gói: bảng xếp hạng, biểu đồ, phiếu kết quả từng đơn vị; nhiều "
        "năm thì có thêm diễn biến qua các năm. Xem được khi không có mạng."
        "\n\nVí dụ: parindex report parindex/samples/sample_district/2019 "
        "parindex/samples/sample_district/2024 --out bao-cao.html",
        "One self-contained HTML page: league table, charts, scorecards; several years add "
        "trends. Works offline (plotly.js is embedded)."
        "\n\nExample: parindex report parindex/samples/sample_district/2019 "
        "parindex/samples/sample_district/2024 --out bao-cao.html"),
    "help.arg.bundles": ("Mỗi năm một bộ số liệu (thư mục hoặc .xlsx).",
                         "One bundle per year (folders or .xlsx)."),
    "help.opt.report_out": ("Tệp HTML cần ghi (không có thì in ra màn hình).",
                            "The HTML file to write (else stdout)."),
    "help.opt.report_format": ("html: trang báo cáo; json: số liệu các biểu đồ.",
                               "html: the page; json: its charts' data."),
    "help.cmd.template": (
        "Sổ tính tự đánh giá để điền: mỗi đơn vị và tiêu chí một dòng."
        "\n\nVí dụ: parindex template xa-2024 --units "
        "parindex/samples/sample_district/2024/units.csv --unit sm07 --year 2024 --out SM07.xlsx",
        "A self-assessment workbook to fill in: one row per unit and criterion."
        "\n\nExample: parindex template xa-2024 --units "
        "parindex/samples/sample_district/2024/units.csv --unit sm07 --year 2024 --out SM07.xlsx"),
    "help.opt.units": ("Tệp units.csv: code, name, type, group.",
                       "units.csv: code, name, type, group."),
    "help.opt.template_out": ("Sổ tính cần ghi (.xlsx).", "The workbook to write (.xlsx)."),
    "help.opt.unit": ("Chỉ các dòng của đơn vị này.", "Only this unit's rows."),
    "help.opt.owner": ("Chỉ các lĩnh vực do cơ quan này chủ trì.",
                       "Only the areas this department owns."),
    "help.opt.year": ("Năm đánh giá (mặc định: năm nay).",
                      "Assessment year (default: this year)."),
    "help.opt.authority": ("Cơ quan đánh giá, xếp hạng các đơn vị.", "Who ranks the units."),
    "help.cmd.merge": (
        "Gộp sổ tính của các đơn vị hoặc phòng ban thành một bộ số liệu; ô mâu thuẫn nhau "
        "thì từ chối.\n\nVí dụ: parindex merge tong-hop.xlsx SM07.xlsx "
        "parindex/samples/sample_district/2024",
        "Combine unit or department workbooks into one bundle, refusing conflicting cells."
        "\n\nExample: parindex merge tong-hop.xlsx SM07.xlsx "
        "parindex/samples/sample_district/2024"),
    "help.arg.merge_out": ("Tệp .xlsx hoặc thư mục cần ghi.", "A .xlsx file or a folder."),
    "help.arg.parts": ("Các sổ tính hoặc thư mục bộ số liệu cần gộp.",
                       "Workbooks or bundle folders to combine."),
    "help.cmd.whatif": (
        "Điểm và hạng trước và sau khi thay đổi một số số liệu, hoặc khi chấm theo bộ chỉ "
        "số khác.\n\nVí dụ: parindex whatif parindex/samples/sample_district/2024 SM07 "
        "--set 1.1.3=95 --set 3.2.2=có",
        "Scores and ranks before and after changing some inputs, or under another edition."
        "\n\nExample: parindex whatif parindex/samples/sample_district/2024 SM07 "
        "--set 1.1.3=95 --set 3.2.2=có"),
    "help.arg.whatif_unit": ("Đơn vị mà các thay đổi --set áp dụng.",
                             "The unit the --set changes apply to."),
    "help.opt.set": ("Đặt số liệu thẩm định của một tiêu chí thành phần (dùng nhiều lần "
                     "được).", "Set a leaf's appraised input (repeatable)."),
    "help.opt.scenario": ("Các thay đổi cho một hay nhiều đơn vị: tệp YAML hoặc CSV với "
                          "unit, criterion, value.",
                          "Changes for one or many units: YAML or CSV with unit, criterion, "
                          "value."),
    "help.opt.compare": ("Chấm thêm theo bộ chỉ số này và so sánh hạng từng đơn vị (các thay "
                         "đổi khi đó áp dụng theo bộ chỉ số này).",
                         "Also score the bundle with this edition and compare every unit's "
                         "rank (changes then apply under this edition)."),
    "help.cmd.plan": (
        "Tập cải thiện tiêu chí ít tốn kém nhất để đạt một xếp loại, một hạng hoặc một tổng "
        "điểm. Không thay đổi tiêu chí không áp dụng và kết quả điều tra xã hội học, trừ khi "
        "được yêu cầu.\n\nVí dụ: parindex plan parindex/samples/sample_district/2024 SM07 "
        "--target tot",
        "The cheapest set of criterion improvements that reaches a band, a rank or a total. "
        "Not-applicable criteria and survey results are not changed unless asked."
        "\n\nExample: parindex plan parindex/samples/sample_district/2024 SM07 --target tot"),
    "help.opt.target": ("Tên xếp loại (đạt xếp loại đó trở lên; không phân biệt hoa thường, "
                        "dấu), rank:N (hạng chung), group:N (hạng trong nhóm) hoặc points:X.",
                        "A band name (that band or better; case and accents ignored), rank:N "
                        "(overall), group:N (within the group) or points:X."),
    "help.opt.costs": ("Công sức cho từng tiêu chí (YAML hoặc CSV criterion, cost); mặc định "
                       "mỗi thay đổi là 1.",
                       "Effort per criterion (YAML or CSV criterion, cost); default 1 per "
                       "change."),
    "help.opt.all": ("Liệt kê thêm mọi cải thiện khả thi của đơn vị.",
                     "Also list every feasible improvement of the unit."),
    "help.opt.allow_na": ("Cho phép phương án cho điểm cả tiêu chí không áp dụng.",
                          "Let the plan give a not-applicable criterion a value."),
    "help.opt.include_survey": ("Cho phép phương án thay đổi kết quả điều tra xã hội học.",
                                "Let the plan change survey results."),
    "help.cmd.weak": (
        "Các tiêu chí thành phần của từng đơn vị theo điểm bị mất, và các lĩnh vực dưới trung "
        "vị nhóm hoặc dưới ngưỡng xếp loại."
        "\n\nVí dụ: parindex weak parindex/samples/sample_district/2024 SM08",
        "Each unit's leaves by points lost, and where it trails its group or its band."
        "\n\nExample: parindex weak parindex/samples/sample_district/2024 SM08"),
    "help.arg.weak_unit": ("Một đơn vị chi tiết; mặc định mọi đơn vị.",
                           "One unit in detail; default every unit."),
    "help.cmd.uncertainty": (
        "Hạng trung vị, khoảng hạng 5–95% và xác suất từng xếp loại khi số liệu thẩm định và "
        "trọng số lệch ngẫu nhiên.\n\nVí dụ: parindex uncertainty "
        "parindex/samples/sample_district/2024 --draws 2000 --seed 7",
        "Median rank, 5–95% rank band and band probabilities under appraisal and weight "
        "noise.\n\nExample: parindex uncertainty parindex/samples/sample_district/2024 "
        "--draws 2000 --seed 7"),
    "help.opt.draws": ("Số lần mô phỏng Monte Carlo (tối đa 10.000).",
                       "Number of Monte Carlo draws (at most 10,000)."),
    "help.opt.seed": ("Hạt giống ngẫu nhiên (cùng hạt giống, cùng kết quả).",
                      "Random seed (same seed, same result)."),
    "help.opt.tolerance": ("Sai số thẩm định: percent=2 (điểm), number=5 (%), count=0,1 và "
                           "step=0,1 (xác suất); 0 là không có sai số.",
                           "Appraisal tolerances: percent=2 (points), number=5 (%), count=0.1 "
                           "and step=0.1 (probabilities); 0 for none."),
    "help.opt.weights": ("Điểm tối đa của mỗi lĩnh vực × U(1−X, 1+X), chuẩn hoá lại; 0 giữ "
                         "nguyên trọng số.",
                         "Each area's max × U(1−X, 1+X), renormalised; 0 keeps the weights."),
    "editions.id": ("Mã", "id"),
    "editions.title": ("Tên bộ chỉ số", "title"),
    "editions.level": ("Cấp", "level"),
    "editions.valid": ("Năm áp dụng", "valid"),
    "editions.areas": ("Số lĩnh vực", "areas"),
    "editions.leaves": ("Số tiêu chí thành phần", "leaves"),
    "editions.max": ("Điểm tối đa", "max"),
    "level.xa": ("xã", "commune"),
    "level.huyen": ("huyện", "district"),
    "level.so": ("sở", "provincial department"),
    "level.phong": ("phòng", "district office"),
    "na.rebase": ("tính lại trên điểm tối đa còn lại", "rebase"),
    "na.full": ("tính đủ điểm", "full"),
    "na.forbidden": ("không cho phép", "forbidden"),
    "cli.tag.error": ("lỗi", "error"),
    "cli.tag.warning": ("cảnh báo", "warning"),
    "cli.tag.usage": ("lỗi cú pháp lệnh", "usage error"),
    # the parser's own refusals of a command line (parindex/cli/usage_words.py)
    "cli.parse.try_help": ("Xem hướng dẫn: {command}", "Try '{command}' for help."),
    "cli.parse.missing_argument": ("thiếu tham số {name}", "missing argument {name}"),
    "cli.parse.missing_option": ("thiếu tùy chọn {name}", "missing option {name}"),
    "cli.parse.no_option": ("không có tùy chọn {name}", "no such option: {name}"),
    "cli.parse.no_option_like": ("không có tùy chọn {name} (có thể là: {choices})",
                                 "no such option: {name} (possible options: {choices})"),
    "value.set_pair": ("{item} không có dạng MÃ=GIÁ_TRỊ (ví dụ 1.1.3=95)",
                       "{item} is not CODE=VALUE (e.g. 1.1.3=95)"),
    "value.tolerance_pair": ("{part}: hãy viết KHÓA=GIÁ_TRỊ, KHÓA là một trong {keys}",
                             "{part}: write KEY=VALUE with KEY one of {keys}"),
    "value.tolerance_number": ("{part}: {value} không phải một số",
                               "{part}: {value} is not a number"),
    "value.tolerance_range": ("{part}: sai số phải ≥ 0 và xác suất không quá 1",
                              "{part}: a tolerance is ≥ 0 and a probability at most 1"),
    "value.target_whole": ("{kind}:N cần N là số nguyên ≥ 1, không phải {value}",
                           "{kind}:N needs a whole number N ≥ 1, not {value}"),
    "value.target_points": ("points:X cần X là một số, không phải {value}",
                            "points:X needs a number X, not {value}"),
    "value.target": ("{value} không phải mục tiêu: hãy cho một xếp loại ({bands}), rank:N, "
                     "group:N hoặc points:X",
                     "{value} is not a target: give a band ({bands}), rank:N, group:N or "
                     "points:X"),
    "value.at_least": ("cần một số từ {limit} trở lên", "a number of at least {limit} "
                           "is needed"),
    "value.at_most": ("cần một số không quá {limit}", "a number of at most {limit} is "
                          "needed"),
    "near.close": ("có phải {close}?", "did you mean {close}?"),
    "word.or": ("hoặc", "or"),
    "cli.parse.no_command": ("không có lệnh '{name}'", "no such command '{name}'"),
    "cli.parse.no_command_like": ("không có lệnh '{name}'; có phải {choices}?",
                                  "no such command '{name}'; did you mean {choices}?"),
    "cli.parse.needs_value": ("tùy chọn '{name}' cần một giá trị",
                              "option '{name}' requires a value"),
    "cli.parse.no_value": ("tùy chọn '{name}' không nhận giá trị",
                           "option '{name}' does not take a value"),
    "cli.parse.extra": ("thừa tham số: {name}", "unexpected extra argument(s): {name}"),
    "cli.parse.invalid": ("giá trị không hợp lệ của {name}: {why}",
                          "invalid value for {name}: {why}"),
    "cli.parse.not_one_of": ("'{value}' không phải một trong {choices}",
                             "'{value}' is not one of {choices}"),
    "cli.parse.no_path": ("không có '{value}'", "'{value}' does not exist"),
    "value.integer": ("cần một số nguyên", "a whole number is needed"),
    "value.number": ("cần một số", "a number is needed"),
    "cli.wrote": ("đã ghi {out}", "wrote {out}"),
    "cli.wrote_template": ("đã ghi {out}: {n} đơn vị, bộ chỉ số {edition}",
                           "wrote {out}: {n} unit(s), edition {edition}"),
    "cli.wrote_merge": ("đã ghi {out}: {parts} phần, {rows} dòng số liệu",
                        "wrote {out}: {parts} parts, {rows} evidence rows"),
    "cli.criteria_ok": ("{path}: đạt — {edition}, {areas} lĩnh vực, {leaves} tiêu chí thành "
                        "phần, {scale} điểm",
                        "{path}: OK — {edition}, {areas} areas, {leaves} leaves, {scale} points"),
    "cli.out_disagrees": ("--out {name} là tệp {suffix} nhưng --format là {fmt}",
                          "--out {name} is a {suffix} file but --format is {fmt}"),
    "cli.out_cannot": ("--out {name}: lệnh này ghi {kinds}, không ghi {wanted}",
                       "--out {name}: this command writes {kinds}, not {wanted}"),
    "cli.xlsx_needs_out": ("--format xlsx ghi ra sổ tính: hãy cho --out TỆP.xlsx",
                           "--format xlsx writes a workbook: give --out FILE.xlsx"),
    "cli.template_xlsx": ("mẫu nhập liệu là sổ tính Excel: hãy cho --out TÊN.xlsx",
                          "the template is an Excel workbook: give --out NAME.xlsx"),
    "cli.set_needs_unit": ("--set cần mã đơn vị (UNIT) mà thay đổi áp dụng",
                           "--set needs the UNIT it applies to"),
    "cli.whatif_needs": ("hãy cho UNIT với --set, một --scenario hoặc --compare",
                         "give UNIT with --set, a --scenario or --compare"),
    "cli.summary_head": ("theo tệp và cột:", "by file and column:"),
    "cli.summary_line": ("{where}: {n} {severity}", "{where}: {n} {severity}(s)"),
    "cli.summary_rest": ("… còn {n} ở {places} chỗ khác", "… {n} more in {places} other place(s)"),
    "cli.moved": ("Các đơn vị đổi hạng", "Other units that moved"),
    "cli.no_changes": ("Không có thay đổi.", "No changes."),
    "cli.plan_head": ("{name} ({code}) — mục tiêu {target}: {verdict}, {n} thay đổi, chi phí "
                      "{cost}", "{name} ({code}) — target {target}: {verdict}, {n} change(s), "
                      "cost {cost}"),
    "cli.plan_reachable": ("đạt được", "reachable"),
    "cli.plan_unreachable": ("không đạt được; phương án tốt nhất",
                             "not reachable; the best there is"),
    "cli.weak_lost": ("Điểm bị mất", "Points lost"),
    "cli.weak_below_group": ("Lĩnh vực dưới trung vị nhóm", "Areas below the group median"),
    "cli.weak_below_band": ("Lĩnh vực dưới ngưỡng xếp loại", "Areas below the band minimum"),
    "cli.uncertainty_head": (
        "{edition} — {year}: {draws} lần mô phỏng, hạt giống {seed}, sai số thẩm định "
        "{tolerance}, trọng số ±{weights}",
        "{edition} — {year}: {draws} draws, seed {seed}, tolerance {tolerance}, "
        "weights ±{weights}"),
    "cli.no_tolerance": ("không", "none"),
    "cli.points_scale": ("điểm", "points"),
    "cli.survey_mark": ("Điều tra XHH", "survey"),
    "problem.out.is_input": ("là tệp đầu vào của lệnh này ({given}); ghi vào đó sẽ thay mất nó",
                             "is an input of this command ({given}); writing there would "
                             "replace it"),
    "hint.out.is_input": ("hãy chọn tệp khác cho --out", "choose another file for --out"),
    "problem.units_file.none": ("không có tệp danh sách đơn vị này", "no such units file"),
    "problem.units_file.no_heading": (
        "không có dòng tiêu đề với các cột code, name, type, group",
        "no heading row with the columns code, name, type, group"),
    "problem.units_file.columns": ("thiếu cột {columns}", "missing column(s) {columns}"),
    "hint.units_file.columns": (
        "các cột: code, name, type, group (hoặc Mã đơn vị, Tên đơn vị, Loại đơn vị, Nhóm xếp "
        "hạng)",
        "columns: code, name, type, group (or Mã đơn vị, Tên đơn vị, Loại đơn vị, "
        "Nhóm xếp hạng)"),
    "problem.out.sheet_rows": (
        "bảng {table} có {rows} dòng, nhiều hơn một sheet Excel chứa được ({limit})",
        "the table {table} has {rows} rows, more than an Excel sheet holds ({limit})"),
    "hint.out.sheet_rows": ("hãy ghi ra một thư mục CSV (OUT không có đuôi .xlsx)",
                            "write a CSV folder instead (an OUT without .xlsx)"),
    "problem.out.cell_long": (
        "ô này có {length} ký tự, nhiều hơn một ô Excel chứa được ({limit})",
        "this cell has {length} characters, more than an Excel cell holds ({limit})"),
    "hint.out.cell_long": ("hãy ghi ra một thư mục CSV (OUT không có đuôi .xlsx)",
                           "write a CSV folder instead (an OUT without .xlsx)"),
    "problem.out.unwritable": ("không ghi được: {reason}", "cannot be written: {reason}"),
    # what the operating system says of a refused write, in Vietnamese (the English is the
    # system's own, as the message gives it)
    "os.EISDIR": ("đó là một thư mục", "it is a folder"),
    "os.EACCES": ("không có quyền ghi", "Permission denied"),
    "os.EPERM": ("không có quyền ghi", "Operation not permitted"),
    "os.EROFS": ("ổ đĩa chỉ cho đọc", "Read-only file system"),
    "os.ENOSPC": ("ổ đĩa đã đầy", "No space left on device"),
    "os.ENOTDIR": ("một phần của đường dẫn là tệp, không phải thư mục", "Not a directory"),
    "os.ENAMETOOLONG": ("tên quá dài", "File name too long"),
    "os.EEXIST": ("đã có một tệp trùng tên nơi cần tạo thư mục", "File exists"),
    "hint.out.unwritable": ("hãy chọn tệp hoặc thư mục khác cho --out",
                            "choose another file or folder for --out"),
    "problem.set.criterion": ("{quoted} không phải tiêu chí của {edition}",
                              "{quoted} is not a criterion of {edition}"),
    "problem.set.twice": ("{quoted} được thay đổi hai lần cho đơn vị {unit}",
                          "{quoted} is changed twice for unit {unit}"),
    "problem.set.runs_differ": ("hai lần chấm điểm không cùng các đơn vị",
                                "the two runs score different units"),
    "problem.scenario.missing": ("không có tệp kịch bản này", "the scenario file does not exist"),
    "problem.scenario.columns": ("tệp kịch bản CSV cần các cột unit, criterion, value",
                                 "a scenario CSV needs the columns unit, criterion, value"),
    "problem.scenario.row": ("một thay đổi cần unit, criterion và value",
                             "a change needs unit, criterion and value"),
    "problem.costs.missing": ("không có tệp chi phí này", "the costs file does not exist"),
    "problem.costs.columns": ("tệp chi phí CSV cần các cột criterion, cost (và per_step nếu "
                              "muốn)",
                              "a costs CSV needs the columns criterion, cost (and optionally "
                              "per_step)"),
    "problem.costs.not_mapping": ("tệp chi phí YAML phải là bảng tiêu chí → chi phí",
                                  "a costs YAML file is a mapping criterion → cost"),
    "problem.costs.value": ("{quoted} không phải chi phí (một số ≥ 0, hoặc để trống cho "
                            "tiêu chí không thay đổi)",
                            "{quoted} is not a cost (a number ≥ 0, or blank for a criterion "
                            "not to change)"),
    "problem.costs.criterion": ("{quoted} không phải tiêu chí của {edition}",
                                "{quoted} is not a criterion of {edition}"),
    "problem.plan.not_ranked": ("đơn vị {quoted} không được xếp hạng (cột ranked của units "
                                "ghi không), nên mục tiêu theo hạng không áp dụng",
                                "unit {quoted} is not ranked (units.ranked says no), so a "
                                "rank target does not apply"),
    "hint.plan.not_ranked": ("hãy đặt mục tiêu là một xếp loại hoặc points:X",
                             "give a band or points:X as the target"),
    "problem.runs.same_year": ("{other} cũng là của năm {year}",
                               "{other} is also for year {year}"),
    "hint.runs.same_year": ("mỗi năm một bộ số liệu", "give one bundle per year"),
    "problem.merge.meta_differs": ("{field_name} {quoted} khác với {first} trong {part}",
                                   "{field_name} {quoted} differs from {first} in {part}"),
    "problem.merge.conflict": ("{cells}: ở đây là {quoted} nhưng là {other} ở {where}",
                               "{cells}: {quoted} here but {other} in {where}"),
    "hint.merge.conflict": ("hãy quyết định giá trị nào đúng và sửa phần kia",
                            "decide which is right and correct the other part"),
    "problem.units_file.no_unit": ("không có đơn vị mã {quoted}", "no unit with code {quoted}"),
    "problem.bundle.no_edition": ("bộ số liệu không ghi bộ chỉ số",
                                  "the bundle names no edition"),
    "hint.bundle.no_edition": ("hãy thêm 'edition:' hoặc dùng --criteria",
                               "add 'edition:' or pass --criteria"),
    "problem.bundle.unknown_edition": ("{quoted}: không có tệp bộ chỉ số hay mã bộ chỉ số có "
                                       "sẵn này",
                                       "{quoted}: no such edition file or shipped edition id"),
    "hint.bundle.unknown_edition": ("có sẵn: {shipped}", "shipped: {shipped}"),
    "problem.bundle.year_outside": ("năm {year} nằm ngoài thời gian áp dụng của {edition} "
                                    "({start}–{until})",
                                    "year {year} is outside the validity of {edition} "
                                    "({start}–{until})"),
    "problem.pick.unit": ("{quoted} không phải đơn vị của bộ số liệu",
                          "{quoted} is not a unit of the bundle"),
    "hint.pick.unit": ("các đơn vị: {known}", "units: {known}"),
    "problem.pick.unit.near": ("{quoted} không phải đơn vị của bộ số liệu",
                               "{quoted} is not a unit of the bundle"),
    "hint.pick.unit.near": ("có phải {close}?", "did you mean {close}?"),
    "problem.pick.band": ("{quoted} không phải xếp loại của bộ chỉ số",
                          "{quoted} is not a band of the edition"),
    "hint.pick.band": ("các xếp loại: {known}; hoặc rank:N, group:N, points:X",
                       "bands: {known}; or rank:N, group:N, points:X"),
    "problem.pick.band.near": ("{quoted} không phải xếp loại của bộ chỉ số",
                               "{quoted} is not a band of the edition"),
    "hint.pick.band.near": ("có phải {close}?", "did you mean {close}?"),
    "problem.pick.group": ("không có nhóm xếp hạng {quoted}", "no group named {quoted}"),
    "hint.pick.group": ("các nhóm: {known}", "groups: {known}"),
    "problem.pick.group.near": ("không có nhóm xếp hạng {quoted}", "no group named {quoted}"),
    "hint.pick.group.near": ("có phải {close}?", "did you mean {close}?"),
    "problem.pick.owner": ("không có lĩnh vực nào do {quoted} chủ trì",
                           "no area is owned by {quoted}"),
    "hint.pick.owner": ("các cơ quan chủ trì: {known}", "owners: {known}"),
    "problem.pick.owner.near": ("không có lĩnh vực nào do {quoted} chủ trì",
                                "no area is owned by {quoted}"),
    "hint.pick.owner.near": ("có phải {close}?", "did you mean {close}?"),
    # Bundles given to `report` that make no trend together (analysis.trends)
    "problem.report.no_shared_units": (
        "bộ số liệu năm {year} không có đơn vị nào chung với năm {latest}: không vẽ được xu "
        "hướng của đơn vị nào",
        "the {year} bundle shares no unit with {latest}: no unit's trend can be drawn"),
    "problem.report.authorities": (
        "các bộ số liệu thuộc các cơ quan đánh giá khác nhau ({authorities}): so sánh giữa "
        "các năm có thể không tương đồng",
        "the bundles belong to different authorities ({authorities}): years may not compare"),
    # Problems with a bundle's files and structure (evidence.bundle): problem.CODE, hint.CODE
    "problem.bundle.no_such": ("không có thư mục hay tệp bộ số liệu này",
                               "no such bundle folder or file"),
    "problem.bundle.bad_kind": ("không đọc được bộ số liệu từ tệp {kind}",
                                "cannot read a bundle from a {kind} file"),
    "hint.bundle.bad_kind": ("hãy đưa một thư mục tệp CSV hoặc một sổ tính .xlsx",
                             "give a folder of CSV files or an .xlsx workbook"),
    "problem.bundle.legacy": (
        "{quoted} có vẻ được gõ bằng bảng mã {encoding}, không phải Unicode",
        "{quoted} looks like text typed in the {encoding} font encoding, not Unicode"),
    "hint.bundle.legacy": ("hãy chuyển sang Unicode, ví dụ bằng công cụ chuyển mã của Unikey",
                           "convert it to Unicode, e.g. with Unikey's converter"),
    "problem.bundle.table_missing": ("thiếu bảng '{table}'", "the table '{table}' is missing"),
    "hint.bundle.table_missing": (
        "thêm tệp {table}.csv (hoặc sheet '{table}') với các cột {columns}",
        "add {table}.csv (or a sheet '{table}') with columns {columns}"),
    "problem.bundle.columns_missing": ("thiếu cột {columns}", "missing column(s) {columns}"),
    "hint.bundle.columns_missing": ("các cột: {known}", "columns: {known}"),
    "problem.bundle.column_unknown": ("cột không biết {quoted} bị bỏ qua",
                                      "unknown column {quoted} is ignored"),
    "problem.bundle.year": ("năm phải là một năm như 2024, không phải {quoted}",
                            "year must be a year like 2024, not {quoted}"),
    "problem.bundle.edition_missing": ("thiếu bộ tiêu chí (mã hoặc đường dẫn)",
                                       "edition (an id or a path) is missing"),
    "problem.bundle.meta_unknown": ("khoá không biết {quoted} bị bỏ qua",
                                    "unknown key {quoted} is ignored"),
    # Problems only a workbook has (evidence.read_xlsx)
    "problem.xlsx.date_typed": (
        "ô {cell} chứa ngày {date}: Excel đã biến phân số gõ vào (như 3/4) thành ngày tháng",
        "cell {cell} holds the date {date}: Excel turned the fraction typed there "
        "(such as 3/4) into a date"),
    "hint.xlsx.date_typed": (
        "gõ lại là '3/4 (có dấu nháy đơn phía trước) hoặc định dạng ô là Văn bản (Text) "
        "trước khi gõ; hoặc gõ tỷ lệ phần trăm (75)",
        "type it again as '3/4 (with an apostrophe in front) or format the cell as Text "
        "before typing; or type the percentage (75)"),
    "problem.xlsx.sheet_too_large": (
        "các ô của sheet trải tới dòng {rows} và cột {column}, quá {limit} ô",
        "the sheet's cells reach row {rows} and column {column}, more than {limit} cells"),
    "problem.xlsx.bad_reference": (
        "sheet bị hỏng: một ô có địa chỉ {quoted}, không phải một địa chỉ ô hợp lệ (như B7)",
        "the sheet is damaged: a cell gives its place as {quoted}, which is not a cell "
        "reference (such as B7)"),
    "hint.xlsx.bad_reference": ("hãy mở và lưu sổ tính bằng Excel hoặc LibreOffice",
                                "open and save the workbook in Excel or LibreOffice"),
    "hint.xlsx.sheet_too_large": ("xoá các ô thừa ở xa bảng số liệu, hoặc tách sổ tính",
                                  "delete stray cells far from the table, or split the "
                                  "workbook"),
    # Problems with a bundle's tables against its edition (evidence.inputs)
    "problem.units.none": ("không có đơn vị nào", "lists no unit"),
    "hint.units.none": ("mỗi đơn vị một dòng: code, name, type, group",
                        "one row per unit: code, name, type, group"),
    "problem.units.code_empty": ("mã đơn vị bị trống", "a unit code is empty"),
    "problem.units.type": ("{quoted} không phải loại đơn vị", "{quoted} is not a unit type"),
    "hint.units.type": ("một trong {types}", "one of {types}"),
    "problem.units.group_empty": ("nhóm xếp hạng bị trống", "the ranking group is empty"),
    "hint.units.group_empty": ("ghi huyện hoặc tỉnh mà đơn vị được xếp hạng trong đó",
                               "name the district or province the unit is ranked in"),
    "problem.units.twice": ("{quoted} được ghi hai lần", "{quoted} is listed twice"),
    "problem.units.ranked": ("{quoted} không phải có/không", "{quoted} is not yes/no"),
    "hint.units.ranked": ("có / không (để trống: được xếp hạng)",
                          "có / không (blank: ranked)"),
    "problem.unit.unknown": ("{quoted} không có trong bảng units",
                             "{quoted} is not a unit in units"),
    "problem.evidence.parent": (
        "{quoted} có tiêu chí con: hãy nhập số liệu cho từng tiêu chí con",
        "{quoted} has sub-criteria: give evidence for each sub-criterion instead"),
    "problem.evidence.criterion": ("{quoted} không phải tiêu chí của {edition}",
                                   "{quoted} is not a criterion of {edition}"),
    "problem.evidence.twice": ("{quoted} được ghi hai lần cho đơn vị {unit}",
                               "{quoted} is given twice for unit {unit}"),
    "hint.evidence.twice": ("lần đầu ở dòng {first}", "first at row {first}"),
    "problem.one_stop.na_forbidden": (
        "đơn vị {unit}: không phát sinh hồ sơ cho {criterion}, nhưng tiêu chí này không cho "
        "phép không áp dụng",
        "unit {unit}: nothing arose for {criterion}, but that criterion does not allow not "
        "applicable"),
    "problem.evidence.below_one_percent": ("{quoted} được hiểu là dưới 1%",
                                           "{quoted} is read as less than 1%"),
    "hint.evidence.below_one_percent": ("muốn {percent}% thì ghi {percent}",
                                        "for {percent}% write {percent}"),
    "problem.evidence.no_note": (
        "thẩm định đã sửa {criterion} của {unit} từ {before} thành {after} mà không ghi chú",
        "appraisal changed {criterion} for {unit} from {before} to {after} without a note"),
    "problem.evidence.none": ("đơn vị {unit}: không có số liệu cho {criteria} (tính 0 điểm)",
                              "unit {unit}: no evidence for {criteria} (scores 0)"),
    # -- check --out (a marked workbook) and the reasons of an evidence cell (fixcheck)
    "problem.cell.yes_no": ("{quoted} không phải có/không (có/không, x, 1/0)",
                            "{quoted} is not yes/no (có/không, x, 1/0)"),
    "problem.cell.percent": ("{quoted} không phải tỷ lệ phần trăm (0–100, 92,5 hoặc 31/75)",
                             "{quoted} is not a percentage (0–100, 92,5 or 31/75)"),
    "problem.cell.count": ("{quoted} không phải số lượng (số nguyên ≥ 0)",
                           "{quoted} is not a count (a whole number ≥ 0)"),
    "problem.cell.points": ("{quoted} không phải số điểm", "{quoted} is not a number of points"),
    "problem.cell.fraction_zero": ("{quoted}: phân số a/b cần b > 0",
                                   "{quoted} a/b needs b > 0"),
    "problem.cell.fraction_above": ("{quoted}: phân số a/b cần a ≤ b",
                                    "{quoted} a/b needs a ≤ b"),
    "problem.cell.fraction_kind": ("{quoted}: phân số a/b chỉ dùng cho tiêu chí tỷ lệ %",
                                   "{quoted} a/b counts are only for percentage inputs"),
    "problem.cell.percent_sign": ("{quoted}: dấu % trên một ô không phải tỷ lệ phần trăm",
                                  "{quoted} a % sign on a non-percentage"),
    "problem.cell.points_range": ("{quoted}: số điểm phải trong khoảng 0…{max}",
                                  "{quoted} points must be within 0…{max}"),
    "problem.cell.number": ("{quoted} không phải là số", "{quoted} is not a number"),
    "problem.cell.outside": ("{quoted} nằm ngoài 0–100", "{quoted} is outside 0–100"),
    "problem.cell.options": ("{quoted} không phải một trong: {choices}",
                             "{quoted} is not one of: {choices}"),
    "problem.cell.na_forbidden": ("{quoted}: tiêu chí {criterion} không cho phép không áp dụng",
                                  "{quoted} not applicable is not allowed for {criterion}"),
    "problem.evidence.survey_rebased": (
        "không đơn vị nào có số liệu điều tra xã hội học ({criteria}): các tiêu chí này được "
        "tính là không áp dụng cho mọi đơn vị và chỉ số tính lại trên phần còn lại (bỏ "
        "{points} điểm)",
        "no unit has a survey value ({criteria}): those criteria count as not applicable for "
        "every unit and each index is rebased on the rest ({points} points left out)"),
    "problem.units.level": (
        "đơn vị loại {type} ({units}) không thuộc cấp {level} của bộ tiêu chí {edition}",
        "units of type {type} ({units}) are not of level {level}, the level of {edition}"),
    "hint.units.level": ("kiểm tra loại đơn vị, hoặc chấm bằng bộ tiêu chí của cấp đó "
                         "(--criteria)",
                         "check the unit type, or score with that level's edition "
                         "(--criteria)"),
    "mark.error": ("Lỗi: {message}", "Error: {message}"),
    "mark.warning": ("Cảnh báo: {message}", "Warning: {message}"),
    "problem.mark.not_workbook": (
        "chỉ đánh dấu được trên bảng tính Excel; {bundle} là thư mục tệp CSV",
        "only a workbook can be marked; {bundle} is a folder of CSV files"),
    "hint.mark.not_workbook": (
        "chuyển thành bảng tính trước: parindex merge bo-so-lieu.xlsx {bundle}, rồi kiểm tra "
        "tệp đó với --out",
        "make it a workbook first: parindex merge bundle.xlsx {bundle}, then check that with "
        "--out"),
    "problem.mark.input": ("là tệp đầu vào ({bundle}); ghi vào đó sẽ thay thế nó",
                           "is the input ({bundle}); writing there would replace it"),
    "hint.mark.input": ("chọn tệp khác cho --out", "choose another file for --out"),
    "cli.marked": ("đã ghi {out}: đánh dấu {cells} ô", "wrote {out}: {cells} cell(s) marked"),
    "help.check.out": ("Ghi lại bảng tính với các ô có vấn đề được tô màu và chú thích (.xlsx).",
                       "Write the workbook back with each problem cell highlighted and "
                       "commented (.xlsx)."),
    "help.check.owner": ("Bảng tính của một phòng: chỉ cảnh báo thiếu số liệu ở các lĩnh vực "
                         "phòng đó phụ trách.",
                         "A department's workbook: warn about missing evidence only in the "
                         "areas it owns."),
    "problem.count.too_large": ("{quoted} quá lớn cho một số lượng (dưới 1 000 000 000 000)",
                                "{quoted} is too large for a count (below 1 000 000 000 000)"),
    "problem.count.bad": ("{quoted} không phải số lượng (số nguyên ≥ 0)",
                          "{quoted} is not a count (a whole number ≥ 0)"),
    "problem.one_stop.twice": ("{quoted} có dòng một cửa thứ hai",
                               "{quoted} has a second one-stop row"),
    "problem.one_stop.unbalanced": (
        "đơn vị {unit}: kỳ trước chuyển qua + tiếp nhận = {into} nhưng đã giải quyết + đang "
        "giải quyết + trả lại = {outof}",
        "unit {unit}: carried over + received = {into} but resolved + pending + returned = "
        "{outof}"),
    "hint.one_stop.unbalanced": ("bảng một cửa phải khớp số", "the one-stop table must add up"),
    # One-stop rows by quarter (evidence.check_one_stop, evidence.one_stop_periods)
    "problem.one_stop.period": ("{quoted} không phải kỳ của bảng một cửa",
                                "{quoted} is not a one-stop period"),
    "hint.one_stop.period": ("Q1, Q2, Q3, Q4, hoặc để trống cho số liệu cả năm",
                             "Q1, Q2, Q3, Q4, or blank for the whole year"),
    "problem.one_stop.period_twice": ("{quoted} được ghi hai lần cho đơn vị {unit}",
                                      "{quoted} is given twice for unit {unit}"),
    "problem.one_stop.mixed": (
        "đơn vị {unit} có dòng cả năm (kỳ để trống) và cả dòng theo quý {quarters} (dòng "
        "{rows}); không dòng nào của đơn vị được tính",
        "unit {unit} has a whole-year row (period blank) and quarterly rows {quarters} (rows "
        "{rows}); none of the unit's rows is used"),
    "hint.one_stop.mixed": ("giữ dòng cả năm hoặc các dòng theo quý, không giữ cả hai",
                            "keep either the whole-year row or the quarterly rows, not both"),
    "problem.one_stop.carry": (
        "đơn vị {unit}: kỳ trước chuyển qua của {quarter} là {quoted}, khác số đang giải quyết "
        "cuối {previous} ({pending})",
        "unit {unit}: {quarter}'s carried over is {quoted}, not {previous}'s pending "
        "({pending})"),
    "problem.one_stop.quarters_missing": (
        "đơn vị {unit} không có dòng một cửa cho {quarters}; số liệu năm tính từ các quý có",
        "unit {unit} has no one-stop row for {quarters}; its year is built from the quarters "
        "given"),
    "problem.one_stop.projection": (
        "bảng một cửa chỉ có số liệu đến hết {quarter}: điểm một cửa là ước tính giữa năm "
        "(số liệu từ đầu năm đến nay)",
        "the one-stop rows stop at {quarter}: the one-stop scores are a mid-year projection "
        "(the year so far)"),
    "problem.reports.date": ("{quoted} không phải ngày tháng", "{quoted} is not a date"),
    "hint.reports.date": ("ghi dd/mm/yyyy, ví dụ 28/02/2024",
                          "write dd/mm/yyyy, e.g. 28/02/2024"),
    "problem.reports.unknown": ("{quoted} không phải kỳ báo cáo trong lịch",
                                "{quoted} is not a report in the calendar"),
    "hint.reports.unknown": ("một trong {reports}", "one of {reports}"),
    "problem.reports.twice": ("{quoted} được ghi hai lần cho đơn vị {unit}; tính ngày đầu tiên",
                              "{quoted} is listed twice for unit {unit}; the first date counts"),
    "problem.reports.far": ("{quoted} cách xa năm đánh giá {year}",
                            "{quoted} is far from the assessment year {year}"),
    # The survey table (evidence.check_survey) and explain's survey leaves
    "problem.survey.question": ("{quoted} không phải câu hỏi điều tra của {edition}; dòng này "
                                "không được tính",
                                "{quoted} is not a survey question of {edition}; the row is "
                                "not counted"),
    "hint.survey.question": ("một trong {questions}", "one of {questions}"),
    "problem.survey.answer": ("{quoted} không phải phương án trả lời điều tra",
                              "{quoted} is not a survey answer"),
    "hint.survey.answer": ("một trong {answers}", "one of {answers}"),
    "problem.survey.respondent": ("thiếu mã người trả lời", "the respondent is blank"),
    "hint.survey.respondent": ("mỗi phiếu điều tra một mã, ví dụ P001",
                               "one code per questionnaire, e.g. P001"),
    "problem.survey.twice": (
        "{quoted} được người {respondent} của đơn vị {unit} trả lời hai lần; tính lần đầu",
        "{quoted} is answered twice by respondent {respondent} of unit {unit}; the first "
        "answer counts"),
    "problem.survey.few": (
        "đơn vị {unit}: chỉ {count} người trả lời phiếu điều tra, ít hơn mức tối thiểu {least}",
        "unit {unit}: only {count} respondents to the survey, fewer than the minimum {least}"),
    "problem.survey.unused": (
        "bộ chỉ số {edition} không có tiêu chí tính từ phiếu điều tra; bảng survey không được "
        "dùng",
        "edition {edition} has no criterion computed from survey questions; the survey table "
        "is not used"),
    "explain.survey": ("{respondents} người trả lời, {answers} câu trả lời",
                       "{respondents} respondents, {answers} answers"),
    "problem.adjustments.kind": ("{quoted} không phải thưởng hay trừ",
                                 "{quoted} is neither bonus nor penalty"),
    "problem.adjustments.points": ("{quoted} không phải số điểm ≥ 0",
                                   "{quoted} is not a number of points ≥ 0"),
    "hint.adjustments.points": ("điểm trừ ghi bằng số dương với loại trừ (penalty)",
                                "a penalty is written as a positive number with kind penalty"),
    "problem.adjustments.capped_bonus": (
        "đơn vị {unit}: điểm thưởng {points} vượt mức tối đa {cap} của bộ chỉ số và được tính "
        "bằng mức tối đa",
        "unit {unit}: bonus {points} is above the edition's cap {cap} and is capped"),
    "problem.adjustments.capped_penalty": (
        "đơn vị {unit}: điểm trừ {points} vượt mức tối đa {cap} của bộ chỉ số và được tính "
        "bằng mức tối đa",
        "unit {unit}: penalty {points} is above the edition's cap {cap} and is capped"),
    # Problems with a criteria file or a small YAML file (criteria.yaml_file, loader,
    # checks): problem.yaml.*, problem.file.*, problem.criteria.*
    "problem.yaml.tag": ("thẻ YAML {tag} không được dùng ở đây",
                         "the YAML tag {tag} is not allowed here"),
    "hint.yaml.tag": ("ghi giá trị thường, không có thẻ", "write plain values, without tags"),
    "problem.yaml.value": ("không đọc được {quoted}: {error}", "{quoted} cannot be read: {error}"),
    "problem.yaml.date": ("không đọc được {quoted}: không có ngày này trong lịch",
                          "{quoted} cannot be read: there is no such day in the calendar"),
    "hint.yaml.date": ("đặt văn bản trong ngoặc kép, ví dụ \"2023-11-30\"",
                       "put text in quotes, e.g. \"2023-11-30\""),
    "hint.yaml.value": ("đặt văn bản trong ngoặc kép, ví dụ \"2023-11-30\"",
                        "put text in quotes, e.g. \"2023-11-30\""),
    "problem.yaml.key_not_text": ("khoá của một ánh xạ phải là văn bản thường",
                                  "a mapping key must be plain text"),
    "problem.yaml.duplicate_key": ("khoá '{name}' bị lặp", "duplicate key '{name}'"),
    "hint.yaml.duplicate_key": ("mỗi khoá chỉ được xuất hiện một lần trong một ánh xạ",
                                "each key may appear once in a mapping"),
    "problem.yaml.nested": ("lồng nhau quá {depth} cấp", "nested more than {depth} levels deep"),
    "problem.yaml.invalid": ("không phải YAML hợp lệ: {error}", "not valid YAML: {error}"),
    "problem.yaml.empty": ("tệp trống", "the file is empty"),
    "problem.yaml.too_big": (
        "YAML bung ra hơn {n} giá trị (bí danh lặp đi lặp lại?)",
        "the YAML expands to more than {n} values (aliases repeated over and over?)"),
    "hint.yaml.too_big": ("ghi thẳng các giá trị, không dùng bí danh",
                          "write the values out, without aliases"),
    "problem.file.no_such": ("không đọc được: không có tệp này", "cannot be read: no such file"),
    "problem.file.not_a_file": (
        "không đọc được như tệp {what}: đây là thư mục hoặc thiết bị, không phải tệp",
        "cannot be read as a {what} file: it is a folder or a device, not a file"),
    "problem.file.too_large": ("có {size} byte, lớn hơn mức cho phép của tệp {what} ({limit})",
                               "is {size} bytes, more than a {what} file may be ({limit})"),
    "problem.file.not_utf8": ("không phải văn bản UTF-8", "not UTF-8 text"),
    "problem.file.unreadable": ("không đọc được: {error}", "cannot be read: {error}"),
    "problem.criteria.not_mapping": ("bộ chỉ số phải là một ánh xạ (các khoá và giá trị)",
                                     "an edition must be a mapping"),
    "problem.criteria.unknown_key": ("khoá không biết '{name}'{shown}",
                                     "unknown key '{name}'{shown}"),
    "problem.criteria.missing_key": ("thiếu khoá bắt buộc '{name}'",
                                     "missing required key '{name}'"),
    "problem.criteria.invalid": ("giá trị không hợp lệ: {detail}{shown}", "{detail}{shown}"),
    "invalid.band_bound": ("một ngưỡng cần đúng một trong 'min' hoặc 'above'",
                           "a band needs exactly one of 'min' or 'above'"),
    "invalid.leaf_needs": ("tiêu chí lá cần có {keys}", "a leaf needs {keys}"),
    "invalid.children_empty": ("'children' đang trống", "'children' is empty"),
    "invalid.node_key": ("tiêu chí có tiêu chí con không được có {name}",
                         "a node with children cannot have {name}"),
    "invalid.denominator": ("'denominator' chỉ dùng với on_time_rate, không dùng với {metric}",
                            "'denominator' applies only to on_time_rate, not {metric}"),
    "invalid.input_unknown": ("không biết kiểu số liệu {input} (đã biết: {known})",
                              "unknown input {input} (known: {known})"),
    "invalid.input_kind": ("kiểu số liệu phải là một trong {known}",
                           "input must be one of {known}"),
    "invalid.score_unknown": ("không biết cách chấm {kind} (đã biết: {known})",
                              "unknown score kind {kind} (known: {known})"),
    "invalid.score_params": ("cách chấm {kind} cần tham số, ví dụ {example}",
                             "score kind {kind} needs parameters, e.g. {example}"),
    "invalid.score_kind": ("cách chấm phải là một trong {known}, ghi bằng tên hoặc một ánh xạ "
                           "một khoá",
                           "score must be one of {known}, given as a name or a one-key "
                           "mapping"),
    "invalid.calendar": ("ngày của lịch phải có dạng MM-DD hoặc +N:MM-DD, không phải {value}",
                         "calendar date must be MM-DD or +N:MM-DD, not {value}"),
    "invalid.choose": ("cần một trong {choices}", "Input should be {choices}"),
    "invalid.text": ("cần một đoạn văn bản", "Input should be a valid string"),
    "invalid.list": ("cần một danh sách", "Input should be a valid list"),
    "invalid.mapping": ("cần một ánh xạ (các cặp khoá: giá trị)",
                        "Input should be a valid dictionary"),
    "invalid.above": ("cần một số lớn hơn {limit}", "Input should be greater than {limit}"),
    "problem.criteria.no_such": ("không có tệp bộ chỉ số hay bộ chỉ số có sẵn nào như vậy",
                                 "no such edition file or shipped edition id"),
    "hint.criteria.no_such": ("có sẵn: {ids}", "shipped: {ids}"),
    "problem.criteria.duplicate_code": ("mã {quoted} bị trùng", "duplicate code {quoted}"),
    "hint.criteria.duplicate_code": ("đã dùng lần đầu ở {first}", "first used at {first}"),
    "problem.criteria.max_not_sum": ("điểm tối đa {max} không bằng tổng của các tiêu chí con "
                                     "({total})",
                                     "max {max} is not the sum of its children ({total})"),
    "problem.criteria.scale": ("các lĩnh vực cộng lại được {total}, không bằng thang điểm "
                               "{scale}", "the areas add up to {total}, not the scale {scale}"),
    "problem.criteria.bands_descend": ("ngưỡng xếp loại phải giảm dần: {this} sau {before}",
                                       "band thresholds must descend: {this} after {before}"),
    "hint.criteria.bands_descend": ("ghi xếp loại cao nhất trước",
                                    "list bands highest first"),
    "problem.criteria.score_bands_descend": (
        "các ngưỡng phải giảm dần: {this} sau {before}",
        "band thresholds must descend: {this} after {before}"),
    "problem.criteria.band_twice": ("xếp loại {quoted} được ghi hai lần",
                                    "band {quoted} is listed twice"),
    "hint.criteria.band_twice": ("mỗi tên xếp loại chỉ xuất hiện một lần",
                                 "each band name appears once"),
    "problem.criteria.band_above_100": ("ngưỡng xếp loại trên 100% thì không bao giờ đạt được",
                                        "a band threshold above 100% can never be reached"),
    "problem.criteria.calendar_date": (
        "{quoted} không phải ngày tháng của năm đánh giá {year}: {error}",
        "{quoted} is not a date for assessment year {year}: {error}"),
    "hint.criteria.calendar_date": ("ghi MM-DD, hoặc +N:MM-DD cho ngày của N năm sau",
                                    "write MM-DD, or +N:MM-DD for a date N years later"),
    "problem.criteria.valid_until": ("'until' {until} trước 'from' {start}",
                                     "'until' {until} is before 'from' {start}"),
    "problem.criteria.previous_area": ("lĩnh vực {quoted} không có trong bộ chỉ số này",
                                       "area {quoted} is not in this edition"),
    "hint.criteria.previous_area": ("các lĩnh vực: {known}", "known areas: {known}"),
    "problem.criteria.rule_above_max": (
        "cách chấm cho tới {best} điểm, vượt điểm tối đa {max}",
        "the rule gives up to {best} points, above max {max}"),
    "problem.criteria.score_input": (
        "cách chấm '{kind}' không dùng được số liệu '{source}' (dùng được: {allowed})",
        "score '{kind}' cannot use input '{source}' (it can use: {allowed})"),
    "problem.criteria.report_unknown": ("kỳ báo cáo {quoted} không có trong lịch ({known})",
                                        "report {quoted} is not in the calendar ({known})"),
    "problem.criteria.survey_weight": (
        "trọng số câu trả lời {weight} không phải tỷ lệ phần trăm (0–100)",
        "answer weight {weight} is not a percentage (0–100)"),
    "problem.criteria.survey_answer_twice": (
        "câu trả lời {quoted} được ghi hai lần (không phân biệt chữ hoa, chữ thường)",
        "answer {quoted} is listed twice (answers match ignoring case)"),
    "problem.criteria.question_twice": (
        "câu hỏi {quoted} được ghi hai lần trong 'survey' (mỗi câu hỏi chỉ tính một lần)",
        "question {quoted} is listed twice in 'survey' (each question counts once)"),
    "problem.criteria.report_twice": (
        "kỳ báo cáo {quoted} được ghi hai lần trong 'of' (mỗi kỳ chỉ tính một lần)",
        "report {quoted} is listed twice in 'of' (each report counts once)"),
    "problem.criteria.option_keys": (
        "các khoá lựa chọn phải khác nhau khi bỏ qua hoa thường, dấu và dấu phân cách: {keys}",
        "option keys must differ ignoring case, accents and separators: {keys}"),
    "problem.criteria.negative": ("'{name}' là số âm", "'{name}' is negative"),
    "problem.criteria.levels_fraction": (
        "các mức là phần của điểm tối đa (0…1), không phải {top}",
        "levels are fractions of max (0…1), not {top}"),
    # Problems reading a bundle's files (evidence.read_csv, read_xlsx)
    "problem.csv.utf16": ("là văn bản UTF-16; đã đọc theo UTF-16",
                          "is UTF-16 text; it was read as such"),
    "hint.csv.utf16": ("hãy lưu thành CSV UTF-8", "save it as CSV UTF-8"),
    "problem.csv.cp1258": (
        "không phải văn bản UTF-8; đã đọc theo Windows-1258 (\"CSV\" của Excel trên Windows "
        "tiếng Việt)",
        "is not UTF-8 text; it was read as Windows-1258 (Excel's \"CSV\" on a Vietnamese "
        "Windows)"),
    "hint.csv.cp1258": ("hãy lưu thành \"CSV UTF-8\" để chắc đúng mọi chữ",
                        "save it as \"CSV UTF-8\" to be sure of every letter"),
    "problem.csv.not_utf8": (
        "không đọc được: không phải văn bản UTF-8 (lưu theo Latin-1, hoặc gõ bằng bảng mã cũ "
        "như TCVN3 hay VNI?)",
        "cannot be read: not UTF-8 text (saved in Latin-1, or typed in a legacy font "
        "encoding such as TCVN3 or VNI?)"),
    "hint.csv.not_utf8": ("hãy chuyển sang Unicode, ví dụ bằng công cụ chuyển mã của Unikey, "
                          "rồi lưu thành CSV UTF-8",
                          "convert it to Unicode, e.g. with Unikey's converter, and save it as "
                          "CSV UTF-8"),
    "problem.csv.too_large": ("lớn hơn {limit} byte", "is larger than {limit} bytes"),
    "problem.csv.empty": ("trống: không có cả dòng tiêu đề", "is empty: not even a heading row"),
    "problem.csv.unreadable": ("không đọc được như CSV: {error}", "cannot be read as CSV: {error}"),
    "problem.csv.extra_cells": ("có {saw} ô, nhiều hơn {expected} cột của dòng tiêu đề",
                                "has {saw} cells, more than the {expected} columns of the "
                                "heading row"),
    "hint.csv.extra_cells": ("một ô có dấu phẩy hay chấm phẩy phải nằm trong ngoặc kép, "
                             "như \"Kế hoạch số 12, ngày 05/01/2024\"; hoặc xoá các ô thừa",
                             "a cell holding a comma or semicolon must be in double quotes, "
                             "as \"Plan no. 12, 05/01/2024\"; or delete the extra cells"),
    "problem.csv.open_quote": ("dấu ngoặc kép mở ở dòng này không được đóng, nên phần còn lại "
                               "của tệp bị đọc thành một ô",
                               "a double quote opened on this row is never closed, so the rest "
                               "of the file reads as one cell"),
    "hint.csv.open_quote": ("hãy thêm dấu ngoặc kép đóng, hoặc xoá dấu mở",
                            "add the closing quote, or delete the opening one"),
    "problem.bundle.no_meta": ("không có bundle.yaml (year, edition, authority)",
                               "no bundle.yaml (year, edition, authority)"),
    "hint.bundle.no_meta": ("tạo bundle.yaml có 'year:' và 'edition:'",
                            "create bundle.yaml with 'year:' and 'edition:'"),
    "problem.bundle.meta_not_mapping": ("phải là ánh xạ gồm year, edition, authority",
                                        "must be a mapping of year, edition, authority"),
    "problem.xlsx.too_large": ("sổ tính nặng {size} MB, vượt giới hạn {limit} MB",
                               "the workbook is {size} MB, above the {limit} MB limit"),
    "hint.xlsx.too_large": ("hãy chia thành nhiều phần và dùng 'parindex merge'",
                            "split it into parts and use 'parindex merge'"),
    "problem.xlsx.not_xlsx": ("không phải sổ tính Excel .xlsx", "is not an Excel .xlsx workbook"),
    "hint.xlsx.not_xlsx": ("hãy lưu thành Excel Workbook (.xlsx)",
                           "save it as Excel Workbook (.xlsx)"),
    "problem.xlsx.unpacks": ("sổ tính giải nén ra {size} MB, vượt giới hạn {limit} MB",
                             "the workbook unpacks to {size} MB, above the {limit} MB limit"),
    "problem.xlsx.no_heading": ("không có dòng tiêu đề với các cột cần có",
                                "no heading row with the expected columns"),
    "hint.xlsx.no_heading": ("các tiêu đề: {headings}", "headings: {headings}"),
    "problem.xlsx.column_unknown": ("cột không biết {quoted} bị bỏ qua",
                                    "unknown column {quoted} is ignored"),
    "problem.xlsx.column_repeats": ("cột {quoted} lặp lại {first}; dùng cột đầu tiên",
                                    "column {quoted} repeats {first}; the first is used"),
    "problem.xlsx.formula": (
        "{quoted} là công thức chưa có kết quả được lưu (parindex không bao giờ tính công thức)",
        "{quoted} is a formula with no saved result (parindex never evaluates formulas)"),
    "hint.xlsx.formula": ("hãy mở và lưu sổ tính bằng Excel hoặc LibreOffice, hoặc gõ giá trị",
                          "open and save the workbook in Excel or LibreOffice, or type the value"),
    "problem.xlsx.no_meta_rows": ("sheet meta không có dòng year / edition",
                                  "the meta sheet has no year / edition rows"),
    "problem.xlsx.sheets_twice": ("hai sheet {first} và {second} cùng là bảng {table}",
                                  "the sheets {first} and {second} are both the table {table}"),
    "hint.xlsx.sheets_twice": ("giữ một sheet, hoặc đổi tên sheet kia",
                               "keep one of them, or rename the other"),
    "problem.xlsx.unreadable": ("không đọc được như sổ tính Excel: {error}",
                                "cannot be read as an Excel workbook: {error}"),
    "hint.xlsx.unreadable": ("hãy mở sổ tính bằng Excel hoặc LibreOffice, đồng ý sửa "
                             "nếu được hỏi, rồi lưu lại",
                             "open the workbook in Excel or LibreOffice, accept the repair "
                             "if one is offered, and save it again"),
    "problem.xlsx.no_meta_sheet": ("không có sheet 'meta' (year, edition, authority)",
                                   "no sheet 'meta' (year, edition, authority)"),
    "problem.xlsx.damaged_sheet": ("không đọc được: sheet bị hỏng ({error})",
                                   "cannot be read: the sheet is damaged ({error})"),
    "hint.xlsx.damaged_sheet": ("hãy mở sổ tính bằng Excel hoặc LibreOffice, đồng ý sửa "
                                "nếu được hỏi, rồi lưu lại",
                                "open the workbook in Excel or LibreOffice, accept the "
                                "repair if one is offered, and save it again"),
    # The workspace (parindex serve): common words, roles, rounds, refusals
    "web.title": ("Chỉ số CCHC — không gian làm việc", "PAR Index — workspace"),
    "web.login": ("Đăng nhập", "Sign in"),
    "web.logout": ("Đăng xuất", "Sign out"),
    "web.username": ("Tên đăng nhập", "User name"),
    "web.password": ("Mật khẩu", "Password"),
    "web.locked": ("Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút.",
                   "Too many failed sign-ins. Try again in 15 minutes."),
    "web.login_failed": ("Tên đăng nhập hoặc mật khẩu không đúng.",
                         "The user name or the password is wrong."),
    "web.cycles": ("Các kỳ đánh giá", "Assessment cycles"),
    "web.no_cycles": ("Chưa có kỳ đánh giá nào.", "No assessment cycle yet."),
    "web.cycle": ("Kỳ đánh giá", "Cycle"),
    "web.year": ("Năm", "Year"),
    "web.edition": ("Bộ tiêu chí", "Criteria edition"),
    "web.round": ("Vòng", "Round"),
    "web.open_self": ("Tự đánh giá", "Self-assess"),
    "web.open_cycle": ("Mở", "Open"),
    "web.role.admin": ("Phòng Nội vụ", "Home affairs office"),
    "web.role.appraiser": ("Thẩm định", "Appraiser"),
    "web.role.unit": ("Đơn vị", "Unit"),
    "web.role.viewer": ("Lãnh đạo", "Leadership"),
    "web.round.self_assessment": ("Tự đánh giá", "Self-assessment"),
    "web.round.appraisal": ("Thẩm định", "Appraisal"),
    "web.round.explanation": ("Giải trình", "Explanation"),
    "web.round.appraisal_2": ("Thẩm định lần 2", "Second appraisal"),
    "web.round.final": ("Chốt điểm", "Final scores"),
    "web.round.published": ("Công bố", "Published"),
    "web.refuse.not_logged_in": ("Chưa đăng nhập.", "Not signed in."),
    "web.refuse.not_found": ("Không tìm thấy.", "Not found."),
    "web.refuse.no_criterion": ("Không có tiêu chí {criterion} trong bộ tiêu chí của kỳ này.",
                                "There is no criterion {criterion} in this cycle's edition."),
    "web.refuse.not_allowed": ("Tài khoản của bạn không được làm việc này.",
                               "Your account may not do this."),
    "web.refuse.wrong_round": ("Không làm được ở vòng hiện tại ({round}).",
                               "Not possible in the current round ({round})."),
    "web.refuse.deadline_passed": ("Đã quá hạn của vòng này ({day}).",
                                   "The deadline of this round has passed ({day})."),
    "web.refuse.submitted": ("Đơn vị đã nộp bản tự đánh giá; không sửa được nữa.",
                             "The unit has submitted its self-assessment; it can no longer "
                             "be changed."),
    "web.refuse.stale_version": ("Người khác vừa sửa ô này; hãy xem giá trị mới rồi nhập lại.",
                                 "Someone else has just changed this; look at the new value "
                                 "and enter yours again."),
    "web.refuse.mixed_fields": ("Không được sửa cùng lúc phần của đơn vị và phần thẩm định.",
                                "The unit's fields and the appraisal's cannot be changed "
                                "together."),
    "web.refuse.too_long": ("Trường {field} có {length} ký tự, nhiều hơn một ô Excel chứa "
                            "được ({limit}); hãy rút gọn hoặc đính kèm thành tài liệu.",
                            "The field {field} has {length} characters, more than an Excel "
                            "cell holds ({limit}); shorten it or attach it as a document."),
    "web.refuse.invalid_body": ("Yêu cầu không hợp lệ {where}.", "Invalid request {where}."),
    "web.refuse.csrf": ("Phiên làm việc không hợp lệ (CSRF); hãy tải lại trang.",
                        "Invalid session (CSRF); reload the page."),
    "web.refuse.bad_day": ("{value}: không phải ngày (dd/mm/yyyy).",
                           "{value}: not a date (dd/mm/yyyy)."),
    "web.refuse.bad_round": ("{value}: không có vòng này (các vòng: {rounds}).",
                             "{value}: no such round (rounds: {rounds})."),
    "web.refuse.reason_needed": ("Cần ghi lý do.", "A reason is needed."),
    "web.refuse.no_edition": ("{value}: không có bộ chỉ số này (có: {ids}).",
                              "{value}: no such edition (there are: {ids})."),
    "web.refuse.no_edition_for_year": ("Không có bộ chỉ số {family} nào áp dụng cho năm {year}.",
                                       "No {family} edition is valid for {year}."),
    "web.refuse.cycle_exists": ("Đã có kỳ đánh giá tên {name}.",
                                "There is already a cycle named {name}."),
    "web.refuse.too_large": ("Tệp lớn hơn {mb} MB.", "The file is larger than {mb} MB."),
    "web.refuse.bad_type": ("Chỉ nhận tệp PDF, JPEG, PNG, DOCX, XLSX (nhận biết theo nội dung "
                            "tệp, không theo tên).",
                            "Only PDF, JPEG, PNG, DOCX and XLSX files are accepted (recognised "
                            "by their content, not their name)."),
    # web: the unit's self-assessment page (parindex/web/unit_pages.py and its templates)
    "web.unit.title": ("Tự đánh giá", "Self-assessment"),
    "web.unit.computed.one_stop": ("Tính từ bảng hồ sơ một cửa bên dưới",
                                   "Computed from the one-stop table below"),
    "web.unit.computed.reports": ("Tính từ ngày gửi các báo cáo bên dưới",
                                  "Computed from the report dates below"),
    "web.unit.computed.survey": ("Tính từ kết quả điều tra xã hội học (đơn vị không nhập)",
                                 "Computed from the survey (not entered by the unit)"),
    "web.unit.yes": ("Có / đạt", "Yes"),
    "web.unit.no": ("Không / không đạt", "No"),
    "web.unit.choose": ("— chọn —", "— choose —"),
    "web.unit.option": ("{label} — {points} điểm", "{label} — {points} points"),
    "web.unit.points_word": ("điểm", "points"),
    "web.unit.rebased": ("không tính vào điểm tối đa", "left out of the maximum"),
    "web.unit.self_points": ("tự chấm: {points}", "self-assessed: {points}"),
    "web.unit.area_points": ("{points} / {max} điểm", "{points} / {max} points"),
    "web.unit.of_max": ("(tối đa của lĩnh vực: {max})", "(the area's maximum: {max})"),
    "web.unit.max_points": ("tối đa {max} điểm", "at most {max} points"),
    "web.unit.not_scored": ("Chưa tính được điểm của đơn vị:",
                            "The unit's points cannot be computed yet:"),
    "web.unit.progress": ("{filled}/{total} tiêu chí đã nhập", "{filled}/{total} criteria entered"),
    "web.unit.missing": ("Còn thiếu {count} tiêu chí (tối đa {points} điểm chưa có):",
                         "{count} criteria still missing (up to {points} points not yet counted):"),
    "web.unit.rebased_line": (
        "Điểm tối đa tính lại: {max}/{scale} vì các tiêu chí không áp dụng:",
        "Maximum rebased to {max}/{scale} for the criteria not applicable:"),
    "web.unit.na_full_line": ("Không áp dụng, được tính đủ điểm:",
                              "Not applicable, counted at full points:"),
    "web.unit.nothing_missing": ("Đã nhập đủ các tiêu chí.", "Every criterion is entered."),
    "web.unit.areas": ("Các lĩnh vực", "Areas"),
    "web.unit.guidance": ("Hướng dẫn chấm", "Scoring guidance"),
    "web.unit.comment": ("Nhận xét của Hội đồng thẩm định", "The council's comment"),
    "web.unit.explanation": ("Giải trình của đơn vị", "The unit's explanation"),
    "web.unit.documents": ("Tài liệu kiểm chứng đính kèm", "Attached evidence documents"),
    "web.unit.no_documents": ("Chưa có tệp nào.", "No file yet."),
    "web.unit.upload": ("Tải tệp lên (PDF, ảnh, DOCX, XLSX)",
                        "Upload files (PDF, image, DOCX, XLSX)"),
    "web.unit.drop_hint": ("hoặc kéo thả tệp vào ô này", "or drop files onto this box"),
    "web.unit.no_file": ("Chưa chọn tệp nào.", "No file chosen."),
    "web.unit.saved": ("đã lưu", "saved"),
    "web.unit.current": ("Giá trị hiện tại: {value}", "Current value: {value}"),
    "web.unit.one_stop": ("Hồ sơ một cửa", "One-stop applications"),
    "web.unit.one_stop_help": (
        "Số hồ sơ của từng kỳ, số nguyên ≥ 0; để trống nếu chưa có số liệu.",
        "Applications of each period, whole numbers ≥ 0; leave blank when not known."),
    "web.unit.whole_year": ("Cả năm", "Whole year"),
    "web.unit.reports": ("Báo cáo định kỳ", "Periodic reports"),
    "web.unit.deadline": ("Hạn nộp: {day}", "Deadline: {day}"),
    "web.unit.days_left": ("còn {days} ngày", "{days} days left"),
    "web.unit.last_day": ("hôm nay là ngày cuối", "today is the last day"),
    "web.unit.overdue": ("đã quá hạn", "passed"),
    "web.unit.read_only": ("Chỉ xem, không sửa được: {why}", "Read only: {why}"),
    "web.unit.submitted_at": ("Đơn vị đã nộp bản tự đánh giá lúc {when}; trang chỉ để xem.",
                              "The unit submitted its self-assessment at {when}; the page is "
                              "read only."),
    "web.unit.cannot_submit": ("Chưa nộp được: {why}", "Cannot submit: {why}"),
    "web.unit.submit": ("Nộp bản tự đánh giá", "Submit the self-assessment"),
    "web.unit.submit_warning": (
        "Sau khi nộp, đơn vị không sửa được số liệu tự đánh giá nữa.",
        "Once submitted, the unit can no longer change its declared values."),
    "web.unit.submit_confirm": ("Xác nhận nộp", "Confirm and submit"),
    "web.unit.back": ("Quay lại trang tự đánh giá", "Back to the self-assessment"),
    "web.unit.wb.title": ("Nhập từ sổ tính", "Import a workbook"),
    "web.unit.wb.help": (
        "Tải lên sổ tính tự đánh giá (mẫu của parindex) đã điền: sổ tính được kiểm tra như "
        "lệnh parindex check, rồi hiện các thay đổi để xác nhận trước khi áp dụng. Ô để trống "
        "không xóa số liệu đã nhập trên trang.",
        "Upload the filled self-assessment workbook (the parindex template): it is checked as "
        "parindex check does, then its changes are shown for you to confirm before they are "
        "applied. A blank cell does not erase what was entered on the site."),
    "web.unit.wb.template": ("Tải sổ tính mẫu của đơn vị (.xlsx)",
                             "Download the unit's template workbook (.xlsx)"),
    "web.unit.wb.file": ("Sổ tính đã điền (.xlsx)", "The filled workbook (.xlsx)"),
    "web.unit.wb.check": ("Kiểm tra và xem thay đổi", "Check and show the changes"),
    "web.unit.wb.has_errors": ("Sổ tính có {count} lỗi; chưa áp dụng gì:",
                               "The workbook has {count} errors; nothing was applied:"),
    "web.unit.wb.warnings": ("{count} cảnh báo", "{count} warnings"),
    "web.unit.wb.changes": ("Sổ tính sẽ thay đổi {count} ô:",
                            "The workbook would change {count} cells:"),
    "web.unit.wb.no_changes": ("Sổ tính không có gì khác với số liệu hiện có.",
                               "The workbook changes nothing."),
    "web.unit.wb.field": ("Ô", "Field"),
    "web.unit.wb.before": ("Hiện nay", "Now"),
    "web.unit.wb.after": ("Theo sổ tính", "In the workbook"),
    "web.unit.wb.apply": ("Áp dụng các thay đổi", "Apply the changes"),
    "web.unit.wb.applied": ("Đã áp dụng {count} dòng từ sổ tính.",
                            "{count} rows applied from the workbook."),
    "web.unit.wb.not_xlsx": ("Tệp không phải sổ tính Excel (.xlsx).",
                             "The file is not an Excel workbook (.xlsx)."),
    "web.unit.wb.other_unit": ("Sổ tính có dòng của đơn vị khác ({units}); chỉ nhận sổ tính "
                               "của đơn vị mình.",
                               "The workbook has rows of other units ({units}); only the "
                               "unit's own workbook is accepted."),
    "web.unit.wb.other_cycle": (
        "Sổ tính của năm {year}, bộ tiêu chí {edition}; kỳ này là năm {want_year}, bộ tiêu chí "
        "{want_edition}.",
        "The workbook is for {year}, edition {edition}; this cycle is {want_year}, edition "
        "{want_edition}."),
    "web.unit.wb.expired": ("Bản xem trước đã hết hạn hoặc không hợp lệ; hãy tải sổ tính lên "
                            "lại.",
                            "The preview has expired or is not valid; upload the workbook "
                            "again."),
    # web: the office's pages (parindex/web/office_pages.py and its templates)
    "web.office.title": ("Theo dõi kỳ đánh giá", "Cycle overview"),
    # web: the rounds' pages (parindex/web/round_pages.py, office_rounds.py and templates)
    "web.rounds.title": ("Thẩm định", "Appraisal"),
    "web.rounds.unit_page": ("Trang tự đánh giá của đơn vị", "The unit's self-assessment page"),
    "web.rounds.appraise_link": ("Thẩm định", "Appraise"),
    "web.rounds.before": ("Trước thẩm định (tự đánh giá)", "Before appraisal (self-assessed)"),
    "web.rounds.after": ("Sau thẩm định", "After appraisal"),
    "web.rounds.adjusted": ("Điểm thưởng / điểm trừ", "Bonus / penalty"),
    "web.rounds.progress": ("Đã thẩm định {done}/{total} tiêu chí, còn {left}",
                            "{done}/{total} criteria appraised, {left} left"),
    "web.rounds.declared_side": ("Đơn vị tự đánh giá", "Declared by the unit"),
    "web.rounds.council_side": ("Hội đồng thẩm định", "The council"),
    "web.rounds.self_points": ("Điểm tự đánh giá", "Self-assessed points"),
    "web.rounds.expected": ("Tài liệu kiểm chứng cần có", "Expected evidence"),
    "web.rounds.decision": ("Số liệu quyết định (thẩm định lần 2)",
                            "Decided value (second appraisal)"),
    "web.rounds.closing_comment": ("Kết luận của Hội đồng", "The council's closing comment"),
    "web.rounds.as_declared": ("như đơn vị tự đánh giá", "as declared"),
    "web.rounds.accept_leaf": ("Chấp nhận như tự đánh giá", "Accept as declared"),
    "web.rounds.accept_area": ("Chấp nhận cả lĩnh vực {area} như tự đánh giá",
                               "Accept all of area {area} as declared"),
    "web.rounds.decided": ("đã thẩm định", "appraised"),
    "web.rounds.not_decided": ("chưa thẩm định", "not appraised yet"),
    "web.rounds.asked": ("Đã yêu cầu bổ sung", "Document asked"),
    "web.rounds.due": ("hạn", "due"),
    "web.rounds.ask": ("Yêu cầu bổ sung tài liệu", "Ask for a document"),
    "web.rounds.ask_text": ("Tài liệu cần bổ sung", "The document needed"),
    "web.rounds.ask_send": ("Gửi yêu cầu", "Send the request"),
    "web.rounds.adjustments": ("Điểm thưởng và điểm trừ", "Bonus and penalty"),
    "web.rounds.kind": ("Loại", "Kind"),
    "web.rounds.kind.bonus": ("Điểm thưởng", "Bonus"),
    "web.rounds.kind.penalty": ("Điểm trừ", "Penalty"),
    "web.rounds.points": ("Số điểm", "Points"),
    "web.rounds.reason": ("Lý do", "Reason"),
    "web.rounds.document": ("Tài liệu của đơn vị", "The unit's document"),
    "web.rounds.delete": ("Xoá", "Delete"),
    "web.rounds.no_adjustments": ("Chưa có điểm thưởng hay điểm trừ.",
                                  "No bonus or penalty yet."),
    "web.rounds.add_adjustment": ("Thêm", "Add"),
    "web.rounds.history": ("Lịch sử tiêu chí", "History of the criterion"),
    "web.rounds.history_open": ("Xem lịch sử", "Open the history"),
    "web.rounds.history_title": ("Lịch sử tiêu chí {criterion}",
                                 "History of criterion {criterion}"),
    "web.rounds.back_to_leaf": ("Quay lại tiêu chí", "Back to the criterion"),
    "web.rounds.no_history": ("Chưa có thay đổi nào được ghi.", "No change on the record yet."),
    "web.rounds.request": ("Yêu cầu bổ sung", "Document request"),
    "web.rounds.step.declared": ("Tự đánh giá", "Declared"),
    "web.rounds.step.appraised": ("Thẩm định", "Appraised"),
    "web.rounds.step.accepted": ("Chấp nhận như tự đánh giá", "Accepted as declared"),
    "web.rounds.step.explained": ("Giải trình", "Explained"),
    "web.rounds.step.decided": ("Quyết định (thẩm định lần 2)", "Decided (second appraisal)"),
    "web.rounds.step.document": ("Thêm tài liệu", "Document added"),
    "web.rounds.step.document_removed": ("Gỡ tài liệu", "Document removed"),
    "web.rounds.step.asked": ("Yêu cầu bổ sung tài liệu", "Document asked"),
    "web.rounds.council_title": ("Ý kiến của Hội đồng thẩm định", "The council's appraisal"),
    "web.rounds.council_intro": ("{count} tiêu chí được Hội đồng điều chỉnh hoặc nhận xét; "
                                 "đơn vị giải trình ngay tại từng tiêu chí bên dưới.",
                                 "{count} criteria changed or commented on by the council; "
                                 "explain each at its criterion below."),
    "web.rounds.not_explained": ("chưa giải trình", "not explained yet"),
    "web.rounds.open_requests": ("{count} yêu cầu bổ sung tài liệu đang chờ",
                                 "{count} document requests open"),
    "web.rounds.controls": ("Điều hành vòng đánh giá", "Rounds"),
    "web.rounds.late": ("{count} đơn vị quá hạn trong vòng này",
                        "{count} units late in this round"),
    "web.rounds.move": ("Chuyển vòng", "Move the cycle to a round"),
    "web.rounds.round_deadline": ("Hạn của vòng", "The round's deadline"),
    "web.rounds.reopen_reason": ("Lý do mở lại kỳ đã công bố",
                                 "Why the published cycle is reopened"),
    "web.rounds.move_button": ("Chuyển vòng", "Move"),
    "web.rounds.extend": ("Gia hạn cho một đơn vị", "Extend one unit's deadline"),
    "web.rounds.new_deadline": ("Hạn mới", "New deadline"),
    "web.rounds.extend_button": ("Gia hạn", "Extend"),
    "web.rounds.open_next": ("Mở kỳ đánh giá năm sau", "Open next year's cycle"),
    "web.rounds.open_next_button": ("Mở kỳ mới", "Open the cycle"),
    "web.rounds.bad_year": ("Năm không hợp lệ: {value}", "Not a year: {value}"),
    "web.rounds.audit": ("Nhật ký thay đổi", "The record of changes"),
    "web.rounds.audit_csv": ("Tải nhật ký (.csv)", "Download the record (.csv)"),
    "web.rounds.all_units": ("Tất cả đơn vị", "All units"),
    "web.rounds.filter": ("Lọc", "Filter"),
    "web.rounds.when": ("Thời điểm", "When"),
    "web.rounds.who": ("Người thực hiện", "Who"),
    "web.rounds.action": ("Thao tác", "Action"),
    "web.rounds.field": ("Trường", "Field"),
    "web.rounds.before_value": ("Trước", "Before"),
    "web.rounds.after_value": ("Sau", "After"),
    # web: the home page, what needs the account now (inbox)
    "web.news.title": ("Việc cần làm", "What needs you now"),
    "web.news.deadline": ("Hạn của vòng:", "Deadline of the round:"),
    "web.news.days_left": ("còn {days} ngày", "{days} days left"),
    "web.news.overdue": ("đã quá hạn", "overdue"),
    "web.news.missing": ("{count} tiêu chí chưa nhập", "{count} criteria not entered yet"),
    "web.news.comments": ("{count} ý kiến của hội đồng thẩm định chờ giải trình",
                          "{count} appraisal comments await your explanation"),
    "web.news.requests": ("{count} yêu cầu bổ sung tài liệu chưa trả lời",
                          "{count} document requests not answered yet"),
    "web.news.waiting": ("{count} đơn vị chờ thẩm định", "{count} units await appraisal"),
    "web.news.left": ("còn {count} tiêu chí", "{count} criteria left"),
    "web.news.late": ("{count} đơn vị quá hạn chưa nộp", "{count} units late, not submitted"),
    "web.news.ready": ("Kỳ đánh giá sẵn sàng chuyển vòng tiếp theo.",
                       "The cycle is ready to move to the next round."),
    "web.news.nothing": ("Không có việc nào đang chờ.", "Nothing is waiting."),
    "web.office.deadline": ("Hạn", "Deadline"),
    "web.periodic.one_stop": ("Phụ lục kết quả giải quyết hồ sơ một cửa",
                              "The one-stop annex"),
    "web.periodic.reports": ("Theo dõi báo cáo định kỳ", "Periodic reports followed up"),
    "web.periodic.period": ("Kỳ", "Period"),
    "web.periodic.show": ("Xem", "Show"),
    "web.periodic.as_of": ("Tính đến ngày", "As of"),
    "web.office.sheet": ("Phiếu chấm điểm của đơn vị (.docx)", "The unit's scoring sheet (.docx)"),
    "web.office.sheet_after": ("Phiếu chấm điểm có thứ hạng: đơn vị nhận khi kết quả được "
                               "công bố.",
                               "The scoring sheet shows the rank: a unit has it once the results "
                               "are published."),
    "web.office.no_deadline": ("chưa đặt", "not set"),
    "web.office.nav": ("Các trang của kỳ", "The cycle's pages"),
    "web.office.progress": ("Tiến độ các đơn vị", "Progress of the units"),
    "web.office.league": ("Bảng xếp hạng", "League table"),
    "web.office.charts": ("Biểu đồ", "Charts"),
    "web.office.downloads": ("Tải về", "Downloads"),
    "web.office.download.bundle": ("Bộ hồ sơ (.xlsx)", "Bundle (.xlsx)"),
    "web.office.download.league": ("Bảng xếp hạng (.xlsx)", "League table (.xlsx)"),
    "web.office.download.annex": ("Phụ lục quyết định (.docx)", "Decision annex (.docx)"),
    "web.office.download.report": ("Báo cáo (.html)", "Report (.html)"),
    "web.office.refused": ("Không mở được trang", "This page cannot be opened"),
    "web.office.back_home": ("Về trang đầu", "Back to the start page"),
    "web.office.count.units": ("đơn vị", "units"),
    "web.office.count.submitted": ("đã nộp", "submitted"),
    "web.office.count.not_submitted": ("chưa nộp", "not submitted"),
    "web.office.count.late": ("quá hạn", "late"),
    "web.office.count.complete": ("đủ số liệu", "complete"),
    "web.office.leaves_of": ("Bộ tiêu chí có {leaves} tiêu chí thành phần.",
                             "The edition has {leaves} leaf criteria."),
    "web.office.filled": ("Đã nhập", "Filled"),
    "web.office.missing": ("Còn thiếu", "Missing"),
    "web.office.submitted": ("Nộp", "Submitted"),
    "web.office.not_submitted": ("Chưa nộp", "Not submitted"),
    "web.office.late": ("Quá hạn", "Late"),
    "web.office.open_unit": ("Tự đánh giá", "Self-assessment"),
    "web.office.explain": ("Giải thích điểm", "Explanation"),
    "web.office.plan": ("Kế hoạch nâng điểm", "Plan"),
    "web.office.plan_title": ("Kế hoạch đạt mục tiêu", "A plan to reach a target"),
    "web.office.target_band": ("Xếp loại muốn đạt", "Band to reach"),
    "web.office.target_rank": ("hoặc hạng muốn đạt", "or rank to reach"),
    "web.office.make_plan": ("Lập kế hoạch", "Make the plan"),
    "web.office.rank_hidden": ("Thứ hạng chưa được công bố; hãy chọn một xếp loại.",
                               "Ranks are not published yet; choose a band."),
    "web.office.reachable": ("Đạt được mục tiêu {target}.", "The target {target} is reachable."),
    "web.office.unreachable": ("Không đạt được mục tiêu {target} chỉ bằng các tiêu chí này.",
                               "The target {target} is out of reach with these criteria."),
    "web.office.plan_moves": ("Số tiêu chí cần cải thiện: {n}.",
                              "Criteria to improve: {n}."),
    "web.office.from": ("Hiện tại", "From"),
    "web.office.to": ("Cần đạt", "To"),
    "web.office.gained": ("Điểm tăng thêm", "Points gained"),
    "web.office.whatif": ("Thử thay đổi số liệu", "What if"),
    "web.office.whatif_hint": ("Sửa số liệu thẩm định rồi bấm Tính lại để xem điểm, xếp "
                               "loại và thứ hạng thay đổi; không có gì được lưu.",
                               "Change appraised inputs and press Recalculate to see the "
                               "points, band and rank move; nothing is saved."),
    "web.office.whatif_value": ("Thử với", "Try with"),
    "web.office.whatif_apply": ("Tính lại", "Recalculate"),
    "web.office.filter": ("Lọc theo mã, tên, nhóm", "Filter by code, name, group"),
    "web.office.not_scored": ("Số liệu của kỳ còn lỗi nên chưa tính được số tiêu chí còn "
                              "thiếu.",
                              "The cycle's data has errors, so the missing leaves cannot be "
                              "counted yet."),
    "web.office.data_errors": ("Số liệu của kỳ còn {count} lỗi, chưa tính điểm được; lỗi đầu "
                               "tiên: {first}",
                               "The cycle's data has {count} errors and cannot be scored; "
                               "the first: {first}"),
    # web: accounts and the command line (parindex workspace)
    "web.account.bad_role": ("vai trò {role}: phải là một trong {roles}",
                             "role {role}: one of {roles}"),
    "web.account.unit_needed": ("tài khoản đơn vị cần --unit MÃ",
                                "a unit account needs --unit CODE"),
    "web.account.exists": ("{name}: tài khoản đã có", "{name}: the account exists"),
    "web.account.no_unit": ("{unit}: không có đơn vị này trong không gian làm việc (hãy nhập "
                            "bộ hồ sơ trước)",
                            "{unit}: no such unit in the workspace (import a bundle first)"),
    "web.account.no_account": ("{name}: không có tài khoản này", "{name}: no such account"),
    "web.cli.no_extra": ("Không gian làm việc cần phần web: pip install 'parindex[web]'",
                         "The workspace needs the web extra: pip install 'parindex[web]'"),
    "web.cli.password_prompt": ("Mật khẩu", "Password"),
    "web.cli.demo_accounts": (
        "Tài khoản mẫu (mật khẩu {password}): noivu (Phòng Nội vụ), thamdinh (thẩm định), "
        "và mỗi đơn vị một tài khoản theo mã viết thường (sm01, …)",
        "Demo accounts (password {password}): noivu (office), thamdinh (appraiser), and one "
        "per unit named by its code in lower case (sm01, …)"),
    "web.cli.address": ("Không gian làm việc đang chạy tại {url} (dữ liệu: {data}); "
                        "Ctrl+C để dừng.",
                        "The workspace is running at {url} (data: {data}); Ctrl+C stops it."),
    "web.cli.ready": ("Cơ sở dữ liệu đã sẵn sàng ({data}).", "The database is ready ({data})."),
    "web.cli.initialised": ("Đã tạo không gian làm việc tại {data}, tài khoản quản trị {name}.",
                            "Workspace created in {data}, with the admin account {name}."),
    "web.cli.generated": ("Mật khẩu của {name} (chỉ hiện một lần): {password}",
                          "The password of {name} (shown once): {password}"),
    "web.cli.user_added": ("Đã thêm tài khoản {name} ({role}).", "Account {name} added ({role})."),
    "web.cli.password_set": ("Đã đổi mật khẩu của {name}.", "The password of {name} is changed."),
    "web.cli.no_cycle": ("{cycle}: không có kỳ đánh giá này (có: {names})",
                         "{cycle}: no such cycle (there are: {names})"),
    "help.cmd.serve": (
        "Chạy không gian làm việc trên web (--demo: huyện mẫu, tài khoản mẫu)."
        "\n\nVí dụ: parindex serve --demo",
        "Serve the workspace (--demo: the sample district, demo accounts)."
        "\n\nExample: parindex serve --demo"),
    "help.cmd.workspace": ("Quản lý không gian làm việc: khởi tạo, tài khoản, nhập, xuất.",
                           "Manage the workspace: init, accounts, import, export."),
    "help.cmd.ws_user": ("Tài khoản: thêm, liệt kê, đổi mật khẩu.",
                         "Accounts: add, list, change a password."),
    "help.cmd.ws_init": (
        "Tạo cơ sở dữ liệu và tài khoản quản trị đầu tiên."
        "\n\nVí dụ: parindex workspace init --admin noivu",
        "Create the database and the first admin account."
        "\n\nExample: parindex workspace init --admin noivu"),
    "help.cmd.ws_user_add": (
        "Thêm một tài khoản với vai trò (và đơn vị hoặc nhóm)."
        "\n\nVí dụ: parindex workspace user add sm01 --role unit --unit SM01",
        "Add an account with a role (and a unit or groups)."
        "\n\nExample: parindex workspace user add sm01 --role unit --unit SM01"),
    "help.cmd.ws_user_list": (
        "Liệt kê các tài khoản."
        "\n\nVí dụ: parindex workspace user list",
        "List the accounts."
        "\n\nExample: parindex workspace user list"),
    "help.cmd.ws_user_password": (
        "Đổi mật khẩu của một tài khoản."
        "\n\nVí dụ: parindex workspace user password sm01",
        "Change an account's password."
        "\n\nExample: parindex workspace user password sm01"),
    "help.cmd.ws_token": (
        "In một khóa API mới cho tài khoản (một dòng, để dùng trong script)."
        "\n\nVí dụ: parindex workspace token noivu",
        "Print a new API token for the account (alone, for scripts)."
        "\n\nExample: parindex workspace token noivu"),
    "help.cmd.ws_import": (
        "Nhập một bộ hồ sơ thành một kỳ đánh giá; in mã kỳ."
        "\n\nVí dụ: parindex workspace import parindex/samples/sample_district/2024 "
        "--cycle 2024",
        "Import a bundle as a cycle; print its id."
        "\n\nExample: parindex workspace import parindex/samples/sample_district/2024 "
        "--cycle 2024"),
    "help.cmd.ws_export": (
        "Xuất một kỳ đánh giá thành bộ hồ sơ (thư mục CSV, hoặc .xlsx)."
        "\n\nVí dụ: parindex workspace export 2024 bo-ho-so-2024.xlsx",
        "Export a cycle as a bundle (a CSV folder, or .xlsx)."
        "\n\nExample: parindex workspace export 2024 bo-ho-so-2024.xlsx"),
    "help.cmd.ws_backup": (
        "Sao lưu cơ sở dữ liệu và tài liệu minh chứng (được cả khi trang đang chạy)."
        "\n\nVí dụ: parindex workspace backup sao-luu-2024",
        "Back up the database and the evidence documents (also while the site runs)."
        "\n\nExample: parindex workspace backup sao-luu-2024"),
    "help.cmd.ws_restore": (
        "Khôi phục bản sao lưu vào một thư mục dữ liệu mới."
        "\n\nVí dụ: parindex workspace restore sao-luu-2024 --data du-lieu-moi",
        "Restore a backup into a new data folder."
        "\n\nExample: parindex workspace restore sao-luu-2024 --data du-lieu-moi"),
    "help.arg.ws_backup_out": ("Thư mục mới chứa bản sao lưu.", "A new folder for the backup."),
    "help.arg.ws_backup_in": ("Thư mục bản sao lưu.", "The backup's folder."),
    "web.cli.backed_up": ("Đã sao lưu vào {path} ({files} tệp).",
                          "Backed up to {path} ({files} files)."),
    "web.cli.restored": ("Đã khôi phục {path} vào {data}.", "Restored {path} into {data}."),
    "web.backup.not_empty": ("{path}: đã có dữ liệu; hãy chọn thư mục (hoặc cơ sở dữ liệu) mới",
                             "{path}: already holds data; choose a new folder (or database)"),
    "web.backup.no_manifest": ("{path}: không phải bản sao lưu (thiếu manifest.json)",
                               "{path}: not a backup (no manifest.json)"),
    "web.backup.damaged": ("{path}: tệp bị thiếu hoặc hỏng so với manifest.json",
                           "{path}: missing or damaged against manifest.json"),
    "web.backup.engine": ("bản sao lưu của {made} không khôi phục được vào {here}",
                          "a backup of {made} cannot be restored into {here}"),
    "help.opt.ws_workers": ("Số tiến trình phục vụ (Linux; mỗi lõi CPU một tiến trình).",
                            "Processes serving (Linux; one a CPU core)."),
    "help.opt.ws_revoke": ("Thu hồi mọi khóa API của tài khoản thay vì tạo khóa mới.",
                           "Revoke every API token of the account instead of making one."),
    "web.cli.revoked": ("Đã thu hồi {count} khóa API của {name}.",
                        "{count} API tokens of {name} revoked."),
    "web.refuse.quota": ("Đơn vị đã dùng hết dung lượng tài liệu ({mb} MB).",
                         "The unit has used up its documents' space ({mb} MB)."),
    "help.opt.ws_data": ("Thư mục dữ liệu (cơ sở dữ liệu SQLite, tệp minh chứng).",
                         "The data folder (the SQLite database, evidence documents)."),
    "help.opt.ws_db": ("Địa chỉ PostgreSQL postgresql://user:pass@host:5432/name thay cho SQLite.",
                       "A PostgreSQL URL postgresql://user:pass@host:5432/name instead of SQLite."),
    "help.opt.ws_demo": ("Không gian làm việc tạm với huyện mẫu và tài khoản mẫu (chỉ 127.0.0.1).",
                         "A throwaway workspace with the sample district and demo accounts "
                         "(127.0.0.1 only)."),
    "help.opt.ws_host": ("Địa chỉ lắng nghe.", "The address to listen on."),
    "help.opt.ws_port": ("Cổng.", "The port."),
    "help.opt.ws_admin": ("Tên tài khoản quản trị đầu tiên.", "The first admin account's name."),
    "help.opt.ws_role": ("Vai trò: admin, appraiser, unit, viewer.",
                         "The role: admin, appraiser, unit, viewer."),
    "help.opt.ws_unit": ("Mã đơn vị (tài khoản đơn vị).", "The unit code (a unit account)."),
    "help.opt.ws_group": ("Nhóm được thẩm định (lặp lại được; không có = mọi nhóm).",
                          "A group to appraise (repeatable; none = every group)."),
    "help.opt.ws_cycle": ("Tên kỳ đánh giá (mặc định: năm của bộ hồ sơ).",
                          "The cycle's name (default: the bundle's year)."),
    "help.opt.ws_round": ("Vòng của kỳ sau khi nhập.", "The cycle's round after the import."),
    "help.arg.ws_name": ("Tên tài khoản.", "The account name."),
    "help.arg.ws_cycle": ("Kỳ đánh giá (tên hoặc mã số).", "The cycle (name or id)."),
    "help.arg.ws_out": ("Thư mục hoặc tệp .xlsx ra.", "The folder or .xlsx file to write."),
    "rule.choose_one": ("chọn một trong: {keys}", "choose one of: {keys}"),
    # Where a problem is (errors.Problem.render)
    "where.row": ("dòng", "row"),
    "where.cell": ("ô", "cell"),
    "where.line": ("dòng", "line"),
    "where.at": ("cột", "column"),
    "where.code": ("mã", "code"),
    "where.column": (', cột "{column}"', ', column "{column}"'),
}


#: a library's English wording of a number refused (pydantic's, which the command line's
#: parser and the edition's model both use) → its words key
NUMBER_RULES: list[tuple[str, str]] = [
    (r"Input should be greater than or equal to (?P<limit>\S+)", "value.at_least"),
    (r"Input should be less than or equal to (?P<limit>\S+)", "value.at_most"),
    (r"Input should be a valid integer.*", "value.integer"),
    (r"Input should be a valid number.*", "value.number"),
]


Rules = list[tuple[str, str]]


def reworded(rules: Rules, text: str, lang: str, why: Rules | None = None) -> str | None:
    """``text``, a library's English wording (the command-line parser's, pydantic's), said
    again from this table: the first rule whose pattern matches it whole gives the key and
    its named groups the fields — a number ``limit`` written the language's way, ``'a' or
    'b'`` with the language's "or", a ``why`` said again by the rules ``why`` — or None
    when no rule matches."""
    for pattern, key in rules:
        found = re.fullmatch(pattern, text, flags=re.DOTALL)
        if found is None:
            continue
        fields: dict[str, str] = {}
        for k, v in found.groupdict().items():
            if v is None:
                continue
            if k == "limit":
                v = typed_text(v, lang)
            elif k == "why" and why is not None:
                v = reworded(why, v, lang) or v
            else:
                v = v.replace("' or '", f"' {t('word.or', lang)} '")
            fields[k] = v
        return t(key, lang, **fields)
    return None


def t(key: str, lang: str, **fields: object) -> str:
    """The text of ``key`` in ``lang`` (``"en"``, else Vietnamese), ``fields`` filled in."""
    vi, en = WORDS[key]
    text = en if lang == "en" else vi
    return text.format(**fields) if fields else text


def both(key: str) -> tuple[str, str]:
    """The Vietnamese and English texts of ``key`` (readers accept either)."""
    return WORDS[key]


def language(lang: str) -> str:
    """The language code a text is written in: ``"en"`` or ``"vi"``."""
    return "en" if lang == "en" else "vi"


__all__ = ["BLANK_IN_VI", "WORDS", "both", "language", "t"]

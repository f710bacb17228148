"""Every user-facing word of parindex, in Vietnamese and English: one table, one lookup.

:data:`WORDS` maps a key to its text in both languages, ``(vietnamese, english)``; keys are
dotted by where they are shown (``head.`` table headings, ``html.`` the report page,
``col.TABLE.COLUMN`` bundle column headings, ``problem.`` reasons of input problems, …).
Texts may hold ``{placeholders}``, the same ones in both languages (a test checks this, and
that every text is present, non-empty and NFC-normalised).

:func:`t` is the one place the language is chosen: ``"en"`` gives English, anything else
Vietnamese (the default language of reports and templates). Numbers and dates are written by
:mod:`parindex.lang`. Light on purpose: no pandas, no numpy, imports nothing of parindex.

Longer than 300 lines because it is one table, an entry a line, read and translated as one.
"""

from __future__ import annotations

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
    "head.self": ("Điểm tự chấm", "Self points"),
    "head.appraised": ("Điểm thẩm định", "Appraised points"),
    "head.lost": ("Điểm bị mất", "Points lost"),
    "head.source": ("Tài liệu kiểm chứng", "Evidence"),
    "head.note": ("Ghi chú", "Note"),
    "head.status": ("Trạng thái", "Status"),
    "status.missing": ("thiếu số liệu", "missing"),
    "status.na": ("không phát sinh", "not applicable"),
    "head.rank_words": (", hạng {rank}", ", rank {rank}"),
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
    "label.na": ("không phát sinh", "not applicable"),
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
    "col.reports.unit": ("Mã đơn vị", "Unit code"),
    "col.reports.report": ("Kỳ báo cáo", "Report"),
    "col.reports.submitted": ("Ngày gửi", "Submitted on"),
    "col.adjustments.unit": ("Mã đơn vị", "Unit code"),
    "col.adjustments.kind": ("Loại (thưởng/trừ)", "Kind (bonus/penalty)"),
    "col.adjustments.points": ("Số điểm", "Points"),
    "col.adjustments.reason": ("Lý do", "Reason"),
    "col.lineage.code": ("Mã đơn vị mới", "Unit code"),
    "col.lineage.predecessor": ("Mã đơn vị trước sáp nhập", "Predecessor code"),
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
    "enter.na": (" — ghi NA nếu không phát sinh", " — write NA if nothing arose"),
    "enter.yes_no": ("có,không,NA", "yes,no,NA"),
    "enter.invalid": ("Giá trị không hợp lệ", "Not a valid value"),
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
    # The command line's problem counts (messages stay English until the officer's issue)
    "plan.needs.allow_na": (
        "Chỉ đạt được nếu chấm cả tiêu chí không phát sinh (--allow-na).",
        "Reachable only by scoring a not-applicable criterion (--allow-na)."),
    "plan.needs.include_survey": (
        "Chỉ đạt được nếu kết quả điều tra xã hội học thay đổi (--include-survey).",
        "Reachable only if survey results change (--include-survey)."),
    "cli.count": ("{errors} lỗi, {warnings} cảnh báo", "{errors} error(s), {warnings} warning(s)"),
    "cli.check_summary": ("{bundle}: {errors} lỗi, {warnings} cảnh báo{ok}",
                          "{bundle}: {errors} error(s), {warnings} warning(s){ok}"),
    "cli.ok": (" — đạt", " — OK"),
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
    # Where a problem is (errors.Problem.render)
    "where.row": ("dòng", "row"),
    "where.column": (', cột "{column}"', ', column "{column}"'),
}


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

"""Column headings of bundle tables in workbooks: Vietnamese and English labels for each
canonical column name (CONTRACT §2). Readers accept any of the three; templates write the
label of the chosen language.
"""

from __future__ import annotations

import unicodedata

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "meta": {
        "year": ("Năm đánh giá", "Assessment year"),
        "edition": ("Bộ tiêu chí", "Criteria edition"),
        "authority": ("Cơ quan đánh giá", "Authority"),
    },
    "units": {
        "code": ("Mã đơn vị", "Unit code"),
        "name": ("Tên đơn vị", "Unit name"),
        "type": ("Loại đơn vị", "Unit type"),
        "group": ("Nhóm xếp hạng", "Ranking group"),
        "ranked": ("Được xếp hạng", "Ranked"),
    },
    "evidence": {
        "unit": ("Mã đơn vị", "Unit code"),
        "criterion": ("Mã tiêu chí", "Criterion code"),
        "value": ("Số liệu tự đánh giá", "Declared value"),
        "appraised": ("Số liệu thẩm định", "Appraised value"),
        "source": ("Tài liệu kiểm chứng", "Evidence documents"),
        "note": ("Ghi chú", "Note"),
    },
    "one_stop": {
        "unit": ("Mã đơn vị", "Unit code"),
        "carried_over": ("Kỳ trước chuyển qua", "Carried over"),
        "received_online": ("Tiếp nhận trực tuyến", "Received online"),
        "received_direct": ("Tiếp nhận trực tiếp", "Received in person"),
        "received_post": ("Tiếp nhận qua bưu chính", "Received by post"),
        "resolved_early": ("Giải quyết trước hạn", "Resolved early"),
        "resolved_on_time": ("Giải quyết đúng hạn", "Resolved on time"),
        "resolved_late": ("Giải quyết trễ hạn", "Resolved late"),
        "pending_in_time": ("Đang giải quyết trong hạn", "Pending, in time"),
        "pending_overdue": ("Đang giải quyết quá hạn", "Pending, overdue"),
        "returned": ("Trả lại, rút hồ sơ", "Returned or withdrawn"),
    },
    "reports": {
        "unit": ("Mã đơn vị", "Unit code"),
        "report": ("Kỳ báo cáo", "Report"),
        "submitted": ("Ngày gửi", "Submitted on"),
    },
    "adjustments": {
        "unit": ("Mã đơn vị", "Unit code"),
        "kind": ("Loại (thưởng/trừ)", "Kind (bonus/penalty)"),
        "points": ("Số điểm", "Points"),
        "reason": ("Lý do", "Reason"),
    },
    "lineage": {
        "code": ("Mã đơn vị mới", "Unit code"),
        "predecessor": ("Mã đơn vị trước sáp nhập", "Predecessor code"),
    },
}

#: informational columns a template adds to the evidence sheet; readers ignore them
INFO_COLUMNS: dict[str, tuple[str, str]] = {
    "unit_name": ("Tên đơn vị", "Unit name"),
    "criterion_name": ("Tên tiêu chí", "Criterion"),
    "max": ("Điểm tối đa", "Max points"),
    "rule": ("Cách chấm", "How it is scored"),
    "enter": ("Cách nhập", "What to enter"),
    "area": ("Lĩnh vực", "Area"),
}


def _key(text: object) -> str:
    return unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").strip().lower()


def column_for(table: str, heading: object) -> str | None:
    """The canonical column a heading names (canonical, Vietnamese or English), else None."""
    key = _key(heading)
    for col, (vi, en) in LABELS.get(table, {}).items():
        if key in (col, _key(vi), _key(en)):
            return col
    return None


def info_column(heading: object) -> str | None:
    key = _key(heading)
    for col, (vi, en) in INFO_COLUMNS.items():
        if key in (col, _key(vi), _key(en)):
            return col
    return None


def label(table: str, col: str, lang: str) -> str:
    vi, en = LABELS[table][col] if col in LABELS.get(table, {}) else INFO_COLUMNS[col]
    return en if lang == "en" else vi

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from casework.export import EXPORTERS, export_csv, export_xlsx, headers
from casework.model import NeedCategory as C
from casework.model import NeedStatus as S
from casework.model import Urgency as U
from casework.rows import ExportRow

UTC = dt.UTC
ROWS = [
    ExportRow(
        need_id=1,
        household_code="H-0042",
        by_resident=False,
        category=C.COMPANIONSHIP,
        urgency=U.URGENT,
        status=S.ASSIGNED,
        programs=("elderly_customized_care", "companionship_checkin"),
        created_at=dt.datetime(2026, 11, 23, 15, 30, tzinfo=UTC),  # 2026-11-24 00:30 in Korea
        due_at=dt.datetime(2026, 11, 24, 15, 30, tzinfo=UTC),
        assignee_id=3,
        closed_at=None,
        description="혼자 지내셔서 말벗이 필요함, 연락처 [전화번호]",
    ),
    ExportRow(
        need_id=2,
        household_code=None,
        by_resident=True,
        category=C.HOUSING,
        urgency=U.NORMAL,
        status=S.RESOLVED,
        programs=(),
        created_at=dt.datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
        due_at=dt.datetime(2026, 11, 8, 0, 0, tzinfo=UTC),
        assignee_id=None,
        closed_at=dt.datetime(2026, 11, 5, 3, 0, tzinfo=UTC),
        description='=HYPERLINK("http://evil")',
    ),
    ExportRow(
        need_id=3,
        household_code=None,
        by_resident=False,
        category=C.INCOME,
        urgency=U.LOW,
        status=S.CLOSED_UNRESOLVED,
        programs=("basic_pension",),
        created_at=dt.datetime(2025, 1, 1, tzinfo=UTC),
        due_at=dt.datetime(2025, 1, 15, tzinfo=UTC),
        assignee_id=4,
        closed_at=dt.datetime(2025, 2, 1, tzinfo=UTC),
        description=None,  # anonymised
    ),
]


def test_csv_has_bom_and_korean_survives_the_round_trip() -> None:
    data = export_csv(ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == headers("ko") == [
        "접수번호", "가구", "분야", "긴급도", "상태", "관련 사업",
        "접수일시", "처리기한", "담당자 ID", "종결일시", "내용",
    ]  # fmt: skip
    assert table[1] == [
        "1", "H-0042", "말벗", "긴급", "배정", "elderly_customized_care, companionship_checkin",
        "2026-11-24 00:30", "2026-11-25 00:30", "3", "", "혼자 지내셔서 말벗이 필요함, 연락처 [전화번호]",
    ]  # fmt: skip
    assert table[2][1] == "주민 본인"
    assert table[2][9] == "2026-11-05 12:00"
    # A formula is exported as text, never as something Excel would run.
    assert table[2][10] == '\'=HYPERLINK("http://evil")'
    assert table[3][1] == "" and table[3][10] == ""
    assert len(table) == 4


def test_csv_in_english() -> None:
    table = list(csv.reader(io.StringIO(export_csv(ROWS, "en").decode("utf-8-sig"))))
    assert table[0][0] == "Need id" and table[1][2:5] == ["Companionship", "Urgent", "Assigned"]
    assert table[2][1] == "resident"


def test_xlsx_has_bold_header_filter_frozen_row_and_korean() -> None:
    book = load_workbook(io.BytesIO(export_xlsx(ROWS)))
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "요청"
    assert [cell.value for cell in sheet[1]] == headers("ko")
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:K4"
    first = [cell.value for cell in sheet[2]]
    assert first[:6] == [
        1,
        "H-0042",
        "말벗",
        "긴급",
        "배정",
        "elderly_customized_care, companionship_checkin",
    ]
    assert first[6] == dt.datetime(2026, 11, 24, 0, 30)  # Korean wall-clock time, a real date cell
    assert sheet["G2"].number_format == "yyyy-mm-dd hh:mm"
    assert first[10] == "혼자 지내셔서 말벗이 필요함, 연락처 [전화번호]"
    # The formula-looking description stays a string cell, unchanged.
    assert sheet["K3"].data_type == "s" and sheet["K3"].value == '=HYPERLINK("http://evil")'
    assert sheet["B3"].value == "주민 본인"
    assert sheet["J2"].value is None
    # Widths follow the content (Hangul counted double), within bounds.
    assert sheet.column_dimensions["K"].width > sheet.column_dimensions["A"].width
    assert all(sheet.column_dimensions[c].width <= 60 for c in "ABCDEFGHIJK")


def test_empty_export_is_just_the_header() -> None:
    table = list(csv.reader(io.StringIO(export_csv([]).decode("utf-8-sig"))))
    assert table == [headers("ko")]
    sheet = load_workbook(io.BytesIO(export_xlsx([], "en"))).active
    assert sheet is not None and sheet.max_row == 1 and sheet["A1"].value == "Need id"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporters_by_format_name(fmt: str) -> None:
    assert EXPORTERS[fmt](ROWS, "ko")

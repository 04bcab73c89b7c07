"""Needs as CSV (UTF-8 with BOM, so Excel opens Korean correctly) and as XLSX, pseudonymous ids only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from casework.model import label
from casework.policy import KST
from casework.rows import ExportRow

# (key, Korean header, English header)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("need_id", "접수번호", "Need id"),
    ("household", "가구", "Household"),
    ("category", "분야", "Category"),
    ("urgency", "긴급도", "Urgency"),
    ("status", "상태", "Status"),
    ("programs", "관련 사업", "Programmes"),
    ("created", "접수일시", "Created"),
    ("due", "처리기한", "Due"),
    ("assignee", "담당자 ID", "Assignee id"),
    ("closed", "종결일시", "Closed"),
    ("description", "내용", "Description"),
)
RESIDENT_LABEL = ("주민 본인", "resident")
DATETIME_TEXT = "%Y-%m-%d %H:%M"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Excel runs a CSV cell starting with one of these as a formula; a description must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MAX_WIDTH = 60


def headers(lang: str = "ko") -> list[str]:
    return [en if lang == "en" else ko for _, ko, en in COLUMNS]


def _defuse(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    # Spreadsheets know no time zones: show Korean wall-clock time, which is what the office reads.
    return None if moment is None else moment.astimezone(KST).replace(tzinfo=None)


def _values(row: ExportRow, lang: str) -> list[Any]:
    household = row.household_code or (
        (RESIDENT_LABEL[1] if lang == "en" else RESIDENT_LABEL[0]) if row.by_resident else ""
    )
    return [
        row.need_id,
        household,
        label(row.category, lang),
        label(row.urgency, lang),
        label(row.status, lang),
        ", ".join(row.programs),
        _local(row.created_at),
        _local(row.due_at),
        row.assignee_id,
        _local(row.closed_at),
        row.description or "",
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_TEXT)
    return str(value)


def write_csv(rows: Iterable[ExportRow], handle: BinaryIO, lang: str = "ko") -> int:
    """Stream rows to a binary file as they come: memory stays flat however many there are."""
    # utf-8-sig writes the byte order mark Excel needs to detect UTF-8 instead of the local code page.
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="", write_through=False)
    writer = csv.writer(text)
    writer.writerow(headers(lang))
    n = 0
    for row in rows:
        writer.writerow([_defuse(_text(value)) for value in _values(row, lang)])
        n += 1
    text.flush()
    text.detach()
    return n


def export_csv(rows: Iterable[ExportRow], lang: str = "ko") -> bytes:
    buffer = io.BytesIO()
    write_csv(rows, buffer, lang)
    return buffer.getvalue()


def write_xlsx(rows: Iterable[ExportRow], path: Path, lang: str = "ko") -> int:
    """A write-only workbook: rows go to disk as they come (openpyxl keeps none in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("needs" if lang == "en" else "요청")
    titles = headers(lang)
    # Widths must be set before the first row in write-only mode: from the headers and typical values.
    for index, title in enumerate(titles, start=1):
        width = 50 if index == len(titles) else max(_display_width(title), 16)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    n = 0
    for row in rows:
        cells = []
        for value in _values(row, lang):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
            elif isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a description, not a formula
            cells.append(cell)
        sheet.append(cells)
        n += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(titles))}{n + 1}"
    workbook.save(path)
    return n


def _display_width(text: str) -> int:
    # Hangul and other wide characters take two columns in a spreadsheet cell.
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def export_xlsx(rows: Iterable[ExportRow], lang: str = "ko") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = "needs" if lang == "en" else "요청"
    titles = headers(lang)
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [_display_width(title) for title in titles]
    for row in rows:
        values = _values(row, lang)
        sheet.append(values)
        widths = [max(w, _display_width(_text(v))) for w, v in zip(widths, values, strict=True)]
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = XLSX_DATETIME_FORMAT
            elif cell.data_type == "f":
                # openpyxl took text starting with "=" for a formula; it is a description, keep it text.
                cell.data_type = "s"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORTERS: dict[str, Callable[[Sequence[ExportRow], str], bytes]] = {"csv": export_csv, "xlsx": export_xlsx}

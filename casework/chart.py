"""The /stats chart as a PNG: a Figure drawn on an Agg canvas (no pyplot, no display, no global backend
switch) and a font with Hangul glyphs.

The font comes from the koreanize-matplotlib package (it bundles NanumGothic). Its module is never
imported: importing it rewrites matplotlib's global settings and uses distutils, which Python 3.12
removed. Only its font file is used, found through the import system without running the package.
Without that package, any installed font with Hangul is used; without any, the chart is drawn in English
rather than with empty boxes.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import threading
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import MaxNLocator

from casework.model import label
from casework.stats import Stats

log = logging.getLogger(__name__)

_PREFERRED = ("NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "AppleGothic", "UnDotum")
_HANGUL_PROBE = "가힣"
# rcParams are process-wide; handlers may render from worker threads at the same time.
_RENDER_LOCK = threading.Lock()


def has_hangul(font_path: Path) -> bool:
    try:
        charmap = FT2Font(str(font_path)).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(ch) in charmap for ch in _HANGUL_PROBE)


def _bundled_font() -> Path | None:
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "fonts" / "NanumGothic.ttf"
        if candidate.is_file():
            return candidate
    return None


@cache
def hangul_font() -> Path | None:
    """A font file with Hangul glyphs, registered with matplotlib; None when the system has none."""
    bundled = _bundled_font()
    candidates = [bundled] if bundled is not None else []
    installed = {entry.name: Path(entry.fname) for entry in font_manager.fontManager.ttflist}
    candidates += [installed[name] for name in _PREFERRED if name in installed]
    for path in candidates:
        if has_hangul(path):
            font_manager.fontManager.addfont(str(path))
            return path
    log.warning("no font with Hangul glyphs found; charts are drawn with English labels")
    return None


def chart_language(lang: str) -> str:
    """The language the chart will actually be drawn in (English when no Hangul font exists)."""
    return "en" if lang == "en" or hangul_font() is None else "ko"


def render_chart(stats: Stats, lang: str = "ko") -> bytes:
    """Four panels (category, status, month, visits per staff) as PNG bytes."""
    lang = chart_language(lang)
    en = lang == "en"
    font = hangul_font()
    family = font_manager.FontProperties(fname=str(font)).get_name() if font is not None else "DejaVu Sans"
    # ASCII hyphen for minus signs: NanumGothic has no U+2212.
    with (
        _RENDER_LOCK,
        matplotlib.rc_context({"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False}),
    ):
        figure = Figure(figsize=(11, 8), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.subplots(2, 2)
        title = (
            f"Needs as of {stats.today:%Y-%m-%d}: {stats.total} total, {stats.unique_households} households"
            if en
            else f"{stats.today:%Y-%m-%d} 기준 요청 {stats.total}건, 가구 {stats.unique_households}곳"
        )
        figure.suptitle(title)

        categories = [label(key, lang) for key in stats.by_category]
        axes[0][0].barh(categories[::-1], list(stats.by_category.values())[::-1], color="#4c72b0")
        axes[0][0].set_title("By category" if en else "분야별")

        statuses = [label(key, lang) for key in stats.by_status]
        axes[0][1].barh(statuses[::-1], list(stats.by_status.values())[::-1], color="#55a868")
        median = stats.median_days_to_resolution
        median_text = "-" if median is None else f"{median:.1f}"
        axes[0][1].set_title(
            f"By status (median {median_text} days to resolve)"
            if en
            else f"상태별 (해결 중앙값 {median_text}일)"
        )

        months = [key[2:] for key in stats.by_month]  # 26-11: short enough for twelve labels
        axes[1][0].bar(months, list(stats.by_month.values()), color="#c44e52")
        axes[1][0].set_title("Logged per month" if en else "월별 접수")
        axes[1][0].tick_params(axis="x", labelrotation=45)

        staff = [f"#{staff_id}" for staff_id in stats.visits_by_staff] or ["-"]
        axes[1][1].bar(staff, list(stats.visits_by_staff.values()) or [0], color="#8172b2")
        axes[1][1].set_title("Visits per staff member" if en else "담당자별 방문")

        # Counts are whole numbers; without this a sparse panel gets ticks at 0.5.
        for ax in (axes[0][0], axes[0][1]):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for ax in (axes[1][0], axes[1][1]):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()

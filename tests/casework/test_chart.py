from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from casework import chart
from casework.stats import compute_stats
from tests.casework.seed import ROWS, TODAY, VISITS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _draw_with(family: str, text: str) -> None:
    with matplotlib.rc_context({"font.family": [family]}):
        figure = Figure()
        FigureCanvasAgg(figure)
        figure.suptitle(text)
        figure.savefig(io.BytesIO(), format="png")


def test_a_hangul_font_is_found_and_has_the_glyphs() -> None:
    font = chart.hangul_font()
    assert font is not None, "install koreanize-matplotlib (bundles NanumGothic)"
    assert chart.has_hangul(font)
    assert chart.chart_language("ko") == "ko"


def test_missing_glyphs_are_detected_at_all() -> None:
    # The control: DejaVu Sans has no Hangul, so drawing Korean with it must warn. Otherwise the
    # absence of warnings in the next test would prove nothing.
    with pytest.warns(UserWarning, match="missing from font"):
        _draw_with("DejaVu Sans", "분야별")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_chart_is_a_png_drawn_without_missing_glyphs(lang: str) -> None:
    stats = compute_stats(ROWS, VISITS, TODAY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = chart.render_chart(stats, lang)
    assert png.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(png))
    assert image.size == (1100, 800)
    # Something was drawn: a blank canvas has one colour.
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50


def test_chart_of_no_data_still_renders() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = chart.render_chart(compute_stats([], [], TODAY))
    assert png.startswith(PNG_MAGIC)


def test_without_a_hangul_font_the_chart_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart, "hangul_font", lambda: None)
    assert chart.chart_language("ko") == "en"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = chart.render_chart(compute_stats(ROWS, VISITS, TODAY), "ko")
    assert png.startswith(PNG_MAGIC)


def test_has_hangul_is_false_for_latin_fonts_and_missing_files(tmp_path: Path) -> None:
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    assert not chart.has_hangul(dejavu)
    assert not chart.has_hangul(tmp_path / "nope.ttf")


def test_rendering_leaves_global_font_settings_alone() -> None:
    before = list(matplotlib.rcParams["font.family"])
    chart.render_chart(compute_stats(ROWS, VISITS, TODAY))
    assert list(matplotlib.rcParams["font.family"]) == before

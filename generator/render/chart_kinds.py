"""Drawing the charts: one function per kind, all styling in this module and ``palette``.

Every function takes the plain ``data`` of a chart spec (see ``charts.py``:
already-translated words, already-formatted numbers, dates as ISO strings)
and returns the SVG bytes. Nothing here knows the register or the language.

Layout is done by hand in pixels on a single full-figure axes (y grows
downwards): no tick locators, no ``tight_layout``, so a chart costs a few
tens of milliseconds and the layout is the same on every machine.
``size()`` gives a chart's size without matplotlib, so that the page can
reserve the space before the image loads.

matplotlib is imported only when something is drawn.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
from collections.abc import Callable
from typing import Any, cast

from .. import palette as P

WIDTH = 440  # px; shown at 328 px on a 360 px phone, the text below stays ≥ 10 px there
PAD = 14  # inner margin, left and right
TOP = 14
BOTTOM = 12
PLOT_W = WIDTH - 2 * PAD
FONT = 16  # labels
SMALL = 14  # ticks, secondary text, numbers in bars
FAMILY = ("DejaVu Sans", "Noto Sans", "Roboto", "Arial", "Helvetica", "sans-serif")

STYLE = {
    "svg.fonttype": "none",  # text stays text: small, sharp, searchable, diacritics from the reader's font
    "svg.hashsalt": "transparency-register",  # stable ids: the same data gives the same bytes
    "font.family": ["sans-serif"],
    "font.sans-serif": list(FAMILY[:-1]),
    "font.size": SMALL,
    "hatch.linewidth": 1.2,
    "lines.solid_capstyle": "butt",
    "path.simplify": False,
}

CATEGORIES = ("done", "in_progress", "not_started", "paused", "overdue", "cancelled")

# --- text widths without matplotlib -------------------------------------------------------
# DejaVu Sans advance widths (em) of printable ASCII; Vietnamese letters take their
# base letter's width (NFD). Browsers' fallback fonts (Roboto, Arial, SF) are narrower,
# so a label that fits here fits there.
_ASCII = (" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
          "abcdefghijklmnopqrstuvwxyz{|}~")
_EM = (0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337,
       0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838,
       0.531, 1.0, 0.712, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748,
       0.787, 0.603, 0.787, 0.695, 0.635, 0.593, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838,
       0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.337, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634,
       0.612, 0.635, 0.635, 0.394, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636,
       0.838)
_WIDTHS = dict(zip(_ASCII, _EM, strict=True))
_WIDTHS.update({"·": 0.318, "…": 1.0, "–": 0.5, "—": 1.0, "đ": 0.635, "Đ": 0.77, "≥": 0.838, "²": 0.401,
                "³": 0.401, "°": 0.5})

_NARROWEST = min(_WIDTHS.values())


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in px of ``text`` at ``size`` px in DejaVu Sans (bold ≈ 10 % wider)."""
    em = 0.0
    for ch in text:
        if ch not in _WIDTHS:
            base = unicodedata.normalize("NFD", ch)[:1]
            em += _WIDTHS.get(base, 0.65 if unicodedata.east_asian_width(ch) not in "WF" else 1.0)
        else:
            em += _WIDTHS[ch]
    return em * size * (1.1 if bold else 1.0)


def fit(text: str, size: float, width: float, bold: bool = False) -> str:
    """``text``, cut with an ellipsis so that it is at most ``width`` px wide."""
    if text_width(text, size, bold) <= width:
        return text
    cut = text[:int(width / (_NARROWEST * size)) + 1]  # no more characters than could fit: a bounded loop
    while cut and text_width(cut.rstrip(" ,.;:–-") + "…", size, bold) > width:
        cut = cut[:-1]
    return cut.rstrip(" ,.;:–-") + "…"


def wrap(text: str, size: float, width: float, max_lines: int = 3, bold: bool = False) -> list[str]:
    """``text`` in lines at most ``width`` px wide, broken between words; never cut inside a word or a
    number. Only text longer than ``max_lines`` lines loses its last words (to an ellipsis)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size, bold) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        last = lines[max_lines - 1].split()
        while len(last) > 1 and text_width(" ".join(last) + "…", size, bold) > width:
            last.pop()
        lines = lines[:max_lines - 1] + [" ".join(last).rstrip(" ,.;:–-") + "…"]
    return lines or [""]


def series_legend_breaks(d: dict) -> bool:
    """Whether the target's label goes on a second legend line (it does not fit beside the series')."""
    lx = PAD + 30 + text_width(d["series_label"], SMALL, bold=True) + 20
    return text_width(d["target_label"], SMALL, bold=True) > WIDTH - PAD - lx - 30


def target_rows(d: dict) -> list[tuple[list[str], list[str]]]:
    """Each measure's label and figure, wrapped."""
    return [(wrap(label, FONT, PLOT_W), wrap(figure, SMALL, PLOT_W, 2)) for label, _, figure in d["rows"]]


# --- sizes (pure) --------------------------------------------------------------------------------
ROW_STATUS = 56
ROW_STACK = 58
ROW_SCORE = 50
ROW_TARGET = 68
LEGEND_LINE = 22
SECOND_LINE = 19
PLOT_H = 210


def legend_lines(items: tuple[tuple[str, str], ...]) -> list[list[tuple[str, str]]]:
    lines: list[list[tuple[str, str]]] = [[]]
    x = 0.0
    for item in items:
        w = 20 + text_width(item[1], SMALL) + 16
        if lines[-1] and x + w - 16 > PLOT_W:
            lines.append([])
            x = 0.0
        lines[-1].append(item)
        x += w
    return lines


def two_lines(left: str, right: str) -> bool:
    """Whether a row's name and figure need a line each (the figure then goes under the name)."""
    return bool(right) and text_width(left, FONT) + 12 + text_width(right, SMALL, bold=True) > PLOT_W


def size(kind: str, data: tuple) -> tuple[int, int]:
    """(width, height) in px of a chart, as drawn."""
    d = dict(data)
    if kind == "status":
        h = TOP + sum(ROW_STATUS + SECOND_LINE * two_lines(r[2], r[3]) for r in d["rows"])
    elif kind == "stacked":
        h = (TOP + len(legend_lines(d["legend"])) * LEGEND_LINE + 10
             + sum(ROW_STACK + SECOND_LINE * two_lines(r[0], r[1]) for r in d["rows"]))
    elif kind == "scores":
        h = (TOP + (26 if d["bands"] else 0) + 24
             + sum(ROW_SCORE + SECOND_LINE * (r[1] is not None and two_lines(r[0], r[2])) for r in d["rows"]))
    elif kind == "targets":
        h = TOP + sum(ROW_TARGET + SECOND_LINE * (len(label) + len(figure) - 2) for label, figure in target_rows(d))
    elif kind == "burnup":
        h = TOP + LEGEND_LINE + 8 + PLOT_H + 26
    elif kind == "series":
        h = TOP + LEGEND_LINE * (1 + series_legend_breaks(d)) + 8 + PLOT_H + 26
    else:
        raise ValueError(f"unknown chart kind {kind!r}")
    return WIDTH, int(h + BOTTOM)


# --- the canvas --------------------------------------------------------------------------------
class Canvas:
    """A white rounded card with a pixel coordinate system, y downwards.

    Shapes go straight onto the figure through one transform, with no Axes:
    an Axes builds ticks, spines and clip paths that these charts never show,
    and building it was half the time of a small chart.
    """

    def __init__(self, width: int, height: int) -> None:
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyBboxPatch
        from matplotlib.transforms import Affine2D

        self.width, self.height = width, height
        self.fig = Figure(figsize=(width / 72, height / 72), dpi=72)
        self.fig.patch.set_alpha(0)
        self.transform = Affine2D().scale(1 / 72, -1 / 72).translate(0, height / 72) + self.fig.dpi_scale_trans
        self._add(FancyBboxPatch((0.5, 0.5), width - 1, height - 1, boxstyle="round,pad=0,rounding_size=8",
                                 facecolor=P.CARD, edgecolor=P.RULE, linewidth=1))

    def _add(self, artist: Any) -> None:
        artist.set_transform(self.transform)
        self.fig.add_artist(artist)

    def rect(self, x: float, y: float, w: float, h: float, color: str, hatch: str = "",
             hatch_color: str | None = None, **kw: Any) -> None:
        from matplotlib.patches import Rectangle

        if w <= 0 or h <= 0:
            return
        extra: dict[str, Any] = {"hatch": hatch, "hatchcolor": hatch_color or "#000000"} if hatch else {}
        self._add(Rectangle((x, y), w, h, facecolor=color, edgecolor="none", linewidth=0, **extra, **kw))

    def text(self, x: float, y: float, s: str, size: float = FONT, color: str = P.INK, ha: str = "left",
             va: str = "baseline", bold: bool = False, **kw: Any) -> None:
        from matplotlib.text import Text

        # parse_math=False: a "$" in a name is a dollar sign, not TeX
        self._add(Text(x, y, s, fontsize=size, color=color, ha=ha, va=va, parse_math=False,
                       fontweight="bold" if bold else "normal", **kw))

    def line(self, xs: list[float], ys: list[float], color: str, width: float = 1.0, **kw: Any) -> None:
        from matplotlib.lines import Line2D

        self._add(Line2D(xs, ys, color=color, linewidth=width, **kw))

    def dot(self, x: float, y: float, color: str, size: float, edge: str) -> None:
        self.line([x], [y], color, 1.0, marker="o", markersize=size, markeredgecolor=edge, linestyle="none")

    def svg(self) -> bytes:
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        return _tidy(buffer.getvalue().decode("utf-8"), self.width, self.height).encode("utf-8")


_FONT_FAMILY = re.compile(r"font-family: [^;\"]*;? ?")
_ROTATE0 = re.compile(r' transform="rotate\(-0 [^"]*\)"')
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)


def _tidy(svg: str, width: int, height: int) -> str:
    """Pixel size instead of points, one font rule instead of one per text, no empty metadata."""
    svg = re.sub(r'width="[\d.]+pt" height="[\d.]+pt"', f'width="{width}" height="{height}"', svg, count=1)
    svg = _METADATA.sub("", svg, count=1)
    svg = _FONT_FAMILY.sub("", svg)
    svg = _ROTATE0.sub("", svg)
    family = ", ".join(f"'{f}'" if f != "sans-serif" else f for f in FAMILY)
    svg = _themed(svg)
    return svg.replace("<style type=\"text/css\">*{", f"<style type=\"text/css\">text{{font-family: {family}}}\n"
                       f"{_THEME_CSS}\n*{{", 1)


_THEME_CSS = (":root{" + "".join(f"--{name}:{light}" + ";" for name, (light, _) in P.NEUTRAL_DARK.items()) + "}"
              "@media (prefers-color-scheme: dark){:root{"
              + "".join(f"--{name}:{dark}" + ";" for name, (_, dark) in P.NEUTRAL_DARK.items()) + "}}")


def _themed(svg: str) -> str:
    """Neutral colours as CSS variables (with the light colour as fallback), so that the chart follows
    the reader's colour scheme; the status colours stay as they are in both."""
    for name, (light, _) in P.NEUTRAL_DARK.items():
        svg = re.sub(re.escape(light), f"var(--{name}, {light.lower()})", svg, flags=re.I)
    return svg


# --- shared pieces ------------------------------------------------------------------------------
def _legend(c: Canvas, y: float, items: tuple[tuple[str, str], ...]) -> float:
    for line in legend_lines(items):
        x: float = PAD
        for cat, label in line:
            c.rect(x, y + 3, 14, 14, P.STATUS_COLORS[cat], P.STATUS_HATCHES[cat], P.STATUS_TEXT[cat])
            c.text(x + 20, y + 15, label, SMALL)
            x += 20 + text_width(label, SMALL) + 16
        y += LEGEND_LINE
    return y


def _label_row(c: Canvas, y: float, left: str, right: str, right_color: str = P.INK) -> float:
    """A name on the left and its figure on the right of one line, or under it when both do not fit.

    Returns the extra height used (0 or ``SECOND_LINE``)."""
    if two_lines(left, right):
        c.text(PAD, y, fit(left, FONT, PLOT_W), FONT)
        c.text(PAD, y + SECOND_LINE, fit(right, SMALL, PLOT_W, bold=True), SMALL, color=right_color, bold=True)
        return SECOND_LINE
    c.text(PAD, y, left, FONT)
    if right:
        c.text(WIDTH - PAD, y, right, SMALL, color=right_color, ha="right", bold=True)
    return 0


def _in_bar_label(c: Canvas, x: float, y: float, w: float, h: float, s: str, cat: str) -> None:
    if w >= text_width(s, SMALL, bold=True) + 6:
        c.text(x + w / 2, y + h / 2, s, SMALL, color=P.STATUS_TEXT[cat], ha="center", va="center_baseline",
               bold=True, bbox={"boxstyle": "square,pad=0.1", "facecolor": P.STATUS_COLORS[cat],
                                "edgecolor": "none"})


def _day(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


class Scale:
    def __init__(self, lo: float, hi: float, px_lo: float, px_hi: float) -> None:
        self.lo, self.hi, self.px_lo, self.px_hi = lo, (hi if hi != lo else lo + 1), px_lo, px_hi

    def __call__(self, v: float) -> float:
        return self.px_lo + (v - self.lo) / (self.hi - self.lo) * (self.px_hi - self.px_lo)


def _time_axes(c: Canvas, d: dict, top: float) -> tuple[Scale, Scale, float, float]:
    """Grid, y ticks and date ticks of a time chart; returns the x and y scales and the plot's left/bottom."""
    y_ticks = d["y_ticks"]
    left = PAD + max(text_width(lab, SMALL) for _, lab in y_ticks) + 8
    right = WIDTH - PAD - 4
    bottom = top + PLOT_H
    x = Scale(_day(d["x_range"][0]), _day(d["x_range"][1]), left, right)
    y = Scale(y_ticks[0][0], y_ticks[-1][0], bottom, top + 30)  # room above for the markers' labels
    for value, label in y_ticks:
        py = y(value)
        c.line([left, right], [py, py], P.RULE if value != y_ticks[0][0] else P.INK_SOFT, 1)
        c.text(left - 6, py, label, SMALL, color=P.INK_SOFT, ha="right", va="center_baseline")
    labels = [(x(_day(iso)), label) for iso, label in d["x_ticks"]]
    for px, _ in labels:
        c.line([px, px], [bottom, bottom + 4], P.INK_SOFT, 1)
    _tick_labels(c, labels, bottom + 20, PAD, WIDTH - PAD)
    return x, y, left, bottom


def _tick_labels(c: Canvas, labels: list[tuple[float, str]], y: float, lo: float, hi: float) -> None:
    """Tick labels centred under their ticks, each kept inside the card (one near its edge is aligned to the
    edge). A label moved in by the edge would overlap its neighbour: the neighbours then move aside, just
    enough and never so far that a label stops covering its tick, rather than one being dropped (the last
    two months of a year's chart, "11/2021" beside an "01/2022" moved in, lost the 11/2021).
    Only when the ticks leave no such room is one dropped."""
    placed = _spread(labels, lo, hi)
    if placed is None:
        placed = _thinned(labels, lo, hi)
    for left, w, label in placed:
        if left <= lo + 0.01:
            c.text(lo, y, label, SMALL, color=P.INK_SOFT, ha="left")
        elif left + w >= hi - 0.01:
            c.text(hi, y, label, SMALL, color=P.INK_SOFT, ha="right")
        else:
            c.text(left + w / 2, y, label, SMALL, color=P.INK_SOFT, ha="center")


TICK_GAP = 12  # px between two tick labels


def _spread(labels: list[tuple[float, str]], lo: float, hi: float) -> list[tuple[float, float, str]] | None:
    """(left, width, text) of every label: centred under its tick where there is room, else moved as little
    as may be, each still covering its tick and inside [lo, hi], TICK_GAP apart; None if that cannot be."""
    if not labels:
        return []
    widths = [text_width(label, SMALL) for _, label in labels]
    # how far each label's left edge may go: the label covers its tick and stays in the card
    least = [max(lo, px - w) for (px, _), w in zip(labels, widths)]
    most = [min(hi - w, px) for (px, _), w in zip(labels, widths)]
    lefts = [min(max(px - w / 2, a), b) for (px, _), w, a, b in zip(labels, widths, least, most)]
    for i in range(1, len(lefts)):  # pushed right by the one before...
        lefts[i] = max(lefts[i], lefts[i - 1] + widths[i - 1] + TICK_GAP)
    lefts[-1] = min(lefts[-1], most[-1])
    for i in range(len(lefts) - 2, -1, -1):  # ...and back left by the one after, where it had to stay
        lefts[i] = min(lefts[i], lefts[i + 1] - TICK_GAP - widths[i])
    if any(left < a - 0.01 or left > b + 0.01 for left, a, b in zip(lefts, least, most)):
        return None
    return [(left, w, label) for left, w, (_, label) in zip(lefts, widths, labels)]


def _thinned(labels: list[tuple[float, str]], lo: float, hi: float) -> list[tuple[float, float, str]]:
    """Too many labels for the room: centred (or at the card's edge), one that would overlap the previous
    dropped, except the last, which is kept by dropping the one before it if need be."""
    placed: list[tuple[float, float, str]] = []
    for i, (px, label) in enumerate(labels):
        w = text_width(label, SMALL)
        left = min(max(px - w / 2, lo), hi - w)
        if px > hi + 1:
            continue
        if placed and left < placed[-1][0] + placed[-1][1] + TICK_GAP:
            if i == len(labels) - 1 and len(placed) > 1:
                placed.pop()
                if left < placed[-1][0] + placed[-1][1] + TICK_GAP:
                    continue
            else:
                continue
        placed.append((left, w, label))
    return placed


def _vertical_marker(c: Canvas, x: float, top: float, bottom: float, label: str, color: str,
                     dashes: tuple[float, float]) -> None:
    c.line([x, x], [top, bottom], color, 1.6, dashes=dashes)
    w = text_width(label, SMALL, bold=True)
    if x + 4 + w <= WIDTH - PAD:
        c.text(x + 4, top + 12, label, SMALL, color=P.INK, bold=True)
    else:
        c.text(x - 4, top + 12, label, SMALL, color=P.INK, ha="right", bold=True)


def _steps(points: tuple, x_start: int, x_end: int) -> tuple[list[int], list[float]]:
    """A cumulative step line from (start, 0) through each (date, total) to ``x_end``."""
    xs, ys = [x_start], [0.0]
    for iso, total in points:
        day = _day(iso)
        xs += [day, day]
        ys += [ys[-1], float(total)]
    xs.append(x_end)
    ys.append(ys[-1])
    return xs, ys


# --- the kinds ----------------------------------------------------------------------------------
def draw_status(data: tuple) -> bytes:
    """Tasks by category: one bar per category against the total, early completions hatched within done."""
    d = dict(data)
    c = Canvas(*size("status", data))
    total = max(1, d["total"])
    y: float = TOP
    for cat, count, label, figure, early in d["rows"]:
        y += _label_row(c, y + 16, label, figure)
        bar_y = y + 24
        c.rect(PAD, bar_y, PLOT_W, 20, P.TRACK)
        w = PLOT_W * count / total
        if early:
            we = PLOT_W * early / total
            c.rect(PAD, bar_y, we, 20, P.STATUS_COLORS[cat], P.EARLY_HATCH, P.STATUS_TEXT[cat])
            c.rect(PAD + we, bar_y, w - we, 20, P.STATUS_COLORS[cat])
            if w - we > 0:
                c.line([PAD + we, PAD + we], [bar_y, bar_y + 20], P.CARD, 1.5)
        else:
            c.rect(PAD, bar_y, w, 20, P.STATUS_COLORS[cat], P.STATUS_HATCHES[cat], P.STATUS_TEXT[cat])
        y += ROW_STATUS
    return c.svg()


def draw_stacked(data: tuple) -> bytes:
    """One bar per group or bloc, split into categories, as shares of its tasks."""
    d = dict(data)
    c = Canvas(*size("stacked", data))
    y = _legend(c, TOP, d["legend"]) + 10
    for name, figure, counts in d["rows"]:
        y += _label_row(c, y + 16, name, figure)
        bar_y = y + 24
        c.rect(PAD, bar_y, PLOT_W, 22, P.TRACK)
        total = sum(n for _, n in counts)
        x = PAD
        for cat, n in counts:
            if not n:
                continue
            w = PLOT_W * n / total
            c.rect(x, bar_y, w, 22, P.STATUS_COLORS[cat], P.STATUS_HATCHES[cat], P.STATUS_TEXT[cat])
            if x > PAD:
                c.line([x, x], [bar_y, bar_y + 22], P.CARD, 1.5)
            _in_bar_label(c, x, bar_y, w, 22, str(n), cat)
            x += w
        y += ROW_STACK
    return c.svg()


def draw_scores(data: tuple) -> bytes:
    """A bar per agency's score (0-100), the grade bands shaded behind."""
    d = dict(data)
    c = Canvas(*size("scores", data))
    x = Scale(0, 100, PAD, WIDTH - PAD)
    y: float = TOP
    bands_top = y
    if d["bands"]:
        y += 26
    rows_bottom = size("scores", data)[1] - BOTTOM - 24
    for i, (name, lo, hi) in enumerate(d["bands"]):
        c.rect(x(lo), bands_top, x(hi) - x(lo), rows_bottom - bands_top, P.BAND[i % 2])
        width = x(hi) - x(lo) - 6
        if text_width(name, SMALL - 1) <= width:
            c.text((x(lo) + x(hi)) / 2, bands_top + 17, name, SMALL - 1, color=P.INK_SOFT, ha="center")
    for name, score, figure in d["rows"]:
        if score is None:
            c.text(PAD, y + 17, fit(name, FONT, PLOT_W), FONT)
            c.text(PAD, y + 38, fit(figure, SMALL, PLOT_W), SMALL, color=P.INK_SOFT)
        else:
            y += _label_row(c, y + 17, name, figure)
            c.rect(PAD, y + 25, max(x(score) - PAD, 2), 16, P.LINE_VALUE)
        y += ROW_SCORE
    labels = [(x(value), label) for value, label in d["x_ticks"]]
    for px, _ in labels:
        c.line([px, px], [rows_bottom, rows_bottom + 4], P.INK_SOFT, 1)
    _tick_labels(c, labels, rows_bottom + 19, PAD, WIDTH - PAD)
    return c.svg()


def draw_targets(data: tuple) -> bytes:
    """A bullet per measure: the track from the baseline (left edge) to the target (the red mark), the latest
    value as a bar; a value past the target runs on (up to a quarter more, then an arrow)."""
    d = dict(data)
    c = Canvas(*size("targets", data))
    reach = max(1.0, d["reach"])
    x = Scale(0, reach, PAD, WIDTH - PAD - 6)
    y = TOP
    for (_, value, _), (label_lines, figure_lines) in zip(d["rows"], target_rows(d), strict=True):
        for line in label_lines:
            c.text(PAD, y + 16, line, FONT)
            y += SECOND_LINE
        y -= SECOND_LINE
        bar_y = y + 23
        c.rect(PAD, bar_y, x(1) - PAD, 16, P.TRACK)
        if value is not None:
            c.rect(PAD, bar_y + 3, max(x(min(max(value, 0), reach)) - PAD, 2), 10, P.LINE_VALUE)
            if value > reach:
                c.text(WIDTH - PAD, bar_y + 8, "▸", SMALL, color=P.LINE_VALUE, ha="right", va="center")
        c.line([x(1), x(1)], [bar_y - 3, bar_y + 19], P.MARK_TARGET, 3)
        for line in figure_lines:
            c.text(PAD, y + 57, line, SMALL, color=P.INK if value is not None else P.INK_SOFT)
            y += SECOND_LINE
        y += ROW_TARGET - SECOND_LINE
    return c.svg()


def draw_burnup(data: tuple) -> bytes:
    """Cumulative tasks falling due against cumulative tasks done (step lines), the as-of date marked."""
    d = dict(data)
    c = Canvas(*size("burnup", data))
    # legend: line samples with their words
    lx: float = PAD
    for color, dashes, width, label in ((P.LINE_DUE, (5, 3), 2, d["due_label"]),
                                        (P.LINE_DONE, None, 3.5, d["done_label"])):
        c.line([lx, lx + 24], [TOP + 10, TOP + 10], color, width, **({"dashes": dashes} if dashes else {}))
        c.text(lx + 30, TOP + 15, label, SMALL, bold=True)
        lx += 30 + text_width(label, SMALL, bold=True) + 20
    top = TOP + LEGEND_LINE + 8
    x, y, left, bottom = _time_axes(c, d, top)
    x0, x1 = _day(d["x_range"][0]), _day(d["x_range"][1])
    as_of = _day(d["as_of"])
    xs, ys = _steps(d["due"], x0, x1)
    c.line([x(v) for v in xs], [y(v) for v in ys], P.LINE_DUE, 2, dashes=(5, 3))
    xs, ys = _steps(tuple(p for p in d["done"] if _day(p[0]) <= as_of), x0, min(as_of, x1))
    c.line([x(v) for v in xs], [y(v) for v in ys], P.LINE_DONE, 3.5)
    _vertical_marker(c, x(as_of), top, bottom, d["as_of_label"], P.MARK_AS_OF, (2, 2))
    for value, _label, color in ((d["due_now"], d["due_now_text"], P.LINE_DUE),
                                (d["done_now"], d["done_now_text"], P.LINE_DONE)):
        c.dot(x(as_of), y(value), color, 7, P.CARD)
    # the figures at the as-of date beside their dots, pushed apart so that they never overlap
    due, done = (d["due_now"], d["due_now_text"]), (d["done_now"], d["done_now_text"])
    high, low = (due, done) if due[0] >= done[0] else (done, due)
    if high[0] == low[0]:
        labels = [(y(high[0]) - 12, high[1] + " · " + low[1])]
    else:
        y_hi, y_lo = y(high[0]), y(low[0])
        if y_lo - y_hi < 20:
            mid = (y_hi + y_lo) / 2
            y_hi, y_lo = mid - 10, mid + 10
        labels = [(y_hi, high[1]), (y_lo, low[1])]
    shift = max(0.0, labels[-1][0] - (bottom - 10)) or -max(0.0, top + 30 - labels[0][0])
    labels = [(py - shift, text) for py, text in labels]
    for py, text in labels:
        px, ha = _beside(x(as_of), text_width(text, SMALL, bold=True))
        c.text(px, py, text, SMALL, bold=True, ha=ha, va="center_baseline", bbox=_HALO)
    if d["due"] and _day(d["due"][-1][0]) > as_of:
        total = d["due"][-1][1]
        # above the end of the line, or under it when the as-of date's label is in the way
        as_of_right = x(as_of) + 4 + text_width(d["as_of_label"], SMALL, bold=True)
        if as_of_right > WIDTH - PAD:
            as_of_right = x(as_of)
        clear = as_of_right + 10 < WIDTH - PAD - 4 - text_width(d["due_end_text"], SMALL, bold=True)
        c.text(WIDTH - PAD - 4, y(total) + (-7 if clear else 19), d["due_end_text"], SMALL, bold=True, ha="right",
               bbox=_HALO)
    return c.svg()


_HALO = {"boxstyle": "square,pad=0.1", "facecolor": P.CARD, "edgecolor": "none", "alpha": 0.85}


def _beside(at: float, width: float) -> tuple[float, str]:
    """Where a label ``width`` wide goes beside the vertical line at ``at``: right of it, else left of it,
    else (too wide for either side) as far to the side with more room as the chart allows — never cut off."""
    right, left = WIDTH - PAD - (at + 8), at - 8 - PAD
    if width <= right:
        return at + 8, "left"
    if width <= left:
        return at - 8, "right"
    return (WIDTH - PAD - width, "left") if right >= left else (PAD, "left")


def draw_series(data: tuple) -> bytes:
    """A task's value or progress, report by report, against its target; the deadline marked."""
    d = dict(data)
    c = Canvas(*size("series", data))
    c.line([PAD, PAD + 24], [TOP + 10, TOP + 10], P.LINE_VALUE, 2.5, marker="o", markersize=6,
           markevery=[1])
    c.text(PAD + 30, TOP + 15, d["series_label"], SMALL, bold=True)
    lx, ly = PAD + 30 + text_width(d["series_label"], SMALL, bold=True) + 20, TOP
    if series_legend_breaks(d):
        lx, ly = PAD, TOP + LEGEND_LINE
    c.line([lx, lx + 24], [ly + 10, ly + 10], P.MARK_TARGET, 2, dashes=(6, 3))
    c.text(lx + 30, ly + 15, fit(d["target_label"], SMALL, WIDTH - PAD - lx - 30, bold=True), SMALL, bold=True)
    top = ly + LEGEND_LINE + 8
    x, y, left, bottom = _time_axes(c, d, top)
    right = WIDTH - PAD - 4
    if d["baseline"] is not None:
        py = y(d["baseline"])
        c.line([left, right], [py, py], P.INK_SOFT, 1.2, dashes=(1.5, 2.5))
        c.text(left + 4, py - 5, d["baseline_label"], SMALL, color=P.INK_SOFT)
    py = y(d["target"])
    c.line([left, right], [py, py], P.MARK_TARGET, 2, dashes=(6, 3))
    _vertical_marker(c, x(_day(d["deadline"])), top, bottom, d["deadline_label"], P.INK_SOFT, (4, 3))
    points = d["points"]
    if points:
        xs = [x(_day(iso)) for iso, _, _ in points]
        ys = [y(v) for _, v, _ in points]
        c.line(xs, ys, P.LINE_VALUE, 2.5, marker="o", markersize=6, markeredgecolor=P.CARD)
        _, _, last = points[-1]
        w = text_width(last, SMALL, bold=True)
        px, ha = (xs[-1] - 8, "right") if xs[-1] + 8 + w > right else (xs[-1] + 8, "left")
        dy = 18 if ys[-1] < top + 34 else -9
        c.text(px, ys[-1] + dy, last, SMALL, bold=True, ha=ha, bbox=_HALO)
    else:
        c.text((left + right) / 2, (top + bottom) / 2 + 10, d["empty_label"], FONT, color=P.INK_SOFT, ha="center",
               bbox=_HALO)
    return c.svg()


DRAW: dict[str, Callable[[tuple], bytes]] = {
    "status": draw_status,
    "stacked": draw_stacked,
    "scores": draw_scores,
    "targets": draw_targets,
    "burnup": draw_burnup,
    "series": draw_series,
}


# What the chart workers' server imports before it forks any worker (``charts.start_workers``).
PRELOAD = ("matplotlib.figure", "matplotlib.patches", "matplotlib.lines", "matplotlib.text", "matplotlib.transforms")


def draw(kind: str, data: tuple) -> bytes:
    """The SVG of one chart. Imports matplotlib (Agg, never a GUI) on first use."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    with matplotlib.rc_context(cast("dict[Any, Any]", STYLE)):  # matplotlib types its keys as literals
        return DRAW[kind](data)

"""Drawing the charts: one function per kind, all styling in this module and ``palette``.

Every function takes the plain ``data`` of a chart spec (see ``charts.py``:
already-translated words, already-formatted numbers, dates as ISO strings)
and returns the SVG bytes. Nothing here knows the register or the language.

Layout is done by hand in pixels (y grows downwards): no tick locators, no
automatic layout, so the layout is the same on every machine, and ``Canvas``
writes the shapes as SVG directly. ``size()`` gives a chart's size, so that the
page can reserve the space before the image loads.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from .. import palette as P

WIDTH = 440  # px; shown at 328 px on a 360 px phone, the text below stays ≥ 10 px there
PAD = 14  # inner margin, left and right
TOP = 14
BOTTOM = 12
PLOT_W = WIDTH - 2 * PAD
FONT = 16  # labels
SMALL = 14  # ticks, secondary text, numbers in bars
FAMILY = ("DejaVu Sans", "Noto Sans", "Roboto", "Arial", "Helvetica", "sans-serif")

CATEGORIES = ("done", "in_progress", "not_started", "paused", "overdue", "cancelled")

# --- text widths ------------------------------------------------------------------------------
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
    """A rounded card with a pixel coordinate system, y downwards, written out as SVG.

    The charts are laid out by hand in pixels (no axes, no tick locators), so the picture is a list
    of rectangles, lines, dots and text; this writes them as SVG elements, in matplotlib's order of
    layers (shapes, then lines, then text with its halo), with its styling conventions (dashes scaled
    by the line's width, hatches as patterns, text as text). matplotlib drew the same elements in
    ~14 ms a chart, 139 s of a cold build of 10,000 tasks; this writes one in well under a millisecond
    (benchmarks/RESULTS.md). Every colour of ``palette.NEUTRAL_DARK`` is written as a CSS variable
    with its light value as fallback, so that the chart follows the reader's colour scheme.
    """

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self._layers: tuple[list[str], list[str], list[str]] = ([], [], [])  # shapes, lines, text
        self._patterns: dict[tuple[str, str, str], str] = {}
        self._layers[0].append(f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="8" '
                               f'style="fill: {_paint(P.CARD)}; stroke: {_paint(P.RULE)}"/>')

    def rect(self, x: float, y: float, w: float, h: float, color: str, hatch: str = "",
             hatch_color: str | None = None) -> None:
        if w <= 0 or h <= 0:
            return
        fill = f"url(#{self._pattern(hatch, color, hatch_color or '#000000')})" if hatch else _paint(color)
        self._layers[0].append(f'<path d="{_box(x, y, w, h)}" style="fill: {fill}"/>')

    def text(self, x: float, y: float, s: str, size: float = FONT, color: str = P.INK, ha: str = "left",
             va: str = "baseline", bold: bool = False, bbox: dict[str, Any] | None = None) -> None:
        y += _BASELINE_SHIFT[va] * size
        width = text_width(s, size, bold)
        if bbox is not None:  # a halo behind the words, as wide as they are
            left = x - {"left": 0, "center": width / 2, "right": width}[ha] - 0.1 * size
            opacity = f"; opacity: {_num(bbox['alpha'])}" if "alpha" in bbox else ""
            # from the height of a capital to below the descenders, as matplotlib's halo of the same words
            self._layers[2].append(f'<path d="{_box(left, y - 0.9 * size, width + 0.2 * size, 1.24 * size)}" '
                                   f'style="fill: {_paint(bbox["facecolor"])}{opacity}"/>')
        weight = "font-weight: 700; " if bold else ""
        self._layers[2].append(f'<text style="{weight}font-size: {_num(size)}px; text-anchor: {_ANCHOR[ha]}; '
                               f'fill: {_paint(color)}" x="{_num(x)}" y="{_num(y)}">{xml_escape(s)}</text>')

    def line(self, xs: list[float], ys: list[float], color: str, width: float = 1.0,
             dashes: tuple[float, float] | None = None, marker: str = "", markersize: float = 6,
             markeredgecolor: str | None = None, markevery: list[int] | None = None) -> None:
        stroke = f"; stroke-width: {_num(width)}" if width != 1 else ""
        dash = f"stroke-dasharray: {_num(dashes[0] * width)},{_num(dashes[1] * width)}; " if dashes else ""
        if len(xs) > 1:
            path = " ".join(f"{'M' if i == 0 else 'L'} {_num(x)} {_num(y)}" for i, (x, y) in enumerate(zip(xs, ys)))
            self._layers[1].append(f'<path d="{path}" style="fill: none; {dash}stroke: {_paint(color)}{stroke}"/>')
        if marker == "o":
            edge = _paint(markeredgecolor or color)
            for i in markevery if markevery is not None else range(len(xs)):
                self._layers[1].append(f'<circle cx="{_num(xs[i])}" cy="{_num(ys[i])}" r="{_num(markersize / 2)}" '
                                       f'style="fill: {_paint(color)}; stroke: {edge}"/>')

    def dot(self, x: float, y: float, color: str, size: float, edge: str) -> None:
        self.line([x], [y], color, 1.0, marker="o", markersize=size, markeredgecolor=edge)

    def _pattern(self, hatch: str, color: str, ink: str) -> str:
        key = (hatch, color, ink)
        if key not in self._patterns:
            self._patterns[key] = f"h{len(self._patterns)}"
        return self._patterns[key]

    def svg(self) -> bytes:
        family = ", ".join(f"'{f}'" if f != "sans-serif" else f for f in FAMILY)
        patterns = "".join(_hatch_pattern(name, *key) for key, name in self._patterns.items())
        return "\n".join([
            '<?xml version="1.0" encoding="utf-8" standalone="no"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}" version="1.1">',
            f'<defs><style type="text/css">text{{font-family: {family}}}\n{_THEME_CSS}\n'
            f'*{{stroke-linejoin: round; stroke-linecap: butt}}</style>{patterns}</defs>',
            *self._layers[0], *self._layers[1], *self._layers[2], "</svg>", ""]).encode("utf-8")


# where the baseline goes, in font sizes below the y given, for each vertical alignment
_BASELINE_SHIFT = {"baseline": 0.0, "center_baseline": 0.38, "center": 0.36, "top": 0.93}
_ANCHOR = {"left": "start", "center": "middle", "right": "end"}
# matplotlib's hatch densities: lines per 72 px for each repeat of a hatch's character (a diagonal's
# lines, measured along the edge, twice as far apart)
_HATCH_LINES = 6


def _num(v: float) -> str:
    """A coordinate as SVG needs it: at most three decimals, no trailing zeros."""
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _box(x: float, y: float, w: float, h: float) -> str:
    return f"M {_num(x)} {_num(y + h)} L {_num(x + w)} {_num(y + h)} L {_num(x + w)} {_num(y)} L {_num(x)} {_num(y)} z"


def _paint(color: str) -> str:
    """A neutral colour as its CSS variable (the light colour as fallback); any other as it is."""
    name = _NEUTRAL_NAMES.get(color.upper())
    return f"var(--{name}, {color.lower()})" if name else color.lower()


def _hatch_pattern(name: str, hatch: str, color: str, ink: str) -> str:
    """A pattern of ``color`` crossed by ``ink`` lines: | vertical, - horizontal, / and \\ diagonal,
    x both diagonals; each repeat of a character draws the lines twice as close."""
    parts: list[str] = []
    for kind in ("|", "-", "/", "\\", "x"):
        count = hatch.count(kind)
        if not count:
            continue
        step = 72 / (_HATCH_LINES * count) * (1 if kind in "|-" else 2)  # diagonals: apart by twice as much
        parts.append({"|": f"M {_num(step / 2)} 0 L {_num(step / 2)} {_num(step)}",
                      "-": f"M 0 {_num(step / 2)} L {_num(step)} {_num(step / 2)}",
                      "/": _diagonals(step, rising=True),
                      "\\": _diagonals(step, rising=False),
                      "x": _diagonals(step, rising=True) + " " + _diagonals(step, rising=False)}[kind])
        size = step
    return (f'<pattern id="{name}" patternUnits="userSpaceOnUse" x="0" y="0" width="{_num(size)}" '
            f'height="{_num(size)}"><rect x="0" y="0" width="{_num(size + 1)}" height="{_num(size + 1)}" '
            f'fill="{_paint(color)}"/><path d="{" ".join(parts)}" style="fill: none; stroke: {_paint(ink)}; '
            f'stroke-width: 1.2; stroke-linecap: square"/></pattern>')


def _diagonals(step: float, rising: bool) -> str:
    """One diagonal across a ``step`` square tile and the two corner pieces that join it to its neighbours."""
    s = _num(step)
    if rising:
        return f"M 0 {s} L {s} 0 M -1 1 L 1 -1 M {_num(step - 1)} {_num(step + 1)} L {_num(step + 1)} {_num(step - 1)}"
    return f"M 0 0 L {s} {s} M -1 {_num(step - 1)} L 1 {_num(step + 1)} M {_num(step - 1)} -1 L {_num(step + 1)} 1"


_NEUTRAL_NAMES = {light.upper(): name for name, (light, _) in P.NEUTRAL_DARK.items()}
_THEME_CSS = (":root{" + "".join(f"--{name}:{light}" + ";" for name, (light, _) in P.NEUTRAL_DARK.items()) + "}"
              "@media (prefers-color-scheme: dark){:root{"
              + "".join(f"--{name}:{dark}" + ";" for name, (_, dark) in P.NEUTRAL_DARK.items()) + "}}")


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
        c.line([lx, lx + 24], [TOP + 10, TOP + 10], color, width, dashes=dashes)
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


def draw(kind: str, data: tuple) -> bytes:
    """The SVG of one chart."""
    return DRAW[kind](data)

"""The site's status colours, in one place: the charts and the CSS badges use these.

The colours are the Okabe-Ito palette (safe for the common kinds of colour
blindness). Colour never carries a meaning alone: every chart also labels
its bars and hatches the categories a reader must tell apart, and every
badge carries its word.

"overdue" is not a status of its own: it is an open task (not started, in
progress or paused) whose deadline has passed. The charts show it as its own
category so that the bars still add up to the total.
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",  # not one of the eight; the usual neutral companion
}

STATUS_COLORS = {
    "done": OKABE_ITO["bluish_green"],
    "in_progress": OKABE_ITO["blue"],
    "not_started": OKABE_ITO["sky_blue"],
    "paused": OKABE_ITO["orange"],
    "cancelled": OKABE_ITO["grey"],
    "overdue": OKABE_ITO["vermillion"],
}

# Text drawn on a status colour: black reads on every colour but the blue
# (contrast ≥ 4.5:1 in each pair, WCAG AA for small text).
STATUS_TEXT = {
    "done": "#000000",
    "in_progress": "#FFFFFF",
    "not_started": "#000000",
    "paused": "#000000",
    "cancelled": "#000000",
    "overdue": "#000000",
}

# hatch patterns (matplotlib's notation: | - / \\ x, repeated for denser lines), so that categories differ by more than colour.
# Solid fills for the two that are most common; patterns for the others,
# the densest for "overdue", the one a reader must not miss.
STATUS_HATCHES = {
    "done": "",
    "in_progress": "",
    "not_started": "|",
    "paused": "\\\\",
    "cancelled": "--",
    "overdue": "xx",
}

# Part of "done": the tasks finished before their deadline.
EARLY_HATCH = "//"

# Neutral colours of the charts. Each is drawn with a light-scheme colour that
# the SVG's own stylesheet swaps for its dark one (``NEUTRAL_DARK``) when the
# reader's scheme is dark, so a chart is never a white panel on a dark page.
# The light values are unique in the drawing (no status colour shares them).
CARD = "#FEFEFE"  # the card's ground and the halos behind labels
INK = "#1A1A1A"  # text
INK_SOFT = "#4D4D4D"  # secondary text, axes (7.9:1 on white)
RULE = "#D0D0D0"  # grid lines, tracks' edges
TRACK = "#EDEDED"  # the empty part of a bar
BAND = ("#F3F3F3", "#E4E4E4")  # alternating grade bands behind the agencies' scores
LINE_DUE = "#1A1A1B"  # the "due" line: ink, flipping with it

# name → (light, dark); dark values read on the dark theme's ground (#1E2029): text ≥ 7:1.
NEUTRAL_DARK = {
    "card": (CARD, "#1E2029"),
    "ink": (INK, "#E8E8EA"),
    "ink-soft": (INK_SOFT, "#B8BAC2"),
    "rule": (RULE, "#4A4D5C"),
    "track": (TRACK, "#33364A"),
    "band-0": (BAND[0], "#262938"),
    "band-1": (BAND[1], "#30344A"),
    "line-due": (LINE_DUE, "#E8E8EA"),
}
LINE_DONE = OKABE_ITO["bluish_green"]
LINE_VALUE = OKABE_ITO["blue"]
MARK_TARGET = OKABE_ITO["vermillion"]
MARK_AS_OF = OKABE_ITO["reddish_purple"]


def css_variables() -> str:
    """``:root { --status-done: #009E73; --status-done-text: #000000; … }`` for the site's stylesheet."""
    lines = [f"  --status-{key.replace('_', '-')}: {color};" for key, color in STATUS_COLORS.items()]
    lines += [f"  --status-{key.replace('_', '-')}-text: {color};" for key, color in STATUS_TEXT.items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n"

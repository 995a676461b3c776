"""Draws site_templates/assets/og-image.png, the one picture of every link preview (1200 × 630).

Run once after changing it: ``python tools/og_image.py``. It names no register, so it suits any site.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Rectangle  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "site_templates" / "assets" / "og-image.png"
INDIGO, GREEN, ORANGE, RED, WHITE = "#3F51B5", "#009E73", "#E69F00", "#D55E00", "#FFFFFF"


def main() -> None:
    fig = Figure(figsize=(12, 6.3), dpi=100)
    fig.patch.set_facecolor(INDIGO)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1200)
    ax.set_ylim(630, 0)
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((90, 110), 300, 410, boxstyle="round,pad=0,rounding_size=24", facecolor=WHITE))
    for i, (colour, share) in enumerate(((GREEN, 0.9), (GREEN, 0.75), (ORANGE, 0.5), (RED, 0.3))):
        y = 170 + i * 85
        ax.add_patch(Rectangle((130, y), 220, 34, facecolor="#E8EAF6"))
        ax.add_patch(Rectangle((130, y), 220 * share, 34, facecolor=colour))
    ax.text(450, 270, "Sổ nhiệm vụ", color=WHITE, fontsize=64, fontweight="bold", va="baseline")
    ax.text(450, 370, "công khai", color=WHITE, fontsize=64, fontweight="bold", va="baseline")
    ax.text(450, 450, "Ai làm gì, đến đâu, đúng hạn không", color=WHITE, fontsize=28, va="baseline")
    fig.savefig(OUT, format="png", facecolor=INDIGO, metadata={"Software": None})


if __name__ == "__main__":
    main()

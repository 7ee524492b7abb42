"""Draw the application icon with Pillow primitives (no fonts needed, so builds are reproducible).

A seal-red rounded square with a white house (a roof over a body with a door):
a service hall for the village, recognizable from 16 px up. Each size is drawn
at 8x and scaled down, and small sizes drop the seal's inner ring and get
heavier shapes so that they stay crisp.

    .venv/bin/python packaging/make_icons.py        # writes resources/icons/
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

RED = (192, 39, 45, 255)        # seal red (印泥红)
RED_DARK = (150, 24, 30, 255)
WHITE = (255, 255, 255, 255)
SIZES = (16, 24, 32, 48, 64, 128, 256)
SCALE = 8


def draw(size: int) -> Image.Image:
    big = size * SCALE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    inset = big * (0.02 if size <= 24 else 0.04)
    d.rounded_rectangle((inset, inset, big - inset, big - inset), radius=big * 0.2, fill=RED)
    if size >= 48:  # the seal's inner ring: detail that only larger sizes can carry
        ring = big * 0.1
        d.rounded_rectangle((ring, ring, big - ring, big - ring), radius=big * 0.13,
                            outline=WHITE, width=max(SCALE, round(big * 0.025)))
    _house(d, big, small=size <= 24)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def _house(d: ImageDraw.ImageDraw, big: int, small: bool) -> None:
    u = big / 100  # draw in percent of the icon
    left, right = (22, 78) if small else (26, 74)
    eave, ridge, base = (46, 18, 82) if small else (47, 22, 78)
    d.polygon([((left - 6) * u, eave * u), (50 * u, ridge * u), ((right + 6) * u, eave * u)], fill=WHITE)
    d.rectangle((left * u, (eave - 1) * u, right * u, base * u), fill=WHITE)
    door_w, door_h = (16, 22) if small else (14, 20)
    d.rectangle(((50 - door_w / 2) * u, (base - door_h) * u, (50 + door_w / 2) * u, base * u), fill=RED_DARK)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    images = {size: draw(size) for size in SIZES}
    for size, image in images.items():
        image.save(out_dir / f"app-{size}.png")
    images[256].save(out_dir / "app.png")
    images[256].save(out_dir / "app.ico", sizes=[(s, s) for s in SIZES])


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "resources" / "icons")

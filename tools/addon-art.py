#!/usr/bin/env python3
"""Draws the Home Assistant add-on's icon.png (128x128) and logo.png (250x100).

    tools/addon-art.py [OUTDIR]     (default: deploy/homeassistant-addon)

The picture: a meter's round face with a lightning bolt, and radio waves going out from it (the
B-route), on a dark teal tile. Needs Pillow (Debian: python3-pil) and the DejaVu fonts
(fonts-dejavu-core). The output is committed; run this only to change the art.
"""
import os
import sys

from PIL import Image, ImageDraw, ImageFont

TEAL = (16, 94, 106, 255)
FACE = (240, 246, 245, 255)
BOLT = (255, 196, 37, 255)
WAVE = (142, 214, 206, 255)
INK = (33, 45, 52, 255)
SCALE = 4  # drawn large, then reduced: smooth edges without anti-aliasing primitives


def draw_mark(draw, x, y, size):
    """The meter face, bolt and waves in a size-by-size square at (x, y)."""
    s = size / 128
    # Tile.
    draw.rounded_rectangle([x, y, x + size - 1, y + size - 1], radius=26 * s, fill=TEAL)
    # Waves to the upper right, from the face's rim.
    for i, r in enumerate((26, 36, 46)):
        cx, cy = x + 56 * s, y + 72 * s
        box = [cx - r * s, cy - r * s, cx + r * s, cy + r * s]
        box = [box[0] + 18 * s, box[1] - 18 * s, box[2] + 18 * s, box[3] - 18 * s]
        draw.arc(box, start=-80, end=-10, fill=WAVE, width=int((7 - i) * s))
    # Face.
    cx, cy, r = x + 52 * s, y + 76 * s, 36 * s
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=FACE)
    # Bolt.
    points = [(8, -30), (-14, 4), (0, 4), (-8, 30), (16, -8), (2, -8), (10, -30)]
    draw.polygon([(cx + px * s, cy + py * s) for px, py in points], fill=BOLT, outline=INK)


def render(width, height, paint):
    big = Image.new("RGBA", (width * SCALE, height * SCALE), (0, 0, 0, 0))
    paint(ImageDraw.Draw(big), SCALE)
    return big.resize((width, height), Image.LANCZOS)


def icon():
    return render(128, 128, lambda d, k: draw_mark(d, 0, 0, 128 * k))


def logo():
    font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    def paint(d, k):
        draw_mark(d, 4 * k, 10 * k, 80 * k)
        font = ImageFont.truetype(font_path, 24 * k)
        d.text((92 * k, 32 * k), "hems", font=font, fill=TEAL)
        d.text((92 * k + d.textlength("hems", font=font), 32 * k), "2mqtt", font=font, fill=INK)
        small = ImageFont.truetype(font_path.replace("-Bold", ""), 10 * k)
        d.text((93 * k, 64 * k), "B-route + ECHONET Lite", font=small, fill=INK)

    return render(250, 100, paint)


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "deploy", "homeassistant-addon")
    icon().save(os.path.join(out, "icon.png"), optimize=True)
    logo().save(os.path.join(out, "logo.png"), optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

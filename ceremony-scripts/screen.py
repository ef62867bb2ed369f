#!/usr/bin/env python3
"""Renders what `symbolon qr encode --format term` printed as a terminal
would show it, into a PNG: the picture a camera takes of the screen on the
other, air-gapped machine.

    screen.py TERM_TEXT OUT.png [--cell WxH] [--dark]

Each character cell is W x H pixels (default 8x16, a common terminal font);
a half block fills the top or bottom half of its cell.  ANSI colour codes
(SGR) are honoured as far as symbolon uses them: 30;107 is black ink on a
white background, 0 resets to the terminal's own colours, which are dark
ink on light, or with --dark light ink on dark.  Other characters (the
captions between codes) are drawn as blank cells.  Python's standard
library only: zlib writes the PNG.
"""
import re
import struct
import sys
import zlib

UPPER, LOWER, FULL = "\u2580", "\u2584", "\u2588"
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def cells(line, dark):
    """Yields (character, ink, paper) for each cell of a line."""
    default = (235, 20) if dark else (20, 235)
    ink, paper = default
    pos = 0
    while pos < len(line):
        m = SGR.match(line, pos)
        if m:
            for code in (m.group(1) or "0").split(";"):
                if code == "0":
                    ink, paper = default
                elif code == "30":
                    ink = 0
                elif code == "107":
                    paper = 255
            pos = m.end()
            continue
        yield line[pos], ink, paper
        pos += 1


def render(text, cell_w, cell_h, dark):
    rows = [list(cells(line, dark)) for line in text.split("\n")]
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(r) for r in rows), default=1) * cell_w
    height = len(rows) * cell_h
    background = 20 if dark else 235
    pixels = bytearray([background]) * (width * height)
    half = cell_h // 2
    for cy, row in enumerate(rows):
        for cx, (ch, ink, paper) in enumerate(row):
            top = ink if ch in (UPPER, FULL) else paper
            bottom = ink if ch in (LOWER, FULL) else paper
            for y in range(cell_h):
                value = top if y < half else bottom
                start = (cy * cell_h + y) * width + cx * cell_w
                pixels[start:start + cell_w] = bytes([value]) * cell_w
    return width, height, pixels


def png(width, height, pixels):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + \
            struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(pixels[y * width:(y + 1) * width])
                   for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0,
                                       0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    cell_w, cell_h, dark = 8, 16, "--dark" in argv
    for a in argv[1:]:
        if a.startswith("--cell="):
            cell_w, cell_h = (int(v) for v in a[7:].split("x"))
    if len(args) != 2:
        sys.stderr.write("usage: screen.py TERM_TEXT OUT.png "
                         "[--cell=WxH] [--dark]\n")
        return 2
    with open(args[0], encoding="utf-8") as f:
        text = f.read()
    width, height, pixels = render(text, cell_w, cell_h, dark)
    with open(args[1], "wb") as f:
        f.write(png(width, height, pixels))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

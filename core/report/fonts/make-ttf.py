#!/usr/bin/env python3
"""Rebuilds NotoSansSC-subset.ttf from the window's CFF font.

gopdf embeds only TrueType (glyf) outlines, while assets/fonts carries the
CFF (OTTO) subset of Noto Sans SC. This converts the same character set
(GB 2312 plus Latin, punctuation and symbols) to quadratic outlines, so the
PDFs and the window show exactly the same characters.

    /usr/bin/python3 core/report/fonts/make-ttf.py

Needs fontTools (Debian: python3-fonttools).
"""
import os

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, "..", "..", "..", "assets", "fonts", "NotoSansSC-Regular-subset.otf")
dst = os.path.join(here, "NotoSansSC-subset.ttf")

# Keep the source's timestamp so a rebuild gives the same bytes.
font = TTFont(src, recalcTimestamp=False)
# Layout and vertical tables are of no use to a PDF writer that places
# glyphs one by one; dropping them keeps the file small.
opts = subset.Options()
opts.layout_features = []
opts.drop_tables += ["GSUB", "GPOS", "GDEF", "VORG", "vhea", "vmtx", "BASE"]
opts.hinting = False
opts.name_IDs = ["*"]
opts.notdef_outline = True
s = subset.Subsetter(opts)
s.populate(unicodes=font.getBestCmap().keys())
s.subset(font)

order = font.getGlyphOrder()
gs = font.getGlyphSet()
quad = {}
for name in order:
    pen = TTGlyphPen(gs)
    # CFF contours run counter-clockwise, TrueType ones clockwise.
    gs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
    quad[name] = pen.glyph()

font["loca"] = newTable("loca")
glyf = font["glyf"] = newTable("glyf")
glyf.glyphOrder = order
glyf.glyphs = quad
del font["CFF "]
glyf.compile(font)
for name, g in quad.items():
    adv, _ = font["hmtx"][name]
    font["hmtx"][name] = (adv, getattr(g, "xMin", 0))

maxp = font["maxp"] = newTable("maxp")
maxp.tableVersion = 0x00010000
maxp.maxZones = 1
for k in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
          "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
    setattr(maxp, k, 0)
post = font["post"]
post.formatType = 3.0  # no glyph names: CID names only cost space
font.sfntVersion = "\x00\x01\x00\x00"
font.save(dst)
print(dst, os.path.getsize(dst))

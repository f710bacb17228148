"""The state of an input cell, beside its number: the engine never sees text."""

from __future__ import annotations

VALUE, MISSING, NA = 0, 1, 2  # a number was given; nothing was given; not applicable
INHERIT = 3  # while reading: an appraised cell left blank takes the declared input

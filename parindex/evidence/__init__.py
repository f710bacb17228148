"""Evidence bundles: read, check against an edition, and the sample district."""

from parindex.evidence.bundle import Bundle, RawTables, load_bundle
from parindex.evidence.parse import MISSING, NA, VALUE, parse_cells
from parindex.evidence.validate import Inputs, build_inputs

__all__ = ["MISSING", "NA", "VALUE", "Bundle", "Inputs", "RawTables", "build_inputs",
           "load_bundle", "parse_cells"]

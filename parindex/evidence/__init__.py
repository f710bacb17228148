"""Evidence bundles: read, check against an edition, and the sample district."""

from parindex.evidence.bundle import load_bundle
from parindex.evidence.inputs import Inputs, build_inputs
from parindex.evidence.parse import parse_cells
from parindex.evidence.states import MISSING, NA, VALUE
from parindex.evidence.tables import Bundle, RawTables

__all__ = ["MISSING", "NA", "VALUE", "Bundle", "Inputs", "RawTables", "build_inputs",
           "load_bundle", "parse_cells"]

"""The sample district (six years of a fictional district) and the synthetic bundles it and
the benchmarks are generated from."""

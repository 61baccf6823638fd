"""Helpers of ``benchmarks/bench_tabular.py``: the data sets and the models."""

"""Benchmarks: `make bench` runs ``python -m bench.run``; results go to ``bench/results/``."""

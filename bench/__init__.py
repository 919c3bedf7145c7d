"""Benchmarks against the offline Kie sandbox (`make bench`); see bench/common.py and
docs/benchmarks.md."""

"""Benchmark tooling: a fictional reply corpus generator and the benchmark runner."""

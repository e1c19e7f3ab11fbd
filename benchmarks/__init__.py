"""Palier's benchmarks: each figure is a ratio against the limit the work cannot beat, run by ``python -m benchmarks``."""

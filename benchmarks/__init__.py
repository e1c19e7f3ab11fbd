"""Palier's benchmarks (``python -m benchmarks``): each figure is a ratio against an unbeatable limit."""

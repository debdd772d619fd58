"""Benchmarks for the kiosk: `python -m bench` runs every figure (see docs/PERFORMANCE.md)."""

"""Benchmarks: speed and memory figures for BENCHMARKS.md (never timed assertions in tests).

Each module exposes ``run() -> list[dict]`` with keys ``name, value, unit, budget``.
"""

"""Benchmarks: each prints its figures beside a naive baseline; none is a test.

    python -m bench <area>      attendance | screening | council | import | all

They live outside nytte/: a baseline is a measuring stick, not a service."""

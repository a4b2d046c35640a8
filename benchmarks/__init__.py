"""Reproducible performance runs; never part of the test suite's pass or fail."""

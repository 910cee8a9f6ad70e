"""Tools for the tests and benchmarks in this checkout (never in the product wheel)."""

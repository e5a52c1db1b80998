"""Pieces of the benchmark harness; bench/run puts them together."""

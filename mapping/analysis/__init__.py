"""Analyses of a district: coverage, quality, waves."""

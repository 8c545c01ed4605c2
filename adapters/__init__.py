"""Adapters: load the canonical tables from a source, validate them and report rejected rows."""

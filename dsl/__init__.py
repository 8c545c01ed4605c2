"""The definition language: grammar, parser, resolver and table schema."""

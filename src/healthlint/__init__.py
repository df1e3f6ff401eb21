"""healthlint: a linter for health writing."""

__version__ = "0.1.0"

"""Workflows that touch several models or have side effects, as keyword-only functions."""

from recruitment.services.rules import rules_publish

__all__ = ["rules_publish"]

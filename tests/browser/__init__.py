"""Helpers for checking the built archive the way browsers, validators and crawlers do."""

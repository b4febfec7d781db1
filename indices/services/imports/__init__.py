"""Turning a published spreadsheet into scores: read safely, parse, validate, commit."""

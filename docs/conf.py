"""Sphinx configuration for the aioloom documentation."""

project = "aioloom"
author = "The aioloom developers"
copyright = "2026, The aioloom developers"
extensions: list[str] = []
exclude_patterns = ["_build"]
html_theme = "alabaster"
nitpicky = True

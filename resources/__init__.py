"""Data shipped with gdviz: the preset scenarios (scenarios/*.toml)."""

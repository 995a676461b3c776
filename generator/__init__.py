"""Compile a register of promised tasks into a public transparency website."""

__version__ = "0.1.0"

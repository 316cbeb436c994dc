"""Lectern's core: domain, storage, search, import and export. Never imports Qt."""

__version__ = "0.1.0"

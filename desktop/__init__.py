"""Lectern's Qt front end: thin windows, models and commands over `core`."""

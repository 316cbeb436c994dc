"""Import and export orchestration over the library and the formats."""

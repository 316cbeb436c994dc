"""Sharing a library through git: the sync repository's tree (one file a
paper), three-way merges at the data level, and the sync itself."""

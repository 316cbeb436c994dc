"""One module per file format, reader and writer: BibTeX, the paper listing, Markdown, CSL-JSON, CSV."""

"""Text inside PDFs: read by pypdfium2 in a separate worker process (a hostile
file can crash or hang only that process), page by page, with caps."""

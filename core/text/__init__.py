"""LaTeX to Unicode, TeX-safe output and Markdown: pure text functions with no project imports."""

"""Identifying papers: parsing DOIs, arXiv ids and ISBNs, and looking papers up
in the scholarly services (arXiv, DOI content negotiation, Crossref). Nothing
here reaches the network unless a caller hands it an `Http` client."""

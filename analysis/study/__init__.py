"""The study domain: the data file of reported figures (schema, load), the consistency checks, the
patient flow, the paper's citation records (Highwire tags, JSON-LD, BibTeX, RIS), and the
tables, charts and values built from them. May import :mod:`analysis.stats`,
the shared types and the theme; never the registry, another domain or the MkDocs side."""

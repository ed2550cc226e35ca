"""The study domain: the data file of reported figures (schema, load), the consistency checks, the
patient flow, and the tables, charts and values built from them. May import :mod:`analysis.stats`,
the shared types and the theme; never the registry, another domain or the MkDocs side."""

"""The context domain: comparator cohorts, treatment eras and newer therapies
(``analysis/data/comparators.yaml``) with their tables, chart and values. May import the study
domain (its schema and intervals), the statistics and shared types; never the registry or MkDocs side."""

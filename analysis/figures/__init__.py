"""A generic domain of reported figures: any study's figures from a data file (schema, load),
checked against each other from their kinds and relations (checks). May import shared types and
analysis.stats; never the registry or the MkDocs side."""

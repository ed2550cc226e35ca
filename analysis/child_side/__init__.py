"""What ``python -m analysis`` runs for the site generator, in its own child process: the
analysis bundle (computed, rendered and written as a cache entry), the executed notebook and the
Vega runtime. Nothing here imports the MkDocs side; the two share only :mod:`analysis.wire`."""

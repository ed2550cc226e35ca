"""The ``study-notes`` plugin: readers' notes checked (the build stops on any problem), placed on
the page sections they refer to, listed on the Notes page and in a feed (:mod:`analysis.notes`
does the work)."""

"""The ``study-notebooks`` plugin: the site's notebooks executed in a child process only when
their inputs change (the analysis's own, read from ``study-analysis``), the executed copy shown
by mkdocs-jupyter, and its page made valid and self-contained."""

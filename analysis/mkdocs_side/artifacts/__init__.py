"""The ``study-analysis`` plugin: the analysis bundle computed in a child process (or read from
the cache), its tables, charts and values placed in the pages, its downloads and pictures
written with the site, the Vega runtime, each page's link preview, and under ``serve`` the pages
first after an edit."""

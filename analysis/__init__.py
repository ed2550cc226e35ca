"""Analysis of Tomizawa et al. 2009: data, statistics, tables and charts for the study site.

Importing the package is cheap on purpose: heavy libraries (pandas, scipy, altair) are imported
only by the modules that compute, so a site build whose inputs have not changed never loads them.
"""

__all__: list[str] = []

"""Statistics on plain values and tidy frames: intervals for proportions and survival (and how
often a survival interval covers), Kaplan–Meier, Greenwood, log-rank and Cox. Imports nothing from the rest of :mod:`analysis` but its errors."""

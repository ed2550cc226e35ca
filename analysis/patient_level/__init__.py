"""The patient-level domain: the patient file format, the clinical rules every patient follows
(rules, with the reconstruction's bounds and the two readings of the patients missing from the
remission denominator), the range of survival the published numbers allow and the search over
every order of deaths and losses behind it (allowed), reconstructed cohorts under named scenarios
that meet every published number, rule and bound, their fidelity to the paper, the survival analysis (with a landmark analysis of remission) and its tables and
charts. May import the study domain, the statistics and shared types; never the registry or the
MkDocs side."""

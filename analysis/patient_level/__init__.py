"""The patient-level domain: the patient file format, the clinical rules every patient follows
(rules), the exact range of survival the published numbers allow (allowed), reconstructed cohorts
under named hazard-shape scenarios that meet every published number and rule, their fidelity to
the paper, the survival analysis (with a landmark analysis of remission) and its tables and
charts. May import the study domain, the statistics and shared types; never the registry or the
MkDocs side."""

"""The patient-level domain: the patient file format, reconstructed cohorts that meet every published
number, their fidelity to the paper, the survival analysis and its tables and charts. May import the
study domain, the statistics and shared types; never the registry or the MkDocs side."""

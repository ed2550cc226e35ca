"""The appraisal domain: the journal-club checklist, PICO and limitations
(``analysis/data/appraisal.yaml``), whose texts may cite any value computed by the other domains.
May import shared types and the study schema; never the registry or the MkDocs side."""

"""The ``study-citation`` plugin: the build's edition for the templates (banner, "Cite this
edition"), the paper's and the edition's BibTeX and RIS downloads, and each page's Highwire
tags and JSON-LD. The paper's reference comes with the analysis bundle (``study-analysis``)."""

"""Everything that runs inside MkDocs: the two plugins and the light helpers they use (bundle cache,
child processes, injection, Vega runtime, notebook). Imports no heavy library (pandas, altair,
scipy, lifelines); only the ``*_plugin`` modules import MkDocs; the analysis never imports this."""

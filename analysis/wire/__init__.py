"""What the site generator's side and the analysis child share, and nothing else: the bundle's
format (:mod:`~analysis.wire.bundle`), the one digest of the project (:mod:`~analysis.wire.digest`),
the one launcher of ``python -m analysis`` (:mod:`~analysis.wire.launch`) and where the Vega
runtime is kept (:mod:`~analysis.wire.runtime`). Standard library only; imports nothing of the
package but the errors and :mod:`analysis.lifetime`."""

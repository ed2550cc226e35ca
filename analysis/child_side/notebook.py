"""``python -m analysis notebook``: execute a notebook into a file, every cell (errors stop it),
with the project root as working directory and the notebook's kernel ending with this process."""

from __future__ import annotations

import os
from pathlib import Path

from ..lifetime import ending_with_this_process
from ..wire.digest import PACKAGE_DIR

__all__ = ["PATIENTS_ENV", "execute_notebook"]

PATIENTS_ENV = "STUDY_PATIENTS"  # the patient file the notebook analyses ("" = reconstruct)


def execute_notebook(
    source: Path, out: Path, *, patients_file: Path | None = None, timeout: int = 300
) -> None:
    """Run every cell (errors stop it) with the project root as working directory."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    class KernelEndingWithThisProcess(AsyncKernelManager):
        # The kernel runs in a session of its own (Ctrl-C does not reach it), and its own
        # watch for a parent gone starts only once it has started: tied from its first moment.
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return ending_with_this_process(super().format_kernel_cmd(extra_arguments))

    nb = nbformat.read(source, as_version=4)  # type: ignore[no-untyped-call]  # nbformat is unannotated
    os.environ[PATIENTS_ENV] = str(patients_file) if patients_file else ""
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        kernel_manager_class=KernelEndingWithThisProcess,
        allow_errors=False,
        resources={"metadata": {"path": str(PACKAGE_DIR.parent)}},
    )
    client.execute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".tmp{os.getpid()}")
    nbformat.write(nb, tmp)  # type: ignore[no-untyped-call]  # nbformat is unannotated
    tmp.replace(out)

"""Many patient-level cohorts of equal size held as arrays, and conversion to and from tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .vocabulary import FIRST_EVENTS, SALVAGE, TRANSPLANT

__all__ = ["RECONSTRUCTED_LABEL", "Ensemble", "concat_ensembles", "ensemble_from_patients"]

RECONSTRUCTED_LABEL = "Reconstructed from published summary numbers, not patient data"

# Salvage codes double as log-rank/Cox groups: 1 (no remission) is compared with 0 (remission);
# 2 (not evaluable) is left out of those comparisons.
SALVAGE_CODES = {"yes": 0, "no": 1, "not_evaluable": 2}
TRANSPLANT_CODES = {name: i for i, name in enumerate(TRANSPLANT)}
FIRST_EVENT_CODES = {name: i for i, name in enumerate(FIRST_EVENTS)}


@dataclass(frozen=True)
class Ensemble:
    """Cohorts as arrays of shape ``(cohorts, patients)``.

    ``months`` to death or last follow-up from the start of second-line treatment; ``death``
    0/1; ``first_event``, ``salvage`` and ``transplant`` as codes (see the ``*_CODES`` maps);
    ``first_remission`` in months; ``transplant_months`` from the start of second-line
    treatment to the transplant (NaN without a transplant, or where a real file records none).
    ``hazard_ratio`` is the ratio each reconstructed cohort was drawn with (NaN for real data).
    ``label`` says where the data come from.
    """

    ids: tuple[str, ...]
    months: NDArray[np.float64]
    death: NDArray[np.int8]
    first_event: NDArray[np.int8]
    first_remission: NDArray[np.float64]
    salvage: NDArray[np.int8]
    transplant: NDArray[np.int8]
    transplant_months: NDArray[np.float64]
    hazard_ratio: NDArray[np.float64]
    label: str
    reconstructed: bool
    extra: pd.DataFrame | None = None  # optional columns of real data, kept for downloads

    @property
    def size(self) -> int:
        return int(self.months.shape[0])

    def take(self, rows: NDArray[np.intp] | slice) -> Ensemble:
        """The cohorts at ``rows`` (same labels)."""
        return Ensemble(
            self.ids,
            self.months[rows],
            self.death[rows],
            self.first_event[rows],
            self.first_remission[rows],
            self.salvage[rows],
            self.transplant[rows],
            self.transplant_months[rows],
            self.hazard_ratio[rows],
            self.label,
            self.reconstructed,
            self.extra,
        )

    def cohort(self, index: int) -> pd.DataFrame:
        """One cohort as a patient-level table in the documented file format."""
        frame = pd.DataFrame(
            {
                "id": list(self.ids),
                "months": np.round(self.months[index], 4),
                "death": self.death[index].astype(int),
                "first_event": np.array(FIRST_EVENTS)[self.first_event[index]],
                "first_remission_months": self.first_remission[index],
                "salvage_remission": np.array(SALVAGE)[self.salvage[index]],
                "transplant": np.array(TRANSPLANT)[self.transplant[index]],
                "transplant_months": [
                    "" if np.isnan(t) else round(float(t), 4) for t in self.transplant_months[index]
                ],
            }
        )
        if self.extra is not None:
            for column in self.extra.columns:
                frame[column] = self.extra[column].to_numpy()
        else:
            frame["age_under_3_months"] = ""
            frame["cns_involvement"] = ""
        if self.reconstructed:
            frame["data_source"] = self.label
        return frame


def ensemble_from_patients(frame: pd.DataFrame, *, label: str) -> Ensemble:
    """A one-cohort ensemble from a validated patient table (see :func:`load_patients`)."""

    def codes(column: str, mapping: dict[str, int]) -> NDArray[np.int8]:
        # np.asarray keeps the int8 array as it is; pandas-stubs type to_numpy(dtype=np.int8) loosely
        return np.asarray(frame[column].map(mapping).to_numpy(dtype=np.int8), dtype=np.int8)[
            None, :
        ]

    return Ensemble(
        ids=tuple(str(i) for i in frame["id"]),
        months=frame["months"].to_numpy(dtype=float)[None, :],
        death=frame["death"].to_numpy(dtype=np.int8)[None, :],
        first_event=codes("first_event", FIRST_EVENT_CODES),
        first_remission=frame["first_remission_months"].to_numpy(dtype=float)[None, :],
        salvage=codes("salvage_remission", SALVAGE_CODES),
        transplant=codes("transplant", TRANSPLANT_CODES),
        transplant_months=pd.to_numeric(frame["transplant_months"], errors="coerce").to_numpy(
            dtype=float
        )[None, :],
        hazard_ratio=np.array([np.nan]),
        label=label,
        reconstructed=False,
        extra=frame[["age_under_3_months", "cns_involvement", "data_source"]].reset_index(
            drop=True
        ),
    )


def concat_ensembles(parts: list[Ensemble]) -> Ensemble:
    """The cohorts of ``parts`` as one ensemble (same patients; the first part's labels)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    return Ensemble(
        first.ids,
        np.concatenate([p.months for p in parts]),
        np.concatenate([p.death for p in parts]),
        np.concatenate([p.first_event for p in parts]),
        np.concatenate([p.first_remission for p in parts]),
        np.concatenate([p.salvage for p in parts]),
        np.concatenate([p.transplant for p in parts]),
        np.concatenate([p.transplant_months for p in parts]),
        np.concatenate([p.hazard_ratio for p in parts]),
        label=first.label,
        reconstructed=first.reconstructed,
        extra=first.extra,
    )

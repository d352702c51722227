r"""The real data sets shipped inside the package; nothing is ever downloaded.

:func:`load_names`, 5,163 first names from the 1990 US Census, for a character-level language
model; :func:`load_co2`, the monthly mean CO2 concentration at Mauna Loa from March 1958 to December
2001, for forecasting. ``rnncourse/datasets/PROVENANCE.md`` gives their sources, licences and the
exact processing.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

# ---------------------------------------------------------------------------------------------
# shipped data sets


def _read_dataset(filename: str) -> str:
    # importlib.resources reads package data from a source tree, a wheel or a zip alike
    return (resources.files("rnncourse") / "datasets" / filename).read_text(encoding="utf-8")


def load_names() -> list[str]:
    r"""5,163 real first names, lower-case ``a``-``z``, most frequent first.

    The 1990 US Census first-name lists (US Census Bureau, public domain), female and male
    interleaved by rank (``mary``, ``james``, ``patricia``, ``john``, ...), each name once. For
    a character-level language model: ``Vocab.build(names, level="char")`` has 26 letters, and
    each name ends with ``<EOS>`` via ``encode(name, add_eos=True)``. Source and processing:
    ``rnncourse/datasets/PROVENANCE.md``.
    """
    return _read_dataset("names.txt").split()


@dataclass(frozen=True)
class CO2Series:
    r"""Monthly mean atmospheric CO2 at Mauna Loa, one row per month, without gaps.

    Attributes:
        year: calendar year of each month, int64.
        month: month 1-12, int64.
        ppm: CO2 mole fraction in dry air, parts per million (Scripps 1999 calibration scale),
            float64.
        filled: ``True`` for the 5 months without any measurement, whose value was interpolated
            (see ``rnncourse/datasets/PROVENANCE.md``), bool.

    Shape: every attribute is :math:`(T,)` with :math:`T = 526` (March 1958 - December 2001).
    """

    year: np.ndarray
    month: np.ndarray
    ppm: np.ndarray
    filled: np.ndarray

    @property
    def time(self) -> np.ndarray:
        r"""Decimal years at the middle of each month.

        .. math:: t = \text{year} + (\text{month} - 0.5) / 12
        """
        return self.year + (self.month - 0.5) / 12


def load_co2() -> CO2Series:
    r"""Monthly mean CO2 at Mauna Loa, March 1958 - December 2001 (526 months), for forecasting.

    .. math:: \text{ppm}_{\text{month}} = \frac{\sum_w d_w\, c_w}{\sum_w d_w}

    over the weekly averages :math:`c_w` dated in that month, each weighted by its number of
    measured days :math:`d_w` (Scripps Institution of Oceanography continuous measurements;
    public domain). Five months have no measurement and are interpolated (``filled``). The
    series rises by about 1.3 ppm a year with a seasonal cycle of period 12 months. Source and
    processing: ``rnncourse/datasets/PROVENANCE.md``.
    """
    header, *rows = _read_dataset("co2_monthly.csv").splitlines()
    columns = dict(
        zip(header.split(","), zip(*(r.split(",") for r in rows), strict=True), strict=True)
    )
    return CO2Series(
        year=np.array(columns["year"], dtype=np.int64),
        month=np.array(columns["month"], dtype=np.int64),
        ppm=np.array(columns["ppm"], dtype=np.float64),
        filled=np.array(columns["filled"], dtype=np.int64).astype(bool),
    )

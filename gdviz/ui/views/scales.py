"""One log scale for the landscape's values, shared by the contour map and the 3-D surface.

``g(f) = log10(max(f − shift, 0) + eps)`` with ``eps`` a millionth of the sampled span, and
``shift`` the sampled minimum (or 0 when that minimum is a sample of f = 0, so that the
colour bar reads "log₁₀ f" rather than "log₁₀(f − 0.0016)").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS_SHARE = 1e-6  # eps as a share of the sampled span
NEAR_ZERO = 1e-3  # a sampled minimum in [0, NEAR_ZERO·span] stands for f = 0: not shifted


@dataclass(frozen=True)
class LogScale:
    shift: float
    eps: float

    @classmethod
    def fit(cls, z: np.ndarray) -> LogScale:
        """The scale for sampled values ``z`` (any shape; NaN allowed)."""
        finite = z[np.isfinite(z)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        span = max(hi - lo, 1e-300)
        shift = 0.0 if 0 <= lo <= NEAR_ZERO * span else lo
        return cls(shift, EPS_SHARE * span)

    def __call__(self, f: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            out: np.ndarray = np.log10(np.maximum(np.asarray(f, dtype=np.float64) - self.shift,
                                                  0.0) + self.eps)
        return out

    @property
    def label(self) -> str:
        """The colour bar's label for values on this scale."""
        if self.shift == 0:
            return "log₁₀ f"
        return f"log₁₀(f {'+' if self.shift < 0 else '−'} {abs(self.shift):.4g})"


def quantile(values: np.ndarray, shares: float | np.ndarray) -> np.ndarray:
    """``np.quantile(values, shares)`` (its default, linear method) over all of ``values``,
    the same numbers bit for bit, without the import of ``numpy.ma`` that np.quantile makes
    on its first call (a hundredth of a second of the window's start-up). NaN if any
    value is NaN."""
    v = np.ravel(values).astype(np.float64)
    pos = np.asarray(shares, dtype=np.float64) * (v.size - 1)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, v.size - 1)
    v.partition(np.concatenate(([0, -1], lo.ravel(), hi.ravel())))
    if np.isnan(v[-1]):
        return np.full(pos.shape, np.nan)
    a, b = v[lo], v[hi]
    t = pos - lo
    diff = b - a
    out: np.ndarray = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
    return out

"""A compact, bounded record of several runs stepped together.

Each kept step is one row of a float64 buffer holding, for every run, its whole
``Snapshot`` packed flat (params, loss, grad, status, stopped_at and the optimizer
state), so any kept step can be restored exactly and the optimizers resumed from it.
When the buffer is full the older half is thinned (every other row dropped, row 0
kept): memory stays bounded on long runs while recent steps stay dense.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from gdviz.core.run import CONVERGED, DIVERGED, RUNNING, Snapshot, squared_norm

Array = npt.NDArray[np.float64]
STATUS_SORTED = tuple(sorted((RUNNING, CONVERGED, DIVERGED)))  # code = index here
_STATUS_ARRAY = np.array(STATUS_SORTED)  # searched by pack (a tuple is converted per call)
MAX_BYTES = 256 * 2**20  # the rows of one timeline stay below this


@dataclass(frozen=True)
class _Field:
    shape: tuple[int, ...]
    is_int: bool
    is_scalar: bool

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1


class _Layout:
    """Where one run's snapshot lives inside a row."""

    def __init__(self, template: Snapshot, offset: int) -> None:
        n, dim = template.params.shape
        self.n, self.dim, self.offset = n, dim, offset
        self.state_type = type(template.state)
        self.state_fields = [
            _Field(np.shape(v), isinstance(v, int | np.integer), np.ndim(v) == 0)
            for v in template.state
        ]
        self.p0, self.l0, self.g0 = offset, offset + n * dim, offset + n * dim + n
        self.s0 = self.g0 + n * dim  # status codes, then stopped_at, then state
        # where each state entry goes in a row, and whether it is one number
        self._state_slots: list[tuple[int, int, bool]] = []
        at = self.s0 + 2 * n
        for f in self.state_fields:
            self._state_slots.append((at, at + f.size, f.is_scalar))
            at += f.size
        self.width = at - offset

    def pack(self, s: Snapshot, row: Array) -> None:
        """``s`` into its place in ``row``, part by part (each converted to float64)."""
        n = self.n
        row[self.p0:self.l0] = s.params.ravel()
        row[self.l0:self.g0] = s.loss
        row[self.g0:self.s0] = s.grad.ravel()
        row[self.s0:self.s0 + n] = np.searchsorted(_STATUS_ARRAY, s.status)
        row[self.s0 + n:self.s0 + 2 * n] = s.stopped_at
        for (lo, hi, scalar), v in zip(self._state_slots, s.state, strict=True):
            if scalar:
                row[lo] = v
            else:
                row[lo:hi] = np.ravel(v)

    def unpack(self, step: int, row: Array) -> Snapshot:
        n, dim = self.n, self.dim
        params = row[self.p0:self.l0].reshape(n, dim).copy()
        loss = row[self.l0:self.g0].copy()
        grad = row[self.g0:self.s0].reshape(n, dim).copy()
        status = np.array(STATUS_SORTED, dtype="<U9")[row[self.s0:self.s0 + n].astype(np.intp)]
        stopped_at = row[self.s0 + n:self.s0 + 2 * n].astype(np.int64)
        values: list[object] = []
        at = self.s0 + 2 * n
        for f in self.state_fields:
            chunk = row[at:at + f.size]
            at += f.size
            if f.is_scalar:
                values.append(int(chunk[0]) if f.is_int else float(chunk[0]))
            else:
                values.append(chunk.reshape(f.shape).copy())
        return Snapshot(step, params, self.state_type(*values), loss, grad, status, stopped_at)



class Timeline:
    """Rows of packed frames (one Snapshot per run): at most ``capacity`` rows and at most
    ``max_bytes`` of rows are kept (a wide row, e.g. an optimizer state with a long
    history or many weights, keeps fewer rows), never fewer than 8."""

    def __init__(self, first: Sequence[Snapshot], capacity: int = 20_000,
                 max_bytes: int = MAX_BYTES) -> None:
        if capacity < 8:
            raise ValueError("a timeline keeps at least 8 rows")
        self._layouts: list[_Layout] = []
        offset = 0
        for s in first:
            self._layouts.append(_Layout(s, offset))
            offset += self._layouts[-1].width
        self.capacity = max(8, min(capacity, max_bytes // max(8 * offset, 1)))
        self._rows = np.empty((min(self.capacity, 256), offset))
        self._steps = np.empty(len(self._rows), dtype=np.int64)
        self._len = 0
        self.append(first)

    def __len__(self) -> int:
        return self._len

    @property
    def runs(self) -> int:
        return len(self._layouts)

    @property
    def steps(self) -> npt.NDArray[np.int64]:
        """The step number of every kept row, increasing (a read-only view)."""
        view = self._steps[:self._len]
        view.flags.writeable = False
        return view

    @property
    def head_step(self) -> int:
        return int(self._steps[self._len - 1])

    def append(self, frame: Sequence[Snapshot]) -> None:
        if len(frame) != self.runs:
            raise ValueError(f"a frame has one snapshot per run ({self.runs})")
        if self._len and frame[0].step <= self.head_step:
            raise ValueError("steps must increase along the timeline")
        if self._len == self.capacity:
            self._thin()
        if self._len == len(self._rows):
            grow = min(2 * len(self._rows), self.capacity)
            self._rows = np.resize(self._rows, (grow, self._rows.shape[1]))
            self._steps = np.resize(self._steps, grow)
        row = self._rows[self._len]
        for layout, s in zip(self._layouts, frame, strict=True):
            layout.pack(s, row)
        self._steps[self._len] = frame[0].step
        self._len += 1

    def _thin(self) -> None:
        """Drop every other row of the older half (row 0 stays)."""
        half = self._len // 2
        keep = np.r_[0, np.arange(2, half, 2), np.arange(half, self._len)]
        k = len(keep)
        self._rows[:k] = self._rows[keep]
        self._steps[:k] = self._steps[keep]
        self._len = k

    def row_of(self, step: int) -> int:
        """The last kept row at or before ``step`` (row 0 for earlier steps)."""
        return max(int(np.searchsorted(self.steps, step, side="right")) - 1, 0)

    def frame(self, row: int) -> list[Snapshot]:
        """The snapshots of every run at a kept row, restored exactly."""
        if not 0 <= row < self._len:
            raise IndexError(f"row {row} outside 0..{self._len - 1}")
        data, step = self._rows[row], int(self._steps[row])
        return [layout.unpack(step, data) for layout in self._layouts]

    def snapshot(self, row: int, run: int) -> Snapshot:
        """One run's snapshot at a kept row."""
        if not 0 <= row < self._len:
            raise IndexError(f"row {row} outside 0..{self._len - 1}")
        return self._layouts[run].unpack(int(self._steps[row]), self._rows[row])

    def truncate(self, row: int) -> None:
        """Forget every row after ``row`` (branching after an edit)."""
        self._len = max(1, min(self._len, row + 1))

    def params(self, run: int, upto: int | None = None) -> Array:
        """Positions of run ``run`` at rows ``0..upto``: shape (rows, n, dim)."""
        lay = self._layouts[run]
        rows = self._rows[: self._len if upto is None else upto + 1]
        return rows[:, lay.p0:lay.l0].reshape(len(rows), lay.n, lay.dim)

    def loss(self, run: int, upto: int | None = None) -> Array:
        """Loss of run ``run`` at rows ``0..upto``: shape (rows, n)."""
        lay = self._layouts[run]
        return self._rows[: self._len if upto is None else upto + 1, lay.l0:lay.g0]

    def grad_norm(self, run: int, upto: int | None = None) -> Array:
        """Gradient norm of run ``run`` at rows ``0..upto``: shape (rows, n)."""
        lay = self._layouts[run]
        rows = self._rows[: self._len if upto is None else upto + 1, lay.g0:lay.s0]
        g = rows.reshape(len(rows), lay.n, lay.dim)
        norm: Array = np.sqrt(squared_norm(g))
        return norm

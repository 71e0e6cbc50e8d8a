"""Optimizers that ask the loss for more than one gradient: L-BFGS and Newton's method.

They are pure ``init``/``update`` pairs like every rule in ``gdviz.core.optimizers``,
but ``update(g, state, params, objective)`` takes the loss itself as a fourth argument:
an ``Objective`` (``gdviz.core.landscapes.Landscape`` is one) that evaluates f and ∇f at
any points, and their Hessians. Their registry entries say ``needs_objective=True``;
``Optimizer.apply`` and the ``Stepper`` pass the landscape to them.

The last axis of ``params`` is the vector being optimized and every leading index is an
independent start: ``(n, dim)`` points are n separate runs (a flat ``(p,)`` weight vector
is one run), so L-BFGS keeps one history per start and n starts give exactly what n
separate ``torch.optim.LBFGS`` runs give.

**L-BFGS** (``build_lbfgs``): one update is one call of ``step(closure)`` of
``torch.optim.LBFGS(lr, max_iter=1, max_eval=25, tolerance_grad, tolerance_change,
history_size, line_search_fn)`` in float64, repeated operation by operation:

* a start whose gradient has max |gᵢ| ≤ ``tolerance_grad`` takes no iteration (torch
  returns before touching its state);
* otherwise ``n_iter`` counts one iteration: the first direction is d = −g; later ones
  first store the pair y = g − g_prev, s = t·d when yᵀs > 1e-10 (dropping the oldest
  past ``history_size``; γ = yᵀs/yᵀy), then d = −H·g by the two-loop recursion;
* the step length is t = min(1, 1/‖g‖₁)·lr on a start's first iteration, lr after;
* a start whose slope along d is gᵀd > −``tolerance_change`` does not move (its state
  still records d and t, as torch's does; at the same point it stays put for good);
* otherwise θ ← θ + t·d, or with ``strong_wolfe`` torch's ``_strong_wolfe`` line search
  from that t (c₁ = 1e-4, c₂ = 0.9, its own tolerance_change of 1e-9 as torch calls it,
  at most 24 more evaluations: max_eval − 1), evaluating the objective at θ + t·d as
  torch's closure does, then θ ← θ + t·d with the t it found.

torch's other stops (no progress, max_eval) come after ``max_iter`` and never act with
one iteration per call. The line search runs for all starts at once: each round
evaluates the objective once for every start still searching (the starts are at
different stages of torch's state machine, each masked by its own flags); there is no
Python loop over starts. Its f at θ is one more evaluation of the objective (the
gradient there is the g the update is fed). The two-loop recursion loops over the
history slots, vectorized over starts: an update costs O(n·history·dim), and the state
holds two ``(n, history_size, dim)`` arrays (the window's timeline keeps one state per
kept step). A start the Stepper has stopped keeps its d and prev_flat_grad (the arrays
shaped like the points); its counts and pairs go on being updated, unused.

Rounding, to the bit where it can be matched:

* torch computes ``x.add_(y, alpha=a)`` as one fused multiply-add, x + a·y rounded once;
  ``_fma`` reproduces that rounding exactly (a Dekker product, a TwoSum and a sum
  rounded to odd: Boldo & Melquiond's emulation) as long as nothing overflows;
* where torch holds a step length in a tensor, ``3·(f1 − f2) / (x1 − x2)`` is a float
  divided by a tensor, which torch computes as ``reciprocal() * float``; the line
  search tracks which step lengths are tensors and divides the same way;
* dot products of 2-D vectors are summed in order, as torch's BLAS does for them;
* torch's CPU ``sqrt`` (MKL's) is not correctly rounded: in about 1 call in 120 it is an
  ulp away from numpy's. Only the line search's cubic interpolation takes a square root,
  so fixed-step runs are torch's bit for bit and strong-Wolfe runs can differ by an ulp
  in a trial step, which a chaotic run then amplifies.

**Newton** (``build_newton``): θ ← θ − η·(H + λI)⁻¹·g with H the objective's Hessian
(a teaching reference, not in torch). Where H + λI is exactly singular the step is NaN
and the Stepper marks the start diverged: Newton's step is undefined there (the other
starts of the batch are solved on their own and go on). It jumps to
the stationary point of the local quadratic model, whatever its kind: to the minimum of
a convex quadratic in one step, and just as surely to a saddle point.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from gdviz.core.hyper import Hyper, Value
from gdviz.core.schedules import Schedule

Array = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
_Kinds = tuple[Bools, Bools, Bools, Bools]
InitFn = Callable[[Array], Any]
ObjectiveUpdateFn = Callable[[Array, Any, Array, "Objective"], tuple[Array, Any]]


class Objective(Protocol):
    """What second-order optimizers ask of the loss; ``Landscape`` implements it."""

    def value_and_grad(self, p: Array) -> tuple[Array, Array]:
        """f ``(...)`` and ∇f ``(..., dim)`` at points ``(..., dim)``."""
        ...

    def hessian(self, p: Array) -> Array:
        """∇²f ``(..., dim, dim)`` at points ``(..., dim)``."""
        ...


# --------------------------------------------------------------------------------------
# hyperparameters
# --------------------------------------------------------------------------------------

HISTORY_SIZE = Hyper("history_size", 100, 1, 1000,
                     "how many curvature pairs (s, y) L-BFGS keeps (torch's history_size)",
                     kind="int")
TOLERANCE_GRAD = Hyper("tolerance_grad", 1e-7, 0.0, 1e3,
                       "stop (stay put) where every |gᵢ| ≤ this: the first-order optimum")
TOLERANCE_CHANGE = Hyper("tolerance_change", 1e-9, 0.0, 1e3,
                         "stop (stay put) where the slope along the direction, gᵀd, "
                         "is above −this")
STRONG_WOLFE = Hyper("strong_wolfe", False, 0, 1,
                     "line_search_fn='strong_wolfe': search along d for a step meeting the "
                     "strong Wolfe conditions (up to 24 more evaluations); off: step t = lr",
                     kind="bool")
DAMPING = Hyper("damping", 0.0, 0.0, 1e3,
                "λ ≥ 0 added to the Hessian's diagonal: large λ turns Newton's step into "
                "a gradient step of size η/λ")

# torch.optim.LBFGS's fixed numbers for one iteration per call
MAX_EVAL = 25  # evaluations per call: the closure's one and up to 24 in the line search
CURVATURE_MIN = 1e-10  # a pair is kept only when yᵀs exceeds this
WOLFE_C1, WOLFE_C2 = 1e-4, 0.9
WOLFE_TOLERANCE_CHANGE = 1e-9  # torch calls _strong_wolfe without its own tolerance


# --------------------------------------------------------------------------------------
# states
# --------------------------------------------------------------------------------------


class LBFGSState(NamedTuple):
    """torch's LBFGS state per start. Counts are stored as floats (exact integers) so the
    state packs into the timeline like every other; ``N`` is the number of starts."""

    step: int  # update calls so far
    n_iter: Array  # (N,) iterations taken (a call at an optimum takes none)
    func_evals: Array  # (N,) objective evaluations, as torch counts them
    d: Array  # params' shape: the search direction of the last iteration
    t: Array  # (N,) its step length (the line search's, with strong_wolfe)
    prev_flat_grad: Array  # params' shape: the gradient that iteration started from
    h_diag: Array  # (N,) γ = yᵀs/yᵀy of the newest pair: the initial inverse Hessian γI
    old_dirs: Array  # (N, history_size, dim): the kept y = g − g_prev, oldest first
    old_stps: Array  # (N, history_size, dim): the kept s = t·d, oldest first
    pairs: Array  # (N,) pairs kept

    @property
    def velocity(self) -> Array:
        """−d: the quasi-Newton direction as a gradient-like vector, so that the points
        move along −velocity = d, the way ``probe.velocity`` draws memory."""
        return -self.d


class NewtonState(NamedTuple):
    step: int
    newton_step: Array  # params' shape: Δ = (H + λI)⁻¹·g of the last update (θ −= η·Δ)


# --------------------------------------------------------------------------------------
# torch's arithmetic
# --------------------------------------------------------------------------------------

_SPLIT = 134217729.0  # 2²⁷ + 1: Veltkamp's splitting constant for binary64


def _fma(a: Array, b: Array, c: Array) -> Array:
    """a·b + c rounded once, like a fused multiply-add (what torch's ``add_`` with
    ``alpha`` computes on the CPU), for broadcastable arrays. Boldo & Melquiond's
    emulation: the exact product p + e (Dekker), the exact sum s + t of c and p
    (TwoSum), t + e rounded to odd, then s + that rounded to nearest. Where the
    splitting overflows (|a| or |b| beyond ~2⁹⁹⁵) or the result is not finite, the plain
    a·b + c (two roundings) is returned instead."""
    p = a * b
    ca = a * _SPLIT
    ah = ca - (ca - a)
    al = a - ah
    cb = b * _SPLIT
    bh = cb - (cb - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # a·b = p + e exactly
    s = c + p
    z = s - c
    t = (c - (s - z)) + (p - z)  # c + p = s + t exactly
    v = t + e
    z = v - t
    r = (t - (v - z)) + (e - z)  # t + e = v + r exactly
    inexact_even = (r != 0) & ((np.asarray(v).view(np.int64) & 1) == 0)
    if inexact_even.any():  # round to odd: the odd neighbour on r's side
        v = np.where(inexact_even, np.nextafter(v, np.copysign(np.inf, r)), v)
    out: Array = s + v
    finite = np.isfinite(out)
    if not finite.all():
        out = np.where(finite, out, p + c)
    return out


def _axpy(x: Array, alpha: Array, y: Array) -> Array:
    """torch's ``x.add(y, alpha=alpha)`` for rows: x + alpha·y with one rounding;
    ``alpha`` has one value per row."""
    return _fma(y, alpha[..., None], x)


def _dot(a: Array, b: Array) -> Array:
    """Row-wise aᵀb over the last axis. Short vectors (points) are summed as torch's
    ``dot`` sums them: the even and the odd coordinates' products separately, then the
    two sums ((a₀b₀ + a₂b₂) + a₁b₁ in 3-D); long ones (a flat weight vector) by
    ``einsum``."""
    if a.shape[-1] > 4:
        long: Array = np.einsum("...i,...i->...", a, b)
        return long
    terms = a * b
    even = terms[..., 0]
    for i in range(2, a.shape[-1], 2):
        even = even + terms[..., i]
    if a.shape[-1] == 1:
        return even
    odd = terms[..., 1]
    for i in range(3, a.shape[-1], 2):
        odd = odd + terms[..., i]
    out: Array = even + odd
    return out


def _first_max(a: Array, b: Array) -> Array:
    """Python's ``max(a, b)``: b only where b > a (NaN keeps a)."""
    return np.where(b > a, b, a)


def _first_min(a: Array, b: Array) -> Array:
    """Python's ``min(a, b)``: b only where b < a."""
    return np.where(b < a, b, a)


def _cubic_interpolate(x1: Array, f1: Array, g1: Array, x2: Array, f2: Array, g2: Array,
                       lo: Array, hi: Array, kind: _Kinds) -> tuple[Array, Bools]:
    """torch's ``_cubic_interpolate`` with bounds (lo, hi), row by row: the minimiser of
    the cubic through (x1, f1, g1) and (x2, f2, g2) clipped to the bounds, or the middle
    of the bounds where the cubic has no real minimiser; and whether torch holds the
    result in a tensor. ``kind`` says which of x1, x2, lo, hi torch holds in tensors."""
    x1_t, x2_t, lo_t, hi_t = kind
    # 3·(f1 − f2) is a Python float; float / tensor is tensor.reciprocal() * float
    slope = 3 * (f1 - f2)
    gap = x1 - x2
    d1 = g1 + g2 - np.where(x1_t | x2_t, (1.0 / gap) * slope, slope / gap)
    d2_square = d1 * d1 - g1 * g2  # torch's d1**2 is d1·d1
    real = d2_square >= 0
    d2 = np.sqrt(np.where(real, d2_square, 0.0))
    min_pos = np.where(x1 <= x2,
                       x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)),
                       x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2)))
    raised = lo > min_pos  # max(min_pos, lo): lo only where lo > min_pos
    above = np.where(raised, lo, min_pos)
    capped = hi < above  # min(…, hi)
    value = np.where(real, np.where(capped, hi, above), (lo + hi) / 2.0)
    tensor = np.where(real, np.where(capped, hi_t, np.where(raised, lo_t, True)), lo_t | hi_t)
    return value, tensor


def _strong_wolfe(objective: Objective, x: Array, t: Array, t_tensor: Bools, d: Array,
                  f: Array, g: Array, gtd: Array, max_ls: int) -> tuple[Array, Array]:
    """torch's ``_strong_wolfe`` for m starts at once: rows x ``(m, dim)`` along d from
    step t, with f, g, gtd = gᵀd at x; ``t_tensor`` says where torch holds t in a tensor
    (which decides how it divides, see ``_cubic_interpolate``). Returns the step lengths
    ``(m,)`` and the evaluations each search made ``(m,)``.

    Each row walks torch's code path: bracketing (phase 0), then zoom (phase 1), then
    done (phase 2). A round takes every unfinished row to its next evaluation and
    evaluates them all in one call of the objective."""
    m = len(x)
    rows = np.arange(m)
    c1, c2, tol = WOLFE_C1, WOLFE_C2, WOLFE_TOLERANCE_CHANGE
    d_norm = np.max(np.abs(d), axis=1)
    curvature = -c2 * gtd
    no = np.zeros(m, dtype=bool)

    def evaluate(at: npt.NDArray[np.intp], step: Array) -> tuple[Array, Array]:
        # _directional_evaluate: the point x + t·d as _add_grad forms it, then the closure
        point = _axpy(x[at], step, d[at])
        value, grad = objective.value_and_grad(point)
        return np.asarray(value, dtype=np.float64), np.asarray(grad, dtype=np.float64)

    f_new, g_new = evaluate(rows, t)
    gtd_new = _dot(g_new, d)
    evals = np.ones(m)
    ls_iter = np.zeros(m, dtype=np.int64)
    t, t_t = t.copy(), t_tensor.copy()
    t_prev, f_prev, g_prev, gtd_prev = np.zeros(m), f.copy(), g.copy(), gtd.copy()
    tp_t = no.copy()  # t_prev = 0, a Python int
    phase = np.zeros(m, dtype=np.int8)
    done, insuf = no.copy(), no.copy()
    low = np.zeros(m, dtype=np.intp)
    bt, bf, bgtd = np.zeros((m, 2)), np.zeros((m, 2)), np.zeros((m, 2))
    bg = np.zeros((m, 2, x.shape[1]))
    bt_t = np.zeros((m, 2), dtype=bool)

    def set_end(at: Bools | npt.NDArray[np.intp], pos: int | npt.NDArray[np.intp],
                step: Array, tensor: Bools, value: Array, grad: Array, slope: Array) -> None:
        """bracket[pos] = step (and bracket_f, _g, _gtd) for rows ``at``."""
        bt[at, pos], bt_t[at, pos], bf[at, pos] = step, tensor, value
        bg[at, pos], bgtd[at, pos] = grad, slope

    while True:
        # ---- bracketing: the checks at the top of torch's first loop
        extrapolate = no
        bracketing = phase == 0
        if bracketing.any():
            out = bracketing & (ls_iter >= max_ls)
            live = bracketing & ~out
            armijo = live & ((f_new > f + c1 * t * gtd) | ((ls_iter > 1) & (f_new >= f_prev)))
            wolfe = live & ~armijo & (np.abs(gtd_new) <= curvature)
            uphill = live & ~armijo & ~wolfe & (gtd_new >= 0)
            for at, first, second in (
                    (armijo | uphill,  # bracket = [t_prev, t]
                     (t_prev, tp_t, f_prev, g_prev, gtd_prev), (t, t_t, f_new, g_new, gtd_new)),
                    (wolfe,  # bracket = [t]: both ends the same point
                     (t, t_t, f_new, g_new, gtd_new), (t, t_t, f_new, g_new, gtd_new)),
                    (out,  # max_ls reached: bracket = [0, t]
                     (np.zeros(m), no, f, g, gtd), (t, t_t, f_new, g_new, gtd_new))):
                if at.any():
                    set_end(at, 0, *(v[at] for v in first))
                    set_end(at, 1, *(v[at] for v in second))
            done |= wolfe
            entering = live & (armijo | wolfe | uphill) | out
            low[entering] = np.where(bf[entering, 0] <= bf[entering, 1], 0, 1)
            insuf[entering] = False
            phase[entering] = 1
            extrapolate = live & ~entering
            if extrapolate.any():
                e = extrapolate
                te, tpe, te_t, tpe_t = t[e], t_prev[e], t_t[e], tp_t[e]
                t_next, next_t = _cubic_interpolate(
                    tpe, f_prev[e], gtd_prev[e], te, f_new[e], gtd_new[e],
                    te + 0.01 * (te - tpe), te * 10, (tpe_t, te_t, te_t | tpe_t, te_t))
                t_prev[e], tp_t[e], f_prev[e], g_prev[e], gtd_prev[e] = (
                    te, te_t, f_new[e], g_new[e], gtd_new[e])
                t[e], t_t[e] = t_next, next_t
        # ---- zoom: the checks at the top of torch's second loop, then the new trial t
        zoom = no
        zooming = phase == 1
        if zooming.any():
            narrow = np.abs(bt[:, 1] - bt[:, 0]) * d_norm < tol
            stop = zooming & (done | (ls_iter >= max_ls) | narrow)
            phase[stop] = 2
            zoom = zooming & ~stop
            if zoom.any():
                b0, b1, b0_t, b1_t = bt[zoom, 0], bt[zoom, 1], bt_t[zoom, 0], bt_t[zoom, 1]
                ordered = b0 <= b1
                trial, trial_t = _cubic_interpolate(
                    b0, bf[zoom, 0], bgtd[zoom, 0], b1, bf[zoom, 1], bgtd[zoom, 1],
                    np.where(ordered, b0, b1), np.where(ordered, b1, b0),
                    (b0_t, b1_t, np.where(ordered, b0_t, b1_t), np.where(ordered, b1_t, b0_t)))
                top, top_t = _first_max(b0, b1), np.where(b1 > b0, b1_t, b0_t)
                bottom, bottom_t = _first_min(b0, b1), np.where(b1 < b0, b1_t, b0_t)
                eps = 0.1 * (top - bottom)
                near = _first_min(top - trial, trial - bottom) < eps
                edge = insuf[zoom] | (trial >= top) | (trial <= bottom)
                jump = near & edge  # 0.1 of the bracket away from its nearer end
                moved = np.where(np.abs(trial - top) < np.abs(trial - bottom),
                                 top - eps, bottom + eps)
                t[zoom] = np.where(jump, moved, trial)
                t_t[zoom] = np.where(jump, top_t | bottom_t, trial_t)
                insuf[zoom] = near & ~edge
        need = extrapolate | zoom
        if not need.any():
            break
        at = np.flatnonzero(need)
        f_new[at], g_new[at] = evaluate(at, t[at])
        gtd_new[at] = _dot(g_new[at], d[at])
        evals[at] += 1
        ls_iter[at] += 1
        if zoom.any():  # torch's bracket update after a zoom evaluation
            zr = np.flatnonzero(zoom)
            lo, hi = low[zr], 1 - low[zr]
            worse = (f_new[zr] > f[zr] + c1 * t[zr] * gtd[zr]) | (f_new[zr] >= bf[zr, lo])
            wr = zr[worse]  # the new point replaces the high end
            set_end(wr, hi[worse], t[wr], t_t[wr], f_new[wr], g_new[wr], gtd_new[wr])
            low[wr] = np.where(bf[wr, 0] <= bf[wr, 1], 0, 1)
            br, bl, bh = zr[~worse], lo[~worse], hi[~worse]  # it becomes the low end
            met = np.abs(gtd_new[br]) <= curvature[br]
            done[br[met]] = True
            flip = ~met & (gtd_new[br] * (bt[br, bh] - bt[br, bl]) >= 0)
            fr, fl, fh = br[flip], bl[flip], bh[flip]  # the old low becomes the high end
            set_end(fr, fh, bt[fr, fl], bt_t[fr, fl], bf[fr, fl], bg[fr, fl], bgtd[fr, fl])
            set_end(br, bl, t[br], t_t[br], f_new[br], g_new[br], gtd_new[br])
    return bt[rows, low], evals


# --------------------------------------------------------------------------------------
# update rules
# --------------------------------------------------------------------------------------


def _as_rows(a: Array) -> Array:
    """``a`` viewed as (starts, dim): every leading index is a start (a flat vector is
    one start)."""
    return a.reshape(-1, a.shape[-1]) if a.ndim else a.reshape(1, 1)


def build_lbfgs(h: Mapping[str, Value], lr: Schedule) -> tuple[InitFn, ObjectiveUpdateFn]:
    """torch.optim.LBFGS with max_iter=1, max_eval=25: one call of ``step`` per update,
    independently for every start (see the module's notes)."""
    size = int(h["history_size"])
    tol_grad, tol_change = float(h["tolerance_grad"]), float(h["tolerance_change"])
    line_search = bool(h["strong_wolfe"])

    def init(p: Array) -> LBFGSState:
        n, dim = _as_rows(p).shape
        return LBFGSState(0, np.zeros(n), np.zeros(n), np.zeros_like(p, dtype=np.float64),
                          np.zeros(n), np.zeros_like(p, dtype=np.float64), np.ones(n),
                          np.zeros((n, size, dim)), np.zeros((n, size, dim)), np.zeros(n))

    def update(g: Array, s: LBFGSState, p: Array,
               objective: Objective) -> tuple[Array, LBFGSState]:
        with np.errstate(all="ignore"):  # rows outside a mask may hold inf/NaN scratch
            return _step(g, s, p, objective)

    def _step(g: Array, s: LBFGSState, p: Array,
              objective: Objective) -> tuple[Array, LBFGSState]:
        step = s.step + 1
        rate = lr(step)
        x, grad = _as_rows(p), _as_rows(g)
        d_old, prev_old = _as_rows(s.d), _as_rows(s.prev_flat_grad)
        func_evals = s.func_evals + 1.0  # the closure at x
        go = ~(np.max(np.abs(grad), axis=1) <= tol_grad)  # torch returns where it holds
        n_iter = s.n_iter + go
        first = go & (n_iter == 1)
        later = go & (n_iter > 1)
        pairs = np.where(first, 0.0, s.pairs)
        h_diag = np.where(first, 1.0, s.h_diag)
        old_dirs, old_stps = s.old_dirs.copy(), s.old_stps.copy()  # the new state's own

        # the newest curvature pair, kept when yᵀs > 1e-10
        y = grad - prev_old
        s_new = d_old * s.t[:, None]
        ys = _dot(y, s_new)
        keep = later & (ys > CURVATURE_MIN)
        if keep.any():
            full = keep & (pairs == size)
            if full.any():  # drop the oldest pair
                old_dirs[full, :-1] = s.old_dirs[full, 1:]
                old_stps[full, :-1] = s.old_stps[full, 1:]
            rows = np.flatnonzero(keep)
            slot = np.minimum(pairs[rows], size - 1).astype(np.intp)
            old_dirs[rows, slot] = y[rows]
            old_stps[rows, slot] = s_new[rows]
            pairs = np.where(keep & ~full, pairs + 1, pairs)
            h_diag = np.where(keep, ys / _dot(y, y), h_diag)

        # d = −H·g by the two-loop recursion (each start over its own pairs)
        d = np.where(first[:, None], -grad, d_old)
        if later.any():
            slots = int(pairs[later].max())
            held = pairs[:, None] > np.arange(slots)  # (N, slots): slot i in use
            ro = 1.0 / _dot(old_dirs[:, :slots], old_stps[:, :slots])
            al = np.zeros((len(x), slots))
            q = -grad
            use = later[:, None] & held
            every = use.all(axis=0)  # slots every start uses: no masking needed
            for i in range(slots - 1, -1, -1):
                al[:, i] = _dot(old_stps[:, i], q) * ro[:, i]
                step_q = _axpy(q, -al[:, i], old_dirs[:, i])
                q = step_q if every[i] else np.where(use[:, i, None], step_q, q)
            r = q * h_diag[:, None]
            for i in range(slots):
                be_i = _dot(old_dirs[:, i], r) * ro[:, i]
                step_r = _axpy(r, al[:, i] - be_i, old_stps[:, i])
                r = step_r if every[i] else np.where(use[:, i, None], step_r, r)
            d = np.where(later[:, None], r, d)

        prev_flat_grad = np.where(go[:, None], grad, prev_old)
        inv_l1 = 1.0 / np.sum(np.abs(grad), axis=1)
        shrunk = first & (inv_l1 < 1.0)  # min(1.0, 1/‖g‖₁) picks the tensor
        t = np.where(shrunk, inv_l1, 1.0) * rate
        t = np.where(first, t, rate)
        t = np.where(go, t, s.t)
        gtd = _dot(grad, d)
        move = go & ~(gtd > -tol_change)

        new_x = x.copy()
        if move.any():
            at = np.flatnonzero(move)
            if line_search:
                f = np.asarray(objective.value_and_grad(x[at])[0], dtype=np.float64)
                t[at], evals = _strong_wolfe(objective, x[at], t[at], shrunk[at], d[at], f,
                                             grad[at], gtd[at], MAX_EVAL - 1)
                func_evals[at] += evals
            new_x[at] = _axpy(x[at], t[at], d[at])
        state = LBFGSState(step, n_iter, func_evals, d.reshape(p.shape), t,
                           prev_flat_grad.reshape(p.shape), h_diag, old_dirs, old_stps, pairs)
        return new_x.reshape(p.shape), state

    return init, update


def _solve(a: Array, b: Array) -> Array:
    """x with a·x = b for stacks ``a (..., k, k)``, ``b (..., k)``; NaN for exactly
    singular systems (each on its own: one singular start spoils no other)."""
    try:
        x: Array = np.linalg.solve(a, b[..., None])[..., 0].astype(np.float64, copy=False)
        return x
    except np.linalg.LinAlgError:
        pass
    flat_a, flat_b = a.reshape(-1, *a.shape[-2:]), b.reshape(-1, b.shape[-1])
    out = np.full(flat_b.shape, np.nan)
    for i in range(len(flat_a)):
        try:
            out[i] = np.linalg.solve(flat_a[i], flat_b[i])
        except np.linalg.LinAlgError:
            pass
    return out.reshape(b.shape)


def build_newton(h: Mapping[str, Value], lr: Schedule) -> tuple[InitFn, ObjectiveUpdateFn]:
    """Newton's method: θ ← θ − η·(H + λI)⁻¹·g, H = the objective's Hessian at θ."""
    damping = float(h["damping"])
    if damping < 0:
        raise ValueError("damping must be ≥ 0")

    def init(p: Array) -> NewtonState:
        return NewtonState(0, np.zeros_like(p, dtype=np.float64))

    def update(g: Array, s: NewtonState, p: Array,
               objective: Objective) -> tuple[Array, NewtonState]:
        t = s.step + 1
        hess = np.array(objective.hessian(p), dtype=np.float64)  # a copy: shifted below
        if damping:
            hess += damping * np.eye(hess.shape[-1])
        with np.errstate(all="ignore"):
            delta = _solve(hess, g)
        step = delta * lr(t)
        return np.subtract(p, step, out=step), NewtonState(t, delta)

    return init, update

"""One log scale for the map and the surface."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core import probe
from gdviz.core.landscapes import get_landscape
from gdviz.ui.views.scales import LogScale, quantile
from gdviz.ui.views.surface import SurfaceScale


def test_the_map_and_the_surface_share_the_log_mapping():
    land = get_landscape("six_hump_camel")  # a negative minimum: the scale shifts
    _, _, z = probe.grid(land, land.domain, 101)
    scale = LogScale.fit(z)
    assert scale.shift == np.nanmin(z) and scale.label.startswith("log₁₀(f + ")
    surface = SurfaceScale.fit(land.domain, z, log=True)
    assert surface.log == scale
    np.testing.assert_array_equal(surface.g(z), scale(z))
    assert np.isfinite(scale(z)).all()


def test_a_sampled_zero_minimum_is_not_shifted():
    z = np.array([0.0, 1e-5, 3.0, 10.0])
    scale = LogScale.fit(z)
    assert scale.shift == 0 and scale.label == "log₁₀ f"
    assert scale(z)[0] == np.log10(1e-6 * 10.0)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.floats(-1e12, 1e12), min_size=1, max_size=60),
       shares=st.lists(st.floats(0, 1), min_size=1, max_size=4))
def test_quantile_is_numpys_to_the_last_bit(values, shares):
    v = np.array(values)
    np.testing.assert_array_equal(quantile(v, np.array(shares)), np.quantile(v, shares))
    assert quantile(v, shares[0]) == np.quantile(v, shares[0])
    assert v.tolist() == values  # the caller's values are left as they were


def test_quantile_of_values_with_a_nan_is_nan():
    assert np.isnan(quantile(np.array([[1.0, np.nan], [3.0, 4.0]]), 0.5))
    assert np.isnan(quantile(np.array([1.0, np.nan, 3.0]), np.array([0.1, 0.9]))).all()

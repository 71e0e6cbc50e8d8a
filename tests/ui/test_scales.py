"""One log scale for the map and the surface."""

import numpy as np

from gdviz.core import probe
from gdviz.core.landscapes import get_landscape
from gdviz.ui.views.scales import LogScale
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

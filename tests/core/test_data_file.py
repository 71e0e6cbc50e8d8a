"""Data landscapes on samples of one's own: ``with_data``, ``landscape_for``, the CSV
file of a race (``RaceSpec.data``, ``data_file.file_landscape``).

The landscape on given samples scores θ exactly as the generated one does on the same
samples; its minimum is numpy's least squares (or a zero-gradient logistic fit) and lies
in its view; a file that fits another landscape, or is not a dataset, is refused with a
message naming the file (and the line); any small CSV text gives a landscape or a
ValueError, never another exception.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import gdviz
from gdviz.core.data_file import file_landscape
from gdviz.core.datasets import DatasetError, load_csv
from gdviz.core.landscapes import get_landscape
from gdviz.core.landscapes_data import DataLandscape, landscape_for
from gdviz.core.network import NetworkSpec
from gdviz.core.race import RaceSpec, RunSpec, run_race
from tests.core.test_datasets import csv_texts
from tests.core.test_landscapes_data import DATA, by_hand, central_grad, points_in_view

LINE_CSV = "x,y\n0,1.5\n1,2.9\n2,5.2\n3,7.1\n4,8.8\n5,11.3\n"
ONE_CSV = "x,label\n0,no\n0.5,no\n1,yes\n1.5,no\n2,yes\n2.5,yes\n3,no\n3.5,yes\n"
PLANE_CSV = ("x1,x2,label\n0,0,0\n1,0.5,0\n0.5,1,1\n2,1,1\n1.5,2,0\n2.5,2,1\n0.2,1.4,0\n"
             "1.8,0.2,1\n")
BY_HEADER = {LINE_CSV: "linear_regression", ONE_CSV: "logistic_regression",
             PLANE_CSV: "logistic_regression2"}


def on_file(text: str, name: str | None = None) -> DataLandscape:
    data = load_csv(text)
    return get_landscape(name or landscape_for(data)).with_data(data, "pts.csv")


@pytest.fixture
def csv_file(tmp_path: Path):
    def write(text: str, name: str = "pts.csv") -> str:
        path = tmp_path / name
        path.write_text(text)
        return str(path)
    return write


# ---- the landscape on given samples ------------------------------------------------------


@pytest.mark.parametrize("text", BY_HEADER)
def test_the_header_picks_the_landscape_and_values_are_the_mean_loss(text):
    land = on_file(text)
    assert land.name == BY_HEADER[text] and land.params == {} and land.group == "data"
    assert "pts.csv" in land.title and "pts.csv" in land.description
    assert land.n_samples == len(text.strip().splitlines()) - 1
    pts = points_in_view(land, 8)
    np.testing.assert_allclose(land.value(pts), [by_hand(land, p) for p in pts], rtol=1e-12)
    np.testing.assert_allclose(land.grad(pts), central_grad(land.value, pts), rtol=1e-6,
                               atol=1e-7)
    np.testing.assert_allclose(land.hessian(pts), np.stack(
        [central_grad(lambda q, j=j: land.grad(q)[..., j], pts) for j in range(land.dim)],
        axis=-2), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", DATA)
def test_given_the_generated_samples_it_is_the_generated_landscape(name):
    generated = get_landscape(name).with_params(n_samples=30, data_seed=3)
    given_ = generated.with_data(generated.data(), "copy")
    pts = points_in_view(generated, 50)
    for a, b in zip(given_.value_and_grad(pts), generated.value_and_grad(pts), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(given_.minima, generated.minima)
    np.testing.assert_array_equal(given_.hessian(pts), generated.hessian(pts))


def test_the_minimum_is_numpys_least_squares_and_in_view():
    land = on_file(LINE_CSV)
    data = land.data()
    A = np.column_stack((data.X, np.ones(data.n_samples)))
    np.testing.assert_allclose(land.minima, [np.linalg.lstsq(A, data.y[:, 0])[0]],
                               rtol=1e-12)
    assert np.abs(land.grad(land.minima)).max() < 1e-12


@pytest.mark.parametrize("text", [
    "x,y\n1,1000\n2,2010\n3,2990\n4,4005\n",  # w ≈ 1000: the view grows about it
    "x,y\n1000,-5000\n2000,-5100\n3000,-4900\n",  # b ≈ −5000
    "x,y\n-1,0.1\n1,-0.2\n0,0\n",
])
def test_far_minima_and_the_start_are_inside_the_view(text):
    land = on_file(text)
    lo, hi = np.array(land.domain).T
    assert np.all((lo < land.minima) & (land.minima < hi))
    assert np.all((lo < land.start) & (land.start < hi))
    assert np.all(hi - lo >= 6.0)  # never narrower than the generated landscape's view


def test_a_logistic_minimum_and_labels_kept_as_loaded():
    land = on_file(ONE_CSV)
    data = land.data()
    assert data.class_names == ("no", "yes") and set(data.y) == {0, 1}
    assert land.minima.shape == (1, 2) and np.abs(land.grad(land.minima)).max() < 1e-12
    separable = on_file("x,label\n0,0\n1,0\n2,1\n3,1\n")
    assert separable.minima.shape == (0, 2) and "no finite minimum" in separable.description


def test_every_parameter_is_refused():
    land = on_file(LINE_CSV)
    for key in ("noise", "n_samples", "slope", "anything"):
        with pytest.raises(ValueError, match=f"no parameter '{key}'; valid parameters: none"):
            land.with_params(**{key: 1.0})


@pytest.mark.parametrize(("text", "name", "message"), [
    (LINE_CSV, "logistic_regression", "pts.csv: logistic_regression takes a file with the "
                                      "header x,label, not x,y; x,y fits linear_regression"),
    (ONE_CSV, "linear_regression", "takes a file with the header x,y, not x,label; x,label "
                                   "fits logistic_regression"),
    (PLANE_CSV, "logistic_regression", "header x,label, not x1,x2,label; x1,x2,label fits "
                                       "logistic_regression2"),
    ("x1,x2,label\n0,0,a\n1,1,b\n2,2,c\n", "logistic_regression2",
     "separates exactly 2 classes, the file has 3: a, b, c"),
    ("x,y\n" + "".join(f"{i},{i}\n" for i in range(1001)), "linear_regression",
     "at most 1000 samples"),
    ("x,y\n0,1\n1,1e200\n", "linear_regression", "a number beyond"),
])
def test_data_that_do_not_fit_are_refused_saying_which_header_fits(text, name, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        on_file(text, name)


def test_equal_features_leave_a_valley_without_one_minimum():
    land = on_file("x,y\n2,1\n2,3\n2,2\n")
    assert land.minima.shape == (0, 2)
    assert np.isfinite(land.value(points_in_view(land, 5))).all()


def test_sgd_with_a_batch_of_all_samples_is_gd_bit_for_bit():
    land = on_file(LINE_CSV)
    gd = gdviz.run(land, "gd", steps=80, lr=0.02)
    sgd = gdviz.run(land, "sgd", steps=80, seed=5, lr=0.02, batch_size=land.n_samples)
    np.testing.assert_array_equal(sgd.params, gd.params)
    batches = gdviz.run(land, "sgd", steps=80, lr=0.02, batch_size=2)
    assert not np.array_equal(batches.params, gd.params)


# ---- a race's file ---------------------------------------------------------------------------


def test_a_race_on_a_file_reads_it_once_per_version(csv_file, monkeypatch, tmp_path):
    path = csv_file(LINE_CSV)
    monkeypatch.chdir(tmp_path)
    spec = RaceSpec("linear_regression", runs=(RunSpec("gd"),), data="pts.csv")
    assert spec.data == path == os.path.abspath("pts.csv")
    land = spec.build_landscape()
    assert spec.build_landscape() is land and spec.build_objective() is land
    same = RaceSpec("linear_regression", runs=(RunSpec("gd"),), data=path)
    assert same == spec and hash(same) == hash(spec)
    assert spec != RaceSpec("linear_regression", runs=(RunSpec("gd"),))
    assert spec != RaceSpec("linear_regression", runs=(RunSpec("gd"),), data=csv_file(
        LINE_CSV, "other.csv"))
    Path(path).write_text(LINE_CSV + "6,13\n")
    os.utime(path, ns=(1, 1))  # a new version, whatever the clock's resolution
    assert spec.build_landscape().n_samples == 7
    trajs = run_race(spec)
    assert trajs[0].params.shape == (201, 1, 2)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"landscape": "rosenbrock"}, "a CSV file of samples applies to linear_regression, "
                                  "logistic_regression, logistic_regression2, not 'rosenbrock'"),
    ({"params": {"noise": 1.0}}, "has no parameters"),
    ({"expr": "x^2 + y^2"}, "not for a network or a typed formula"),
    ({"network": NetworkSpec()}, "not for a network or a typed formula"),
    ({"landscape": "logistic_regression"}, "takes a file with the header x,label, not x,y"),
])
def test_a_race_refuses_a_file_where_it_does_not_apply(csv_file, kwargs, message):
    args = {"landscape": "linear_regression", "data": csv_file(LINE_CSV), **kwargs}
    with pytest.raises(ValueError, match=message):
        RaceSpec(**args)


@pytest.mark.parametrize(("text", "message"), [
    ("x,y\n1,2\n3,four\n", r"bad\.csv: line 3: y = 'four' is not a number"),
    ("a,b\n1,2\n", r"bad\.csv: line 1: header missing"),
    ("x,y\n1,2\n", r"bad\.csv: line 1: a dataset needs at least 2 data rows"),
])
def test_a_bad_file_is_named_with_its_line(csv_file, text, message):
    path = csv_file(text, "bad.csv")
    with pytest.raises(ValueError, match=message):
        RaceSpec("linear_regression", data=path)
    with pytest.raises(DatasetError, match=message):
        file_landscape(path)
    with pytest.raises(DatasetError, match="cannot read .*missing.csv"):
        file_landscape(str(Path(path).with_name("missing.csv")))


def test_a_network_refuses_one_feature_classes(csv_file):
    with pytest.raises(ValueError, match="a network classifies points in the plane: its file "
                                         "needs the header x1,x2,label"):
        NetworkSpec(sizes=(1, 4, 2), csv=csv_file(ONE_CSV))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=csv_texts())
def test_any_small_csv_text_gives_a_landscape_or_a_value_error(text):
    try:
        data = load_csv(text)
        land = get_landscape(landscape_for(data)).with_data(data, "t.csv")
    except ValueError as err:
        assert str(err)
        return
    lo, hi = np.array(land.domain).T
    assert np.all(lo < hi) and np.all((lo <= land.start) & (land.start <= hi))
    assert np.all((lo <= land.minima) & (land.minima <= hi))
    value, grad = land.value_and_grad(np.array(land.start))
    assert value.shape == () and grad.shape == (land.dim,)

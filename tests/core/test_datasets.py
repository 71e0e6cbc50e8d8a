"""Toy datasets and CSV import: shapes, determinism, class balance, splits, and errors that
name the line."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdviz.core.datasets import (
    DATASETS,
    Dataset,
    DatasetError,
    blobs,
    circle,
    csv_header,
    load_csv,
    spiral,
)


@pytest.mark.parametrize("name", list(DATASETS))
def test_generators_give_documented_shapes(name: str) -> None:
    spec = DATASETS[name]
    data = spec.make(seed=0, n_samples=101)
    assert data.name == name and data.task == spec.task and data.n_samples == 101
    assert data.X.dtype == np.float64 and np.isfinite(data.X).all()
    if spec.task == "classification":
        assert data.X.shape == (101, 2)
        assert data.y.shape == (101,) and data.y.dtype == np.int64
        counts = np.bincount(data.y, minlength=data.n_classes)
        assert data.n_classes >= 2 and counts.max() - counts.min() <= 1  # balanced
        assert data.class_names == tuple(str(c) for c in range(data.n_classes))
    else:
        assert data.X.shape == (101, 1) and data.y.shape == (101, 1)
        assert data.y.dtype == np.float64 and data.n_classes == 0
    assert 0.5 < np.abs(data.X).max() < 3.0  # a scale that suits a tanh network
    with pytest.raises(ValueError):
        data.X[0, 0] = 1.0  # read-only


@pytest.mark.parametrize("name", list(DATASETS))
def test_generators_are_deterministic_by_seed(name: str) -> None:
    spec = DATASETS[name]
    a, b, c = spec.make(seed=1), spec.make(seed=1), spec.make(seed=2)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


def test_registry_options() -> None:
    for spec in DATASETS.values():
        signature = inspect.signature(spec.generate).parameters
        assert list(signature) == ["n_samples", "noise", "seed", *list(spec.defaults)[2:]]
        for h in spec.options:  # the registry states the generator's own defaults
            assert signature[h.name].default == h.default
        n = spec.options[0]
        assert (n.name, n.default, n.lo, n.hi, n.kind) == ("n_samples", 200, 4, 100000, "int")
        assert spec.options[1].name == "noise"
        assert "seed" not in spec.defaults
        assert spec.make().n_samples == 200
    assert DATASETS["blobs"].make(classes=5).n_classes == 5
    assert spiral(classes=4).n_classes == 4
    with pytest.raises(ValueError, match="no option 'arms'"):
        DATASETS["spiral"].make(arms=3)
    with pytest.raises(ValueError, match="classes must be in"):
        blobs(classes=7)
    with pytest.raises(ValueError, match="n_samples must be in"):
        circle(n_samples=3)
    with pytest.raises(ValueError, match="noise must be in"):
        circle(noise=-0.1)


def test_circle_radii_and_noise() -> None:
    data = circle(200, noise=0.0, seed=0, factor=0.3)
    radius = np.hypot(*data.X.T)
    np.testing.assert_allclose(radius[data.y == 0], 1.0)
    np.testing.assert_allclose(radius[data.y == 1], 0.3)


def test_split_is_deterministic_stratified_and_complete() -> None:
    data = blobs(100, seed=0, classes=3)
    train, test = data.split(0.2, seed=5)
    again = data.split(0.2, seed=5)
    np.testing.assert_array_equal(train.X, again[0].X)
    np.testing.assert_array_equal(test.y, again[1].y)
    assert train.n_samples + test.n_samples == 100
    assert np.bincount(test.y).tolist() == [7, 7, 7]  # round(0.2 · 34), round(0.2 · 33)…
    both = np.concatenate([train.X, test.X])
    assert len({tuple(row) for row in both}) == 100
    assert not np.array_equal(test.X, data.split(0.2, seed=6)[1].X)
    with pytest.raises(ValueError, match="test_fraction"):
        data.split(1.0, seed=0)
    with pytest.raises(ValueError, match="empty"):
        data.split(0.001, seed=0)


# ---- CSV --------------------------------------------------------------------------------
def test_csv_classification_with_integer_labels() -> None:
    data = load_csv("x1,x2,label\n0.5,1,0\n-2,3e-1,1\n\n1,1,2\n")
    np.testing.assert_array_equal(data.X, [[0.5, 1], [-2, 0.3], [1, 1]])
    np.testing.assert_array_equal(data.y, [0, 1, 2])
    assert data.task == "classification" and data.n_classes == 3
    assert data.class_names == ("0", "1", "2")


def test_csv_labels_map_to_sorted_classes() -> None:
    text = load_csv("x1,x2,label\n0,0,dog\n1,1,cat\n2,2,dog\n3,3,emu\n")
    assert text.y.tolist() == [1, 0, 1, 2] and text.class_names == ("cat", "dog", "emu")
    numbers = load_csv("x1,x2,label\n0,0,10\n1,1,2\n2,2,2.0\n3,3,-1\n")
    assert numbers.y.tolist() == [2, 1, 1, 0] and numbers.class_names == ("-1", "2", "10")


def test_csv_classes_on_one_feature() -> None:
    data = load_csv("label,x\nyes,0.5\nno,-1\nyes,2\n")
    assert data.task == "classification" and data.X.shape == (3, 1)
    np.testing.assert_array_equal(data.X[:, 0], [0.5, -1, 2])
    assert data.y.tolist() == [1, 0, 1] and data.class_names == ("no", "yes")
    assert csv_header("classification", 1) == "x,label"
    assert csv_header("classification", 2) == "x1,x2,label"
    assert csv_header("regression", 1) == "x,y" and csv_header("regression", 2) is None


def test_csv_columns_in_any_order_quotes_bom_crlf() -> None:
    data = load_csv('\ufefflabel , X2,x1\r\n"a", 2 ,"1"\r\nb,4,3\r\n')
    np.testing.assert_array_equal(data.X, [[1, 2], [3, 4]])
    assert data.y.tolist() == [0, 1]


def test_csv_regression_and_files(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "curve.csv"
    path.write_text("x,y\n0,1\n1,2.5\n2,-1\n", encoding="utf-8")
    data = load_csv(path)
    assert data.task == "regression" and data.name == "curve" and data.n_classes == 0
    np.testing.assert_array_equal(data.X, [[0], [1], [2]])
    np.testing.assert_array_equal(data.y, [[1], [2.5], [-1]])
    with pytest.raises(DatasetError, match="cannot read"):
        load_csv(tmp_path / "missing.csv")


@pytest.mark.parametrize(("text", "message"), [
    ("", "line 1: the file is empty"),
    ("  \n\n", "line 1: the file is empty"),
    ("1,2,0\n3,4,1\n", "line 1: header missing"),
    ("a,b,c\n1,2,3\n", "line 1: header missing"),
    ("\nx,y\n1,2\n", "line 2: a dataset needs at least 2 data rows"),
    ("x1,x2,label\n1,2,0\n3,4\n", "line 3: expected 3 columns"),
    ("x1,x2,label\n1,2,0\n3,4,1,5\n", "line 3: expected 3 columns"),
    ("x1,x2,label\n1,2,0\n\n3,four,1\n", "line 4: x2 = 'four' is not a number"),
    ("x1,x2,label\n1,2,0\n3,1_0,1\n", "line 3: x2 = '1_0' is not a number"),
    ("x,y\n1,2\nnan,4\n", "line 3: x = 'nan' is not finite"),
    ("x,y\n1,2\n3,-inf\n", "line 3: y = '-inf' is not finite"),
    ("x,y\n1,2\n3,\n", "line 3: y = '' is not a number"),
    ("x,label\n1,a\nbig,b\n", "line 3: x = 'big' is not a number"),
    ("x,label\n1,a\n2\n", "line 3: expected 2 columns"),
    ("x,label,y\n1,a,2\n", "header missing: expected 'x,y' .*, 'x,label' or"),
    ("x1,x2,label\n1,2,a\n3,4,a\n", "lines 2-3: every label is 'a'"),
    ("x1,x2,label\n1,2,a\n3,4, \n", "line 3: the label is empty"),
    ("x1,x2,label\n" + "".join(f"0,0,{i}\n" for i in range(11)), "line 12: label '10' makes 11"),
    ("data.csv", "pass a pathlib.Path"),
])
def test_csv_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(DatasetError, match=message) as info:
        load_csv(text)
    assert isinstance(info.value, ValueError)


NUMBERS = st.floats(allow_nan=False, allow_infinity=False).map(repr) | st.sampled_from(
    ["0", "1", "-2.5", " 3 ", "1e3", '"4"'])
LABELS = st.sampled_from(["0", "1", "2", "-1", "2.0", "a", "b", '"c"'])
MISTAKES = st.sampled_from(["nan", "inf", "-inf", "", " ", "1_0", "x1", "\x00", '"', "1e999",
                            '"1,2"', "\n"]) | st.text(max_size=8)


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    """A header (usually valid) and rows that fit it; a row has a 3 in 32 chance of a
    mistake (a bad cell, a missing or an extra column) and 1 in 32 of being blank."""
    header = draw(st.sampled_from(["x1,x2,label", "x,y", "label,x1,x2", "y,x", "X1, x2 ,Label",
                                   "x1,x2", "", "x,y,label", "a,b", "x,label", "Label, X"]))
    names = [name.strip().lower() for name in header.split(",")]
    rows = [header]
    for _ in range(draw(st.integers(0, 8))):
        cells = [draw(LABELS if name == "label" else NUMBERS) for name in names]
        mistake = draw(st.integers(0, 31))
        if mistake == 1:
            cells[draw(st.integers(0, len(cells) - 1))] = draw(MISTAKES)
        elif mistake == 2:
            cells.append(draw(NUMBERS))
        elif mistake == 3:
            cells.pop()
        rows.append("" if mistake == 4 else ",".join(cells))
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(rows)


@settings(max_examples=500, deadline=None)
@given(text=csv_texts() | st.text(max_size=40))
def test_random_csv_text_gives_a_dataset_or_a_dataset_error(text: str) -> None:
    try:
        data = load_csv(text)
    except DatasetError as err:
        assert str(err)
    else:
        assert isinstance(data, Dataset) and data.n_samples >= 2
        assert np.isfinite(data.X).all()
        if data.task == "classification":
            assert 2 <= data.n_classes == len(data.class_names) == len(set(data.y)) <= 10

"""The one home of argument validation: every module accepts and rejects the same integers."""

from __future__ import annotations

import numpy as np
import pytest

from rnncourse import viz
from rnncourse._validate import require_bool, require_int, require_positive
from rnncourse.data import pad_batch
from rnncourse.experiments import AgreementClassifier
from rnncourse.train import seed_everything


@pytest.mark.parametrize("value", [3, np.int64(3), np.int32(3), np.uint8(3)])
def test_an_integer_is_an_int_whatever_its_type(value):
    assert require_int("n", value, 1, 5) == 3 and type(require_int("n", value)) is int


@pytest.mark.parametrize("value", [True, np.bool_(True), 3.0, "3", None])
def test_bools_floats_and_strings_are_not_ints(value):
    with pytest.raises(TypeError, match="n must be an int"):
        require_int("n", value)


@pytest.mark.parametrize(
    ("bounds", "match"),
    [((4, None), r"n must be >= 4, got 3"), ((None, 2), r"n must be <= 2, got 3"),
     ((4, 9), r"n must be in \[4, 9\], got 3")],
)  # fmt: skip
def test_ranges_are_named_in_the_message(bounds, match):
    with pytest.raises(ValueError, match=match):
        require_int("n", 3, *bounds)


def test_positive_numbers_and_bools():
    assert require_positive("lr", np.float32(0.5)) == 0.5
    for bad, error in [(0, ValueError), (float("inf"), ValueError), (True, TypeError)]:
        with pytest.raises(error):
            require_positive("lr", bad)
    assert require_bool("flag", False) is False
    with pytest.raises(TypeError, match="flag must be a bool"):
        require_bool("flag", 1)


def test_every_module_takes_a_numpy_integer():
    n = np.int64(3)  # e.g. len() of something or an entry of an int array
    viz.unrolled_rnn(T=n)
    AgreementClassifier("gru", vocab_size=n, hidden_size=n)
    seed_everything(n)
    assert pad_batch([[1, 2], [3]], pad_id=np.int64(0))[0].shape == (2, 2)

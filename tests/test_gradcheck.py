"""Central differences and relative error."""

from __future__ import annotations

import numpy as np
import pytest

from rnncourse.gradcheck import assert_gradient_close, numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function_and_x_is_restored():
    x = np.array([[0.3, -1.2, 2.0], [0.0, 0.5, -0.7]])
    before = x.copy()
    g = numerical_gradient(lambda: float(np.sum(np.sin(x) * x**2)), x)
    expected = np.cos(before) * before**2 + 2 * before * np.sin(before)
    assert relative_error(expected, g) < 1e-9
    np.testing.assert_array_equal(x, before)


def test_relative_error_is_symmetric_and_zero_safe():
    a, b = np.array([1.0, 2.0]), np.array([1.0, 2.1])
    assert relative_error(a, b) == pytest.approx(relative_error(b, a))
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.zeros(2), np.ones(2)) == pytest.approx(1.0)


def test_assert_gradient_close_names_the_worst_entry():
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    received = expected.copy()
    received[1, 0] = 3.5
    with pytest.raises(
        AssertionError,
        match=r"dW_aa: relative error .* worst entry \(1, 0\): expected 3, received 3.5",
    ):
        assert_gradient_close("dW_aa", expected, received)
    with pytest.raises(AssertionError, match="relative error nan"):
        assert_gradient_close("db", expected, received * np.nan)
    assert_gradient_close("ok", expected, expected + 1e-12)


def test_bad_input():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="eps must be positive"):
        numerical_gradient(lambda: 0.0, np.zeros(3), eps=0)
    with pytest.raises(ValueError, match="contiguous"):
        numerical_gradient(lambda: 0.0, np.zeros((3, 4)).T)
    with pytest.raises(ValueError, match="received must have shape"):
        relative_error(np.zeros(2), np.zeros(3))

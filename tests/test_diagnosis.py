"""How a check diagnoses what no catalogue holds, from the outputs alone; and that its outcome
does not depend on the seed, and that untrusted outputs never crash it."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from wrong_answers import all_wrong, calling
from wrong_answers import nb01_vanilla_rnn as nb01
from wrong_answers import nb02_bptt as nb02
from wrong_answers import nb05_lstm as nb05

from rnncourse import reference as R
from rnncourse.checks import EXERCISES, check, collect


def _rejected(name: str, fn, seed: int) -> bool:
    """Whether the outputs of ``fn`` differ from the reference's on some case of ``seed``."""
    e = EXERCISES[name]
    for case in e.cases(seed):
        try:
            got = collect.collect(e.signature, fn, case.args, case.label)
        except AssertionError:
            return True
        if not all(e._same(x, g) for x, g in zip(e.expected(case), got, strict=True)):
            return True
    return False


def test_every_mutant_and_held_out_answer_fails_on_100_seeds():
    """The outcome of a check does not depend on its seed: no wrong answer passes on any seed."""
    start = time.perf_counter()
    passing = []
    wrong = [(name, m.name, m.fn) for name, e in EXERCISES.items() for m in e.mistakes]
    wrong += [(name, w.fn.__name__, w.fn) for name, ws in all_wrong().items() for w in ws]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for name, label, fn in wrong:
            passing += [
                f"{name}/{label} seed {s}" for s in range(100) if not _rejected(name, fn, s)
            ]
    assert not passing, passing
    assert time.perf_counter() - start < 60


# --- untrusted outputs ---------------------------------------------------------------------------

JUNK = [
    None,
    "a string",
    [],
    [[]],
    [None, None, None],
    {"a": 1},
    [np.zeros(0)] * 9,
    [np.full((3, 3), np.nan)] * 9,
    [np.ones((2, 2, 2, 2, 2), dtype=np.int8)] * 9,
    [np.zeros((10**4,), dtype=np.complex128)] * 9,
    [np.array([True, False])] * 9,
    [[[[1, [2, [3]]]]]] * 9,
    [{"r": "x", "z": None}] * 9,
    [[{"i": np.zeros(3)}] * 2] * 9,
    [float("nan"), float("inf"), 1e308, 10**400],
    [np.ones((4, 4)), "oops", 3],
]


@pytest.mark.parametrize("name", list(EXERCISES))
def test_verdict_never_raises_on_any_plain_data(name):
    e = EXERCISES[name]
    cases = e.cases(0)
    rng = np.random.default_rng(0)
    n = len(e.graded_outputs)
    for junk in JUNK:
        for outputs in (
            [junk] * len(cases),
            [junk] * (len(cases) + 1),
            junk,
            [junk if isinstance(junk, str) else (list(junk)[:n] if isinstance(junk, list) else [junk] * n)
             for _ in cases],
        ):  # fmt: skip
            message = e.verdict(cases, outputs)  # type: ignore[arg-type]
            assert isinstance(message, str) and message != "passed"
            assert "Traceback" not in message
    good = [e.expected(c) for c in cases]
    assert e.verdict(cases, good) == "passed"
    for _ in range(20):  # the right structure with random contents of random shapes
        outputs = [
            [rng.normal(size=tuple(rng.integers(0, 4, size=rng.integers(0, 4)))) for _ in range(n)]
            for _ in cases
        ]
        assert e.verdict(cases, outputs) != "passed"


# --- what the diagnosis says ----------------------------------------------------------------------


def _fails(name: str, fn, seed: int = 0) -> str:
    with pytest.raises(AssertionError) as err:
        check(name, fn, seed=seed)
    return str(err.value)


def test_term_isolation_names_the_wrong_term():
    message = _fails("rnn_cell_forward", nb01.cell_no_recurrence)
    assert "Term by term: with W_ax = 0 and b_a = 0 only the recurrent term W_aa a⟨t−1⟩" in message
    assert "with only the bias b_a or only the input term W_ax x⟨t⟩ left it is right" in message


def test_term_isolation_says_when_each_term_alone_is_right():
    def squared(x_t, a_prev, p):  # each term right alone (a sign-symmetric mistake would not be)
        a_next = np.tanh(a_prev @ p["W_aa"].T + x_t @ p["W_ax"].T + p["b_a"])
        a_sep = np.tanh(a_prev @ p["W_aa"].T) + np.tanh(x_t @ p["W_ax"].T) + np.tanh(p["b_a"])
        return a_sep, nb01.softmax(a_next @ p["W_ya"].T + p["b_y"]), (a_sep, a_prev, x_t, p)

    message = _fails("rnn_cell_forward", squared)
    assert "each term alone is right, so the way they are combined is wrong" in message


def test_a_wrong_helper_is_named_instead_of_the_sequence():
    bad = calling(nb01.rnn_forward, rnn_cell_forward=nb01.bad_cell)
    message = _fails("rnn_forward", bad)
    assert message.startswith("rnn_forward is wrong, and your rnn_cell_forward fails its own check")


def test_every_output_has_its_status_and_the_first_wrong_gate_is_named():
    message = _fails("lstm_cell_forward", nb05.cell_tanh_output_gate)
    assert "(c_next is right; a_next, cache are wrong)" in message
    assert "cache['o'] (the output gate Γ_o = σ(o's block)) is wrong" in message


def test_caches_are_graded_length_order_and_keys():
    assert "caches has 1 items, expected 3: one cache per time step" in _fails(
        "rnn_forward", nb01.forward_last_cache
    )
    assert "cache holds the right values in the wrong order" in _fails(
        "rnn_cell_forward", nb01.cell_cache_order
    )

    def gamma_in_z(x_t, a_prev, p):
        a, cache = R.gru_cell_forward(x_t, a_prev, p, reset_after=True)
        return a, {"r": cache["r"], "z": 1 - cache["z"], "c_tilde": cache["c_tilde"]}

    e = EXERCISES["gru_cell_forward_reset_after"]
    cases = e.cases(0)
    outputs = [collect.collect(e.signature, gamma_in_z, c.args, c.label) for c in cases]
    message = e.verdict(cases, outputs)
    assert "cache['z'] (z = σ(z's blocks) = 1 − Γ_u) holds 1 − z instead of z" in message


def test_swapped_outputs_transposes_time_and_scale_are_named():
    assert "a holds the value of c: return them in the order" in _fails(
        "lstm_forward", nb05.seq_a_c_swapped
    )

    def time_first(x, a0, p):
        a, y, caches = nb01.rnn_forward(x, a0, p)
        return np.moveaxis(a, 1, 0).copy(), y, caches

    assert "a has its time axis first" in _fails("rnn_forward", time_first)

    def stored_before(x, a0, p):
        a, y, caches = nb01.rnn_forward(x, a0, p)
        return np.concatenate([a0[:, None], a[:, :-1]], axis=1), y, caches

    assert "a is off by one step in time" in _fails("rnn_forward", stored_before)

    def halved(y_hat, y, mask):
        L = -np.log(np.take_along_axis(y_hat, y[..., None], axis=-1)[..., 0])
        return (L * mask).sum(axis=1) / 2

    assert "L is 0.5 times the expected value, 1/2: a mean (divided by 2) where a sum belongs?" in (
        _fails("sequence_loss", halved)
    )


def test_a_backward_recursion_reports_where_backprop_starts():
    def last_step_wrong(da, caches):
        g = nb02.rnn_backward(da, caches)
        dx = g["dx"].copy()
        dx[:, -1] *= 1.5
        return g | {"dx": dx}

    message = _fails("rnn_backward", last_step_wrong)
    assert (
        "dx is wrong at time step t=3, the first step where it departs going backwards" in message
    )
    assert "(where backprop starts)" in message


def test_a_catalogued_mistake_is_named_only_if_it_matches_every_case():
    def sometimes_unstable(z):  # exp without the shift: right on small z, NaN on large z
        e = np.exp(z - z.max(axis=-1, keepdims=True) * (np.abs(z).max() > 100))
        return e / e.sum(axis=-1, keepdims=True) * (1 + 1e-3 * (z.shape == (4, 4)))

    message = _fails("softmax", sometimes_unstable)
    assert "Looks like you" not in message


# --- one grader truth ----------------------------------------------------------------------------


def _submission_with(stem: str, name: str, source: str) -> bytes:
    """The solution notebook of ``stem`` with the answer cell of ``name`` replaced."""
    import nbformat

    nb = nbformat.read(f"solutions/{stem}.ipynb", as_version=4)
    for c in nb.cells:
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == name:
            c.source = source
    return nbformat.writes(nb).encode()


CACHE_ORDER = """def rnn_cell_forward(x_t, a_prev, params):
    a_next = np.tanh(a_prev @ params["W_aa"].T + x_t @ params["W_ax"].T + params["b_a"])
    y_hat_t = softmax(a_next @ params["W_ya"].T + params["b_y"])
    return a_next, y_hat_t, (a_prev, a_next, x_t, params)
"""
LAST_CACHE = """def rnn_forward(x, a0, params):
    a_t, a, y_hat = a0, [], []
    for t in range(x.shape[1]):
        a_t, y_hat_t, cache = rnn_cell_forward(x[:, t, :], a_t, params)
        a.append(a_t)
        y_hat.append(y_hat_t)
    return np.stack(a, axis=1), np.stack(y_hat, axis=1), [cache]
"""


@pytest.mark.parametrize(("name", "source"), [("rnn_cell_forward", CACHE_ORDER),
                                              ("rnn_forward", LAST_CACHE)])  # fmt: skip
def test_rnncourse_grade_and_the_notebook_check_agree_on_cache_mistakes(name, source):
    from rnncourse.grading import grader, jail, sandbox

    if jail.unavailable() is not None:
        pytest.skip("no grading jail here")
    stem = "01_vanilla_rnn"
    solution = open(f"solutions/{stem}.ipynb").read()
    limits = sandbox.Limits(cell_timeout=60, total_timeout=300)
    graded = grader.grade_notebook(
        "s", stem, _submission_with(stem, name, source), solution, limits, seed=7
    )
    by_name = {e.exercise: e for e in graded.exercises}
    assert by_name[name].score == 0
    namespace: dict = {"np": np, "softmax": nb01.softmax, "rnn_cell_forward": nb01.rnn_cell_forward}
    exec(source, namespace)  # the same answer, as the notebook's kernel holds it
    with pytest.raises(AssertionError) as err:
        check(name, namespace[name], seed=7)
    assert by_name[name].message == str(err.value)


def test_a_list_with_the_right_items_in_another_order_or_an_item_twice_says_so():
    from rnncourse.checks.diagnosis import explain_plain

    assert explain_plain("itos", ["a", "b", "c"], ["a", "c", "b"]) == (
        "itos has the right items in another order: first difference at position 1, "
        "expected 'b', got 'c'"
    )
    assert explain_plain("itos", ["a", "b"], ["a", "x"]).startswith("itos is wrong: first")
    assert explain_plain("itos", ["a", "b"], ["a", "b", "a"]) == (
        "itos has 3 items, expected 2 (more often than expected: 'a')"
    )


def test_a_reshape_where_a_transpose_belongs_is_named():
    from rnncourse.checks.diagnosis import explain_array, reshaped

    e = np.random.default_rng(0).normal(size=(2, 3, 4))  # (m, T_x, n)
    g = np.moveaxis(e, 1, 0).reshape(2, 3, 4)  # time-major, then reshaped to batch first
    assert reshaped(e, g) == (1, 0, 2)
    assert reshaped(e, e + 1.0) is None and reshaped(e, e.transpose(1, 0, 2)) is None
    assert "np.transpose or np.moveaxis" in explain_array("a", e, g, (2, 3, 4), 1)

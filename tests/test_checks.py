"""The checks: every reference passes, every catalogued mistake fails *with its name*.

Mutants and references are built from ``rnncourse.reference``, which the checks forbid a student
to call; the ``unguarded`` fixture lifts that guard for them, and the guard has tests of its own.
"""

from __future__ import annotations

import contextlib
import re
import sys

import numpy as np
import pytest
import torch

from rnncourse import reference as R
from rnncourse.checks import EXERCISES, check, framework
from rnncourse.checks.rnn import _rnn_cell
from rnncourse.notebooks import NOTEBOOKS, marker


def _marked(name: str, *values: object) -> object:
    # a parameter of exercise `name`, marked with its notebook: `pytest -m nb05_lstm`
    return pytest.param(name, *values, marks=getattr(pytest.mark, marker(EXERCISES[name].notebook)))


NAMES = [_marked(name) for name in EXERCISES]
MISTAKES = [_marked(name, m) for name, e in EXERCISES.items() for m in e.mistakes]
MISTAKE_IDS = [f"{name}-{m.name}" for name, e in EXERCISES.items() for m in e.mistakes]
SEEDS = [0, 1, 2]


@pytest.fixture
def unguarded(monkeypatch):
    monkeypatch.setattr(framework, "_forbid_references", lambda *a: contextlib.nullcontext())


def test_registry_entries_have_the_contract():
    assert {e.notebook for e in EXERCISES.values()} <= set(NOTEBOOKS)
    for name, e in EXERCISES.items():
        assert e.name == name and callable(e.reference) and callable(e.check)
        assert e.mistakes, f"{name} has no catalogued mistakes"
        assert len({m.name for m in e.mistakes}) == len(e.mistakes)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", SEEDS)
def test_reference_passes(name, seed, unguarded, capsys):
    EXERCISES[name].check(EXERCISES[name].reference, seed=seed)
    assert (
        capsys.readouterr().out
        == f"{name}: all {len(EXERCISES[name].cases(seed))} checks passed.\n"
    )


@pytest.mark.parametrize("name", NAMES)
def test_cases_cover_batch_1_and_non_square_sizes(name):
    labels = [c.label for c in EXERCISES[name].cases(0)]
    assert len(labels) >= 4
    if any("n_a=" in lab for lab in labels):  # the recurrent cells and sequences
        assert any("m=1" in lab for lab in labels)
        assert any("n_x=4, n_a=4" in lab for lab in labels), (
            "a square case lets transposes show as values"
        )
    if "T=" in labels[0]:
        assert any("T=1" in lab for lab in labels)


# the unstable-softmax mistakes overflow, as they should
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize(("name", "mistake"), MISTAKES, ids=MISTAKE_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_every_mistake_fails_with_its_name(name, mistake, seed, unguarded):
    with pytest.raises(AssertionError) as err:
        EXERCISES[name].check(mistake.fn, seed=seed)
    assert mistake.message in str(err.value), f"{mistake.name} not named; got:\n{err.value}"


@pytest.mark.parametrize("name", NAMES)
def test_every_mistake_differs_from_the_reference_on_some_case(name):
    """A mistake equal to the reference on every case would be a mistake the check cannot see."""
    e = EXERCISES[name]
    cases = e.cases(0)

    def differs(m, case) -> bool:
        try:
            with np.errstate(all="ignore"):
                got = e.pick(m.fn(*case.args))
        except ValueError:  # a shape mistake that crashes on this case shows on another
            return False
        return not all(
            framework.same(g, x, e.rtol, e.atol) for g, x in zip(got, e.expected(case), strict=True)
        )

    for m in e.mistakes:
        assert any(differs(m, c) for c in cases), (
            f"{m.name} is indistinguishable from the reference"
        )


@pytest.mark.parametrize("name", NAMES)
def test_each_mistake_maker_is_the_reference_but_for_its_mistake(name, unguarded):
    """A maker's correct path (no bug) equals the reference, so each mistake is exactly one."""
    e = EXERCISES[name]
    makers = {  # each maker once, with its fixed arguments (e.g. reset_after) and no bug
        (m.fn.func, tuple(sorted((k, v) for k, v in m.fn.keywords.items() if k != "bug")))
        for m in e.mistakes
    }
    for make, fixed in makers:
        for case in e.cases(0):
            with np.errstate(all="ignore"):
                got = e.pick(make(*case.args, **dict(fixed), bug=""))
            assert all(
                framework.same(g, x, e.rtol, e.atol)
                for g, x in zip(got, e.expected(case), strict=True)
            ), f"{make.__name__} without a bug differs from {name}'s reference on {case.label}"


def test_calling_a_mistake_maker_is_caught():
    with pytest.raises(AssertionError, match=r"calls EXERCISES\['rnn_cell_forward'\]'s mistake"):
        check("rnn_cell_forward", lambda x_t, a_prev, p: _rnn_cell(x_t, a_prev, p, bug=""))


# --- the generic failure modes -------------------------------------------------------------------


def correct_cell(x_t, a_prev, p):
    """An independent, correct rnn_cell_forward (the checks forbid the references and makers)."""
    a_next = np.tanh(x_t @ p["W_ax"].T + a_prev @ p["W_aa"].T + p["b_a"])
    z = a_next @ p["W_ya"].T + p["b_y"]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return a_next, e / e.sum(axis=1, keepdims=True), (a_next, a_prev, x_t, p)


def test_an_independent_correct_answer_passes_under_the_guard(capsys):
    check("rnn_cell_forward", correct_cell)
    assert "all 8 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "called"),
    [
        (
            lambda x_t, a_prev, p: R.rnn_cell_forward(x_t, a_prev, p),
            "rnncourse.reference.rnn_cell_forward",
        ),
        (
            lambda x_t, a_prev, p: (
                correct_cell(x_t, a_prev, p) if R.softmax(np.ones(2)).any() else None
            ),
            "rnncourse.reference.softmax",
        ),
    ],
)
def test_calling_a_reference_is_caught(answer, called):
    with pytest.raises(AssertionError, match=f"calls {called}: the exercise asks you to write"):
        check("rnn_cell_forward", answer)


def test_calling_torch_nn_recurrent_layers_is_caught():
    def via_torch(x, a0, p):
        rnn = torch.nn.RNN(x.shape[2], a0.shape[1], batch_first=True).double()
        out, _ = rnn(torch.from_numpy(x), torch.from_numpy(a0)[None])
        return out.detach().numpy(), out.detach().numpy(), []

    with pytest.raises(AssertionError, match=r"calls torch\.nn\.modules\.rnn\.RNN"):
        check("rnn_forward", via_torch)


def test_calling_torch_kernels_directly_is_caught():
    def via_kernel(x_t, a_prev, p):
        a = torch.rnn_tanh_cell(
            *(torch.from_numpy(v) for v in (x_t, a_prev, p["W_ax"], p["W_aa"], p["b_a"]))
        )
        return (
            correct_cell(x_t, a_prev, p)[0] + 0 * a.numpy(),
            correct_cell(x_t, a_prev, p)[1],
            None,
        )

    with pytest.raises(AssertionError, match="calls torch's rnn_tanh_cell kernel"):
        check("rnn_cell_forward", via_kernel)


def test_modifying_an_input_in_place_is_caught():
    def in_place(x_t, a_prev, p):
        p["b_a"] *= 1.0  # harmless value, but still a write: allowed, values unchanged
        a_prev *= 2.0  # changes the caller's array
        return correct_cell(x_t, a_prev / 2.0, p)

    with pytest.raises(AssertionError, match="modified its input a_prev in place"):
        check("rnn_cell_forward", in_place)

    def in_place_param(x_t, a_prev, p):
        p["W_aa"] += 0.0
        p["b_a"] -= 1.0
        return correct_cell(x_t, a_prev, p)

    with pytest.raises(AssertionError, match=r"modified its input params\['b_a'\] in place"):
        check("rnn_cell_forward", in_place_param)


def test_not_implemented_wrong_structure_dtype_nan_and_randomness_get_clear_messages(unguarded):
    def stub(x_t, a_prev, p):
        raise NotImplementedError

    with pytest.raises(AssertionError, match="not implemented yet"):
        check("rnn_cell_forward", stub)
    with pytest.raises(
        AssertionError,
        match=r"returned an ndarray of shape \(2, 4\), expected a tuple \(a_next, y_hat_t, cache\)",
    ):
        check("rnn_cell_forward", lambda x_t, a_prev, p: correct_cell(x_t, a_prev, p)[0])
    with pytest.raises(
        AssertionError, match="y_hat_t should be a NumPy array, got a list of length 1"
    ):
        check(
            "rnn_cell_forward",
            lambda x_t, a_prev, p: (correct_cell(x_t, a_prev, p)[0], [1.0], None),
        )
    with pytest.raises(AssertionError, match="a_next has dtype float32, expected float64"):
        check(
            "rnn_cell_forward",
            lambda x_t, a_prev, p: (
                correct_cell(x_t, a_prev, p)[0].astype(np.float32),
                *correct_cell(x_t, a_prev, p)[1:],
            ),
        )
    with pytest.raises(AssertionError, match="a_next contains NaN or inf"):
        check(
            "rnn_cell_forward",
            lambda x_t, a_prev, p: (
                correct_cell(x_t, a_prev, p)[0] * np.nan,
                *correct_cell(x_t, a_prev, p)[1:],
            ),
        )
    rng = np.random.default_rng()
    with pytest.raises(AssertionError, match="returned a different a_next when called twice"):
        check(
            "rnn_cell_forward",
            lambda x_t, a_prev, p: (
                correct_cell(x_t, a_prev, p)[0] + rng.normal() * 1e-3,
                *correct_cell(x_t, a_prev, p)[1:],
            ),
        )
    with pytest.raises(AssertionError, match="is missing \\['db_a'\\]"):
        check(
            "rnn_cell_backward",
            lambda da, cache: {
                k: v for k, v in R.rnn_cell_backward(da, cache).items() if k != "db_a"
            },
        )
    with pytest.raises(AssertionError, match="expected the function rnn_forward, got None"):
        check("rnn_forward", None)
    with pytest.raises(KeyError, match="no exercise named 'rnn_cel_forward'"):
        check("rnn_cel_forward", correct_cell)


def test_a_crash_reports_the_inputs_and_the_shape_hint(unguarded):
    def transposed(x_t, a_prev, p):  # shapes only line up when n_x == n_a
        return _rnn_cell(x_t, a_prev, p, bug="transposed_W_ax")

    with pytest.raises(AssertionError) as err:
        check("rnn_cell_forward", transposed, seed=0)  # the square case names it first...
    assert "multiplied by W_ax instead of W_ax.T" in str(err.value)
    e = EXERCISES["rnn_cell_forward"]
    case = e.cases(0)[1]  # ...the non-square case crashes, with the layout hint
    with pytest.raises(
        AssertionError,
        match=r"raised ValueError: .*\(inputs: m=1, n_x=3, n_a=5, n_y=2\)\nHint: in row layout",
    ):
        e.collect(transposed, case)


def test_an_unknown_wrong_answer_reports_the_first_difference_and_time_step(unguarded):
    def late_bug(x, a0, p):
        a, y, caches = R.rnn_forward(x, a0, p)
        a = a.copy()
        a[:, 2:] += 0.1  # wrong from the third step on
        return a, y, caches

    with pytest.raises(
        AssertionError,
        match=r"rnn_forward: a is wrong at time step t=3 \(steps 1 to 2 are right\): first difference at index \(0, 2, 0\), expected .*, got .*values differ\) \(y_hat, caches are right; a is wrong\) \(inputs: m=2, T=3",
    ):
        check("rnn_forward", late_bug, seed=0)


def test_a_wrong_number_is_reported_as_expected_and_got():
    def off_by_one_percent(W):
        return 1.01 * float(np.abs(np.linalg.eigvals(W)).max())

    with pytest.raises(AssertionError) as info:
        check("spectral_radius", off_by_one_percent, seed=0)
    message = str(info.value)
    assert re.match(
        r"spectral_radius: the spectral radius is wrong: expected [\d.]+, got [\d.]+ \(inputs: W",
        message,
    )
    assert "index" not in message and "Looks like" not in message


def test_judge_works_on_plain_data_collected_elsewhere():
    """A grader runs collect() in the student's process and judge() in its own."""
    e = EXERCISES["rnn_cell_forward"]
    case = e.cases(7)[2]
    a_next, y_hat_t, cache = e.collect(correct_cell, case)
    got = [np.array(a_next.tolist()), np.array(y_hat_t.tolist()), cache]  # round-trip as lists
    e.judge(case, got)
    wrong = [got[0], got[1][:, ::-1].copy(), cache]
    with pytest.raises(AssertionError, match="y_hat_t is wrong"):
        e.judge(case, wrong)


def _words(text):
    return text.split()


def _mask(lengths):
    return np.arange(4)[None, :] < np.asarray(lengths)[:, None]


PLAIN = framework.Exercise(
    name="split_words",
    notebook="00_notation",
    reference=_words,
    make_cases=lambda rng: [
        framework.Case("two words", ("the cat",)),
        framework.Case("three", ("a b c",)),
    ],
    returns="array",
    outputs=("words",),
    mistakes=(framework.Mistake("chars", "split into characters.", lambda text: list(text)),),
)
MASK = framework.Exercise(
    name="mask",
    notebook="00_notation",
    reference=_mask,
    make_cases=lambda rng: [framework.Case("lengths [1, 3]", (np.array([1, 3]),))],
    returns="array",
    outputs=("mask",),
    mistakes=(
        framework.Mistake(
            "off_by_one", "counted one too many.", lambda n: np.arange(4)[None, :] <= n[:, None]
        ),
    ),
)


def test_plain_data_and_boolean_outputs_are_compared_exactly(capsys):
    PLAIN.check(_words)
    MASK.check(_mask)
    with pytest.raises(AssertionError, match="Looks like you split into characters"):
        PLAIN.check(lambda text: list(text))
    with pytest.raises(
        AssertionError,
        match=r"words is wrong: first difference at position 1, expected 'cat', got 'dog'",
    ):
        PLAIN.check(lambda text: text.replace("cat", "dog").split())
    with pytest.raises(AssertionError, match="words has 1 items, expected 2"):
        PLAIN.check(lambda text: [text])
    with pytest.raises(AssertionError, match="Looks like you counted one too many"):
        MASK.check(lambda n: np.arange(4)[None, :] <= n[:, None])
    with pytest.raises(AssertionError, match="mask has dtype int64, expected bool"):
        MASK.check(lambda n: _mask(n).astype(np.int64))
    with pytest.raises(
        AssertionError, match="should be an array, a number, a string or a list of those, got a set"
    ):
        PLAIN.check(lambda text: set(text.split()))


def test_calling_an_exercise_reference_or_a_forbidden_module_is_caught():
    ref = EXERCISES["softmax"].reference
    with pytest.raises(AssertionError, match=r"calls EXERCISES\['softmax'\]\.reference"):
        check("softmax", lambda z: ref(z))
    from rnncourse import data

    with pytest.raises(AssertionError, match=r"calls rnncourse\.data\.one_hot"):
        check("one_hot", lambda ids, n: data.one_hot(ids, n))


def test_a_backward_pass_is_reported_at_the_step_where_it_departs(unguarded):
    def early_steps_wrong(da, caches):
        grads = R.rnn_backward(da, caches)
        dx = grads["dx"].copy()
        dx[:, :2] += 0.1  # wrong at t = 1 and 2: backprop reaches t = 2 first
        return grads | {"dx": dx}

    with pytest.raises(
        AssertionError,
        match=r"dx is wrong at time step t=2, the first step where it departs going backwards from t=3",
    ):
        check("rnn_backward", early_steps_wrong, seed=0)


def test_a_failing_check_shows_the_students_frames_not_the_frameworks():
    # what a student sees in JupyterLab: IPython's traceback of the test cell
    from IPython.core.ultratb import AutoFormattedTB

    def softmax(z):
        return np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)  # the wrong axis

    def rnn_cell_forward(x_t, a_prev, params):
        raise NotImplementedError()

    for name, answer, message in [
        ("softmax", softmax, "softmax: "),
        ("rnn_cell_forward", rnn_cell_forward, "rnn_cell_forward is not implemented yet"),
    ]:
        try:
            check(name, answer)
        except AssertionError:
            text = AutoFormattedTB(mode="Context", theme_name="nocolor").text(*sys.exc_info())
        shown = re.findall(r"rnncourse[/\\]checks[/\\]\w+\.py", text)
        assert len(shown) <= 1, f"{len(shown)} framework frames shown:\n{text}"
        assert message in text.splitlines()[-1] or message in text, text


# --- the references of notebooks 06 and 07 are torch.nn ------------------------------------------


@pytest.mark.nb07_deep_rnns
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_deep_rnn_forward_reference_is_torch_nn_with_three_layers(cell):
    """``output``, ``h_n`` (and ``c_n``) of ``torch.nn.<cell>(num_layers=3)``, float64, its weights loaded."""

    torch.manual_seed(0)
    module = getattr(torch.nn, cell.upper())(3, 5, num_layers=3, batch_first=True).double()
    x = torch.randn(4, 6, 3, dtype=torch.float64)  # (m, T_x, n_x)
    h0, c0 = torch.randn(2, 3, 4, 5, dtype=torch.float64)  # (L, m, n_a) each
    with torch.no_grad():
        output, state = module(x, (h0, c0)) if cell == "lstm" else module(x, h0)
    h_n, c_n = state if cell == "lstm" else (state, None)
    params = [R.params_from_torch(module, layer=k) for k in range(3)]
    a, a_last, c_last = R.deep_rnn_forward(
        x.numpy(), h0.numpy(), params, cell, c0.numpy() if cell == "lstm" else None
    )
    torch.testing.assert_close(torch.from_numpy(a), output, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(torch.from_numpy(a_last), h_n, rtol=1e-12, atol=1e-12)
    if cell == "lstm":
        torch.testing.assert_close(torch.from_numpy(c_last), c_n, rtol=1e-12, atol=1e-12)
    else:
        assert c_last is None


@pytest.mark.nb06_bidirectional
@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_birnn_forward_reference_is_torch_nn_bidirectional_on_a_packed_batch(cell):
    """``torch.nn.<cell>(bidirectional=True)`` on the packed batch, unpacked: the same, float64."""
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    torch.manual_seed(0)
    module = getattr(torch.nn, cell.upper())(3, 5, batch_first=True, bidirectional=True).double()
    lengths = np.array([6, 2, 4, 1])  # unsorted, one of length 1
    x = np.random.default_rng(0).normal(size=(4, 6, 3))  # (m, T_x, n_x), padded to T_x = 6
    x[np.arange(6) >= lengths[:, None]] = 99.0  # the padding must reach no real step
    packed = pack_padded_sequence(
        torch.from_numpy(x), torch.from_numpy(lengths), batch_first=True, enforce_sorted=False
    )
    with torch.no_grad():
        output, _ = pad_packed_sequence(module(packed)[0], batch_first=True)
    params = [R.params_from_torch(module, reverse=r) for r in (False, True)]
    a = R.birnn_forward(x, lengths, *params, cell)
    torch.testing.assert_close(torch.from_numpy(a), output, rtol=1e-12, atol=1e-12)

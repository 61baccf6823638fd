"""MFCC: each step against its equation, the whole against python_speech_features.

python_speech_features is in the test extra, so the comparison always runs.
"""

import numpy as np
import pandas as pd
import pytest
import python_speech_features as psf
import scipy.signal
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skbackprop import BackpropClassifier
from skbackprop.datasets import load_spoken_digits
from skbackprop.preprocessing import MFCC, UtteranceFeatures, _mfcc, _speech

RATE = 8000
# python_speech_features computes the same steps in the same order in float64, so
# the two agree to rounding; 1e-9 (absolute and relative) leaves room for the
# different FFT and summation order, while any change of a step is orders larger.
TOL = 1e-9


@pytest.fixture(scope="module")
def digits():
    return load_spoken_digits()


@pytest.fixture(scope="module")
def recordings(digits):
    # Two recordings of every speaker: varied voices, lengths and levels.
    rows = [np.flatnonzero(digits.speaker == s)[[0, 123]] for s in digits.speaker_names]
    return [digits.data[i] for i in np.concatenate(rows)]


def _noise(n, seed=0, scale=0.1):
    return scale * np.random.default_rng(seed).normal(size=n)


# -- the steps --------------------------------------------------------------------


def test_preemphasize():
    x = np.array([1.0, 2.0, 4.0, 4.0])
    assert_allclose(_speech.preemphasize(x, 0.5), [1.0, 1.5, 3.0, 2.0])
    assert_array_equal(_speech.preemphasize(x, 0.0), x)
    assert_array_equal(x, [1.0, 2.0, 4.0, 4.0])


@pytest.mark.parametrize(
    "length, pad_end, expected",
    [(10, True, 4), (11, True, 5), (4, True, 1), (1, True, 1), (10, False, 4),
     (11, False, 4), (12, False, 5), (4, False, 1)],
)  # fmt: skip
def test_frame_signal_count_and_content(length, pad_end, expected):
    x = np.arange(1.0, length + 1)
    frames = _speech.frame_signal(x, frame_length=4, hop_length=2, pad_end=pad_end)
    assert frames.shape == (expected, 4)
    assert _speech.n_frames(length, 4, 2, pad_end) == expected
    for m, frame in enumerate(frames):
        start = 2 * m
        window = np.zeros(4)
        chunk = x[start : start + 4]
        window[: len(chunk)] = chunk
        assert_array_equal(frame, window)
    if pad_end:  # every sample is in some frame
        assert frames.max() == length


def test_frame_signal_matches_python_speech_features():
    x = _noise(1001)
    ours = _speech.frame_signal(x, 200, 80)
    theirs = psf.sigproc.framesig(x, 200, 80)
    assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name", sorted(_speech.WINDOWS))
def test_windows_follow_their_equation(name):
    n = 16
    t = 2 * np.pi * np.arange(n) / n  # periodic windows: period n
    expected = {
        "hamming": 0.54 - 0.46 * np.cos(t),
        "hann": 0.5 - 0.5 * np.cos(t),
        "blackman": 0.42 - 0.5 * np.cos(t) + 0.08 * np.cos(2 * t),
        "rectangular": np.ones(n),
    }[name]
    assert_allclose(_speech.WINDOWS[name](n), expected, atol=1e-12)


def test_window_options_are_the_registry():
    (constraint,) = MFCC._parameter_constraints["window"]
    assert constraint.options == set(_speech.WINDOWS)


def test_power_spectrum_is_the_periodogram():
    frames = np.random.default_rng(1).normal(size=(3, 6))
    n_fft = 8
    k = np.arange(n_fft // 2 + 1)[:, None]
    t = np.arange(6)[None, :]
    dft = np.exp(
        -2j * np.pi * k * t / n_fft
    )  # (5, 6): the DFT of the zero-padded frame
    expected = np.abs(frames @ dft.T) ** 2 / n_fft
    assert_allclose(_speech.power_spectrum(frames, n_fft), expected, atol=1e-12)
    assert_allclose(
        _speech.power_spectrum(frames, n_fft), psf.sigproc.powspec(frames, n_fft)
    )


def test_power_spectrum_of_a_sine_peaks_at_its_bin():
    n_fft = 64
    frame = np.sin(2 * np.pi * 5 * np.arange(n_fft) / n_fft)[None, :]
    power = _speech.power_spectrum(frame, n_fft)[0]
    assert np.argmax(power) == 5
    assert_allclose(power[5], n_fft / 4)


def test_mel_scale():
    assert_allclose(_speech.hz_to_mel(1000.0), 1000.0, atol=0.1)
    assert_allclose(_speech.hz_to_mel(0.0), 0.0)
    hz = np.array([0.0, 300.0, 4000.0])
    assert_allclose(_speech.mel_to_hz(_speech.hz_to_mel(hz)), hz, atol=1e-9)
    assert_allclose(_speech.hz_to_mel(hz), psf.hz2mel(hz))


@pytest.mark.parametrize(
    "n_mels, n_fft, fmin, fmax", [(26, 512, 0, 4000), (10, 256, 300, 3400)]
)
def test_mel_filterbank_fft_bin_matches_python_speech_features(
    n_mels, n_fft, fmin, fmax
):
    ours = _speech.mel_filterbank(n_mels, n_fft, RATE, fmin, fmax, edges="fft_bin")
    theirs = psf.get_filterbanks(n_mels, n_fft, RATE, fmin, fmax)
    assert_allclose(ours, theirs, atol=1e-15)


def test_mel_filterbank_exact_triangles():
    n_mels, n_fft, fmin, fmax = 12, 512, 100.0, 3800.0
    filters = _speech.mel_filterbank(n_mels, n_fft, RATE, fmin, fmax)
    assert filters.shape == (n_mels, n_fft // 2 + 1)
    freqs = np.arange(n_fft // 2 + 1) * RATE / n_fft
    edges = _speech.mel_to_hz(
        np.linspace(_speech.hz_to_mel(fmin), _speech.hz_to_mel(fmax), n_mels + 2)
    )
    for k, row in enumerate(filters):
        left, centre, right = edges[k : k + 3]
        assert (row >= 0).all() and row.max() <= 1
        assert (row[(freqs <= left) | (freqs >= right)] == 0).all()
        # at any bin: the triangle through (left, 0), (centre, 1), (right, 0)
        inside = (freqs > left) & (freqs < right)
        expected = np.minimum(
            (freqs - left) / (centre - left), (right - freqs) / (right - centre)
        )
        assert_allclose(row[inside], expected[inside], atol=1e-12)
    # neighbouring triangles cross at one half-way between their centres' bins: they
    # sum to 1 over the inner band
    inner = (freqs >= edges[1]) & (freqs <= edges[-2])
    assert_allclose(filters.sum(axis=0)[inner], 1.0, atol=1e-12)


def test_dct_ii_is_the_orthonormal_cosine_transform():
    x = np.random.default_rng(2).normal(size=(4, 8))
    K = 8
    n = np.arange(K)[:, None]
    k = np.arange(K)[None, :]
    basis = np.cos(np.pi * n * (2 * k + 1) / (2 * K)) * np.sqrt(2 / K)  # (K, K)
    basis[0] /= np.sqrt(2)
    assert_allclose(_speech.dct_ii(x, 5), (x @ basis.T)[:, :5], atol=1e-12)
    assert_allclose(basis @ basis.T, np.eye(K), atol=1e-12)  # orthonormal


@pytest.mark.parametrize("L", [0, 1, 22])
def test_lifter_weights(L):
    w = _speech.lifter_weights(13, L)
    n = np.arange(13)
    assert_allclose(w, 1 + L / 2 * np.sin(np.pi * n / L) if L else np.ones(13))
    ceps = np.random.default_rng(3).normal(size=(5, 13))
    assert_allclose(ceps * w, psf.lifter(ceps, L))


@pytest.mark.parametrize("width", [1, 2, 3])
def test_deltas(width):
    features = np.random.default_rng(4).normal(size=(9, 3))
    assert_allclose(_speech.deltas(features, width), psf.delta(features, width))
    # a straight line has slope 1 wherever the window does not reach the edges
    ramp = np.arange(20.0)[:, None] * np.ones((1, 2))
    delta = _speech.deltas(ramp, width)
    assert_allclose(delta[width:-width], 1.0)
    assert delta[0, 0] < 1.0  # edges repeated: the slope flattens


def test_deltas_of_one_frame_are_zero():
    assert_array_equal(_speech.deltas(np.ones((1, 4)), 2), np.zeros((1, 4)))


def test_trim_range():
    db = np.array([-90.0, -70.0, -30.0, 0.0, -50.0, -20.0, -80.0])
    log_energy = db * np.log(10) / 10
    assert _speech.trim_range(log_energy, 40) == (2, 6)
    assert _speech.trim_range(log_energy, 1) == (3, 4)
    assert _speech.trim_range(log_energy, 100) == (0, 7)


@pytest.mark.parametrize("variance", [False, True])
def test_normalize_utterance(variance):
    features = np.random.default_rng(5).normal(3.0, 2.0, size=(50, 4))
    features[:, 3] = 7.0  # a constant coefficient is only centred
    out = _speech.normalize_utterance(features, variance)
    assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    expected_std = np.r_[features[:, :3].std(axis=0), 0.0]
    if variance:
        expected_std[:3] = 1.0
    assert_allclose(out.std(axis=0), expected_std, atol=1e-12)


# -- the whole transformer against python_speech_features ---------------------------

# (our parameters, python_speech_features.mfcc's arguments) computing the same thing
ORACLE_SETTINGS = [
    (
        {"window": "rectangular", "n_fft": 512, "mel_edges": "fft_bin"},
        {"nfft": 512},
    ),
    (
        {"n_fft": 512, "mel_edges": "fft_bin", "energy": "c0"},
        {
            "nfft": 512,
            "appendEnergy": False,
            "winfunc": lambda n: scipy.signal.get_window("hamming", n),
        },
    ),
    (
        {
            "window": "hann",
            "frame_length": 0.032,
            "hop_length": 0.016,
            "n_fft": 256,
            "mel_edges": "fft_bin",
            "n_mels": 20,
            "n_ceps": 20,
            "fmin": 100,
            "fmax": 3500,
            "lifter": 0,
            "preemphasis": 0.5,
        },
        {
            "winlen": 0.032,
            "winstep": 0.016,
            "nfft": 256,
            "nfilt": 20,
            "numcep": 20,
            "lowfreq": 100,
            "highfreq": 3500,
            "ceplifter": 0,
            "preemph": 0.5,
            "winfunc": lambda n: scipy.signal.get_window("hann", n),
        },
    ),
]


@pytest.mark.parametrize("ours, theirs", ORACLE_SETTINGS)
def test_agrees_with_python_speech_features(recordings, ours, theirs):
    X = recordings + [_noise(150, seed=6)]  # and one shorter than a frame
    mfcc = MFCC(sample_rate=RATE, trim=None, **ours).fit(X)
    for x, U in zip(X, mfcc.transform(X)):
        expected = psf.mfcc(np.asarray(x, dtype=np.float64), samplerate=RATE, **theirs)
        assert U.shape == expected.shape
        assert_allclose(U, expected, rtol=TOL, atol=TOL)


def test_deltas_agree_with_python_speech_features(recordings):
    settings, theirs = ORACLE_SETTINGS[0]
    mfcc = MFCC(sample_rate=RATE, deltas=2, delta_width=3, trim=None, **settings).fit(
        recordings
    )
    for x, U in zip(recordings, mfcc.transform(recordings)):
        ceps = psf.mfcc(np.asarray(x, dtype=np.float64), samplerate=RATE, **theirs)
        delta = psf.delta(ceps, 3)
        expected = np.hstack([ceps, delta, psf.delta(delta, 3)])
        assert_allclose(U, expected, rtol=TOL, atol=TOL)


# -- the transformer ----------------------------------------------------------------


@pytest.mark.parametrize(
    "params, n_coef, first_names",
    [
        ({}, 13, ["log_energy", "mfcc_1"]),
        ({"energy": "c0", "n_ceps": 5}, 5, ["mfcc_0", "mfcc_1"]),
        ({"energy": "drop", "deltas": 1}, 24, ["mfcc_1", "mfcc_2"]),
        ({"deltas": 2, "n_ceps": 4}, 12, ["log_energy", "mfcc_1"]),
    ],
)
def test_output_shapes_and_names(params, n_coef, first_names):
    X = [_noise(4000), _noise(1234, seed=1)]
    mfcc = MFCC(sample_rate=RATE, trim=None, **params).fit(X)
    out = mfcc.transform(X)
    assert isinstance(out, list) and len(out) == 2
    assert [U.shape for U in out] == [(49, n_coef), (14, n_coef)]
    assert all(U.dtype == np.float64 and np.isfinite(U).all() for U in out)
    names = mfcc.get_feature_names_out()
    assert len(names) == n_coef == mfcc.n_coef_
    assert list(names[:2]) == first_names
    if params.get("deltas"):
        assert names[n_coef // (1 + params["deltas"])].startswith("d_")


@pytest.mark.parametrize("trim", ["auto", 30])
def test_recordings_are_independent_of_the_batch(recordings, monkeypatch, trim):
    mfcc = MFCC(sample_rate=RATE, deltas=1, trim=trim, normalize="mean").fit(recordings)
    together = mfcc.transform(recordings)
    monkeypatch.setattr(_mfcc, "BATCH_FRAMES", 7)  # many small batches
    batched = mfcc.transform(recordings)
    for x, U, V in zip(recordings, together, batched):
        assert_allclose(mfcc.transform([x])[0], U, rtol=1e-12, atol=1e-12)
        assert_allclose(V, U, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "container",
    [list, tuple, pd.Series, lambda X: np.array(X + [None], dtype=object)[:-1]],
)
def test_input_containers(recordings, container):
    expected = MFCC(sample_rate=RATE).fit_transform(recordings[:3])
    out = MFCC(sample_rate=RATE).fit_transform(container(recordings[:3]))
    for U, V in zip(out, expected):
        assert_array_equal(U, V)


def test_int16_is_scaled_to_unit_range():
    x = np.round(_noise(3000) * 10000).astype(np.int16)
    mfcc = MFCC(sample_rate=RATE).fit([x])
    assert_allclose(mfcc.transform([x])[0], mfcc.transform([x / 32768.0])[0])
    assert_allclose(
        mfcc.transform([x.astype(np.float32) / 32768])[0],
        mfcc.transform([x / 32768.0])[0],
        atol=1e-4,
    )


def test_caller_data_is_not_modified():
    x = _noise(3000)
    y = np.round(_noise(2000) * 1e4).astype(np.int16)
    X = [x, y]
    copies = [a.copy() for a in X]
    MFCC(sample_rate=RATE, deltas=2, normalize="mean_var", trim=20).fit_transform(X)
    for a, b in zip(X, copies):
        assert_array_equal(a, b)
        assert a.dtype == b.dtype


def test_trim_drops_silent_edges():
    speech = _noise(4000)
    padded = np.concatenate([np.zeros(2000), speech, 1e-6 * _noise(2000, seed=2)])
    plain = MFCC(sample_rate=RATE, trim=None).fit_transform([padded])[0]
    trimmed = MFCC(sample_rate=RATE, trim=40).fit_transform([padded])[0]
    assert len(plain) == 99
    # the frames wholly inside the silent stretches go, those touching speech stay
    assert 49 <= len(trimmed) <= 49 + 2 * 3
    louder = MFCC(sample_rate=RATE).fit_transform([speech])[0]
    assert np.abs(trimmed[:, 0] - np.median(louder[:, 0])).max() < 30


@pytest.mark.parametrize("normalize", ["mean", "mean_var"])
def test_normalize(normalize):
    X = [_noise(4000), _noise(3000, seed=1)]
    out = MFCC(sample_rate=RATE, normalize=normalize, deltas=1).fit_transform(X)
    for U in out:
        assert_allclose(U[:, :13].mean(axis=0), 0.0, atol=1e-10)
        if normalize == "mean_var":
            assert_allclose(U[:, :13].std(axis=0), 1.0, atol=1e-10)


def test_short_recordings_pad_or_refuse():
    short = _noise(100)  # 100 samples, a frame is 200
    out = MFCC(sample_rate=RATE).fit_transform([short])[0]
    assert out.shape == (1, 13)
    with pytest.raises(ValueError, match=r"Waveform 1 has 100 samples.*pad_end=True"):
        MFCC(sample_rate=RATE, pad_end=False).fit([_noise(400), short])
    mfcc = MFCC(sample_rate=RATE, pad_end=False).fit([_noise(400)])
    assert mfcc.transform([_noise(400)])[0].shape == (3, 13)  # 400 = 200 + 2 * 80 + 40


def test_pipeline_and_grouped_search_on_shipped_recordings(digits):
    # two digits, three speakers, eight takes: small enough to run in a second
    rows = np.flatnonzero(
        np.isin(digits.target, [0, 1])
        & np.isin(digits.speaker, digits.speaker_names[:3])
        & (digits.take < 8)
    )
    X, y, groups = digits.data[rows], digits.target[rows], digits.speaker[rows]
    pipeline = make_pipeline(
        MFCC(sample_rate=digits.sample_rate),
        UtteranceFeatures(),
        StandardScaler(),
        BackpropClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=50,
                           random_state=0),
    )  # fmt: skip
    search = GridSearchCV(
        pipeline,
        {"mfcc__n_mels": [20, 26], "mfcc__normalize": [None, "mean"]},
        cv=GroupKFold(n_splits=3),
    )
    search.fit(X, y, groups=groups)
    assert len(search.cv_results_["params"]) == 4
    assert search.score(X, y) > 0.9
    names = search.best_estimator_[:-2].get_feature_names_out()
    assert names[0] == "log_energy_mean"
    cloned = clone(pipeline.set_params(mfcc__deltas=1))
    assert cloned.get_params()["mfcc__deltas"] == 1
    assert not hasattr(cloned[0], "filterbank_")


def test_parameters_are_only_stored():
    mfcc = MFCC(sample_rate=-3, window="nope")
    assert mfcc.get_params()["sample_rate"] == -3
    with pytest.raises(InvalidParameterError, match="'sample_rate' parameter"):
        mfcc.fit([_noise(400)])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"sample_rate": None}, "set sample_rate.*got sample_rate=None"),
        ({"sample_rate": 0}, "'sample_rate' parameter of MFCC must be"),
        ({"sample_rate": -8000}, "'sample_rate' parameter of MFCC must be"),
        ({"frame_length": 0.00001}, "'frame_length'.*at least one sample"),
        ({"hop_length": 0.00001}, "'hop_length'.*at least one sample"),
        ({"n_fft": 128}, "'n_fft'.*frame of 200 samples; got n_fft=128"),
        ({"fmax": 5000}, "'fmax'.*at most half the sample rate.*got fmax=5000"),
        ({"fmin": 4000}, "'fmin'.*below fmax.*got fmin=4000"),
        ({"n_ceps": 30}, "'n_ceps'.*at most n_mels=26; got n_ceps=30"),
        ({"energy": "drop", "n_ceps": 1}, "energy='drop'.*got n_ceps=1"),
        ({"deltas": 3}, "'deltas' parameter of MFCC must be"),
        ({"preemphasis": 1.0}, "'preemphasis' parameter of MFCC must be"),
        ({"normalize": "var"}, "'normalize' parameter of MFCC must be"),
    ],
)
def test_invalid_parameters(params, match):
    mfcc = MFCC(**{"sample_rate": RATE, **params})
    with pytest.raises(ValueError, match=match):
        mfcc.fit([_noise(4000)])


def _stereo():
    return _noise(800).reshape(400, 2)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (_noise(4000), ValueError, r"numeric array of shape \(4000,\).*\[x\]"),
        (np.zeros((3, 4000)), ValueError, r"numeric array of shape \(3, 4000\)"),
        ([_stereo()], ValueError, r"Waveform 0 must be a 1-D.*\(400, 2\).*stereo"),
        ([_noise(400), np.zeros((5, 5, 5))], ValueError, "Waveform 1 must be a 1-D"),
        ([np.array([0.1, np.nan] * 300)], ValueError, "Waveform 0 contains NaN"),
        ([np.array([0.1, np.inf] * 300)], ValueError, "Waveform 0 contains NaN"),
        ([np.array([])], ValueError, "Waveform 0 is empty"),
        ([], ValueError, "no waveforms"),
        (pd.DataFrame({"a": [1.0, 2.0]}), ValueError, "not a DataFrame"),
        ("noise.wav", TypeError, "sequence of waveforms"),
        (42, TypeError, "sequence of waveforms"),
        ([np.array(["a", "b"])], TypeError, "Waveform 0 must hold float samples"),
        ([np.ones(500, dtype=bool)], TypeError, "got dtype bool"),
        ([np.ones(500, dtype=np.uint8)], TypeError, "got dtype uint8"),
        ([np.ones(500, dtype=np.int64)], TypeError, r"\(int8, int16 or int32\).*int64"),
        ([np.ones(500, dtype=complex)], TypeError, "got dtype complex128"),
        ([np.array([object()] * 300)], TypeError, "Waveform 0 must contain numbers"),
    ],
)
def test_bad_input(X, error, match):
    mfcc = MFCC(sample_rate=RATE)
    with pytest.raises(error, match=match):
        mfcc.fit(X)
    fitted = MFCC(sample_rate=RATE).fit([_noise(400)])
    with pytest.raises(error, match=match):
        fitted.transform(X)


def test_tags():
    tags = MFCC(sample_rate=RATE).__sklearn_tags__()
    assert tags.input_tags.two_d_array is False
    assert tags.requires_fit is True


def test_pandas_output_config_wraps_only_the_table():
    X = [_noise(3000), _noise(2000, seed=1)]
    with config_context(transform_output="pandas"):
        frames = MFCC(sample_rate=RATE).fit_transform(X)
        table = make_pipeline(
            MFCC(sample_rate=RATE), UtteranceFeatures()
        ).fit_transform(X)
    assert isinstance(frames, list) and frames[0].shape == (36, 13)
    assert isinstance(table, pd.DataFrame) and table.shape == (2, 9 * 13)

"""The steps of the MFCC recipe, each a small function of arrays.

:class:`~skbackprop.preprocessing.MFCC` chains them; they are kept apart so that
each one can be tested against its equation on its own. Every function returns
a new array and leaves its input untouched.
"""

import numpy as np
import scipy.fft
import scipy.signal

# The floor under band and frame energies before the logarithm, so that a frame of
# digital silence gives a large negative number instead of -inf.
ENERGY_FLOOR = np.finfo(np.float64).eps


def _rectangular(n):
    return np.ones(n)


# Analysis windows of length n. scipy's periodic ("fftbins") form is the one made
# for spectral analysis: its period equals the frame length.
WINDOWS = {
    "hamming": lambda n: scipy.signal.get_window("hamming", n, fftbins=True),
    "hann": lambda n: scipy.signal.get_window("hann", n, fftbins=True),
    "blackman": lambda n: scipy.signal.get_window("blackman", n, fftbins=True),
    "rectangular": _rectangular,
}


def n_samples(seconds, sample_rate):
    """A duration in seconds as a whole number of samples, rounding halves up."""
    return int(np.floor(seconds * sample_rate + 0.5))


def preemphasize(x, coef):
    """First-order high-pass filter ``y[t] = x[t] - coef * x[t - 1]``, ``y[0] = x[0]``.

    Parameters
    ----------
    x : ndarray of shape (n_samples,)
    coef : float

    Returns
    -------
    y : ndarray of shape (n_samples,)
    """
    y = np.empty_like(x)
    y[0] = x[0]
    np.subtract(x[1:], coef * x[:-1], out=y[1:])
    return y


def n_frames(length, frame_length, hop_length, pad_end):
    """How many frames of ``frame_length`` samples, ``hop_length`` apart, a signal has.

    With ``pad_end`` the frames cover every sample (the last one is zero-padded);
    without it, samples after the last full frame are dropped.
    """
    if pad_end:
        if length <= frame_length:
            return 1
        return 1 + -(-(length - frame_length) // hop_length)  # ceil division
    return 1 + (length - frame_length) // hop_length


def frame_signal(x, frame_length, hop_length, pad_end=True):
    """Cut a signal into overlapping frames.

    Frame ``m`` holds samples ``m * hop_length`` to ``m * hop_length +
    frame_length - 1``. See :func:`n_frames` for the last frame.

    Parameters
    ----------
    x : ndarray of shape (n_samples,)
        With ``pad_end=False`` at least ``frame_length`` samples.
    frame_length, hop_length : int
    pad_end : bool, default=True

    Returns
    -------
    frames : ndarray of shape (n_frames, frame_length)
        A read-only view of ``x`` (or of a zero-padded copy).
    """
    count = n_frames(len(x), frame_length, hop_length, pad_end)
    needed = (count - 1) * hop_length + frame_length
    if needed > len(x):
        x = np.concatenate([x, np.zeros(needed - len(x), dtype=x.dtype)])
    windows = np.lib.stride_tricks.sliding_window_view(x[:needed], frame_length)
    return windows[::hop_length]  # (n_frames, frame_length)


def power_spectrum(frames, n_fft):
    """Periodogram of each frame: ``|FFT(frame)|**2 / n_fft`` at bins 0 to n_fft // 2.

    Frames shorter than ``n_fft`` are zero-padded.

    Parameters
    ----------
    frames : ndarray of shape (n_frames, frame_length)
    n_fft : int
        At least ``frame_length``.

    Returns
    -------
    power : ndarray of shape (n_frames, n_fft // 2 + 1)
    """
    spectrum = scipy.fft.rfft(frames, n=n_fft, axis=1)  # (n_frames, n_fft // 2 + 1)
    power = spectrum.real**2
    power += spectrum.imag**2
    power /= n_fft
    return power


def hz_to_mel(hz):
    """The mel scale of O'Shaughnessy (1987), as in HTK: ``2595 log10(1 + f / 700)``."""
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def mel_to_hz(mel):
    """The inverse of :func:`hz_to_mel`."""
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(n_mels, n_fft, sample_rate, fmin, fmax, edges="exact"):
    """Triangular filters equally spaced on the mel scale.

    Filter ``k`` rises from 0 at edge ``f[k]`` to 1 at ``f[k + 1]`` and falls back
    to 0 at ``f[k + 2]``, where ``f`` are ``n_mels + 2`` frequencies equally spaced
    in mels from ``fmin`` to ``fmax``. With ``edges="exact"`` the triangles are
    evaluated at the frequency of every FFT bin; with ``edges="fft_bin"`` the
    edges are first moved down to an FFT bin, as python_speech_features does.

    Parameters
    ----------
    n_mels, n_fft : int
    sample_rate, fmin, fmax : float
    edges : {"exact", "fft_bin"}, default="exact"

    Returns
    -------
    filters : ndarray of shape (n_mels, n_fft // 2 + 1)
        Peak value 1, no area normalisation.
    """
    mels = np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    if edges == "exact":
        points = mel_to_hz(mels)  # (n_mels + 2,) in Hz
        bins = np.arange(n_fft // 2 + 1) * sample_rate / n_fft  # (n_bins,) in Hz
    else:
        points = np.floor((n_fft + 1) * mel_to_hz(mels) / sample_rate)  # bin numbers
        bins = np.arange(n_fft // 2 + 1, dtype=np.float64)
    left, centre, right = points[:-2, None], points[1:-1, None], points[2:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = (bins - left) / (centre - left)  # (n_mels, n_bins)
        falling = (right - bins) / (right - centre)  # (n_mels, n_bins)
    rising = np.where((bins >= left) & (bins < centre), rising, 0.0)
    falling = np.where((bins >= centre) & (bins < right), falling, 0.0)
    return rising + falling


def dct_ii(x, n_coef):
    """Orthonormal DCT-II along the last axis, first ``n_coef`` coefficients.

    ``c[n] = s[n] sum_k x[k] cos(pi n (2k + 1) / (2K))`` with ``s[0] = sqrt(1/K)``
    and ``s[n] = sqrt(2/K)`` otherwise, ``K = x.shape[-1]``.
    """
    return scipy.fft.dct(x, type=2, norm="ortho", axis=-1)[..., :n_coef]


def lifter_weights(n_coef, lifter):
    """Sinusoidal lifter ``w[n] = 1 + (L / 2) sin(pi n / L)``; ones if ``L == 0``."""
    n = np.arange(n_coef)
    if lifter == 0:
        return np.ones(n_coef)
    return 1.0 + lifter / 2.0 * np.sin(np.pi * n / lifter)


def deltas(features, width):
    """Regression deltas over ``2 * width + 1`` frames, edges repeated.

    ``d[t] = sum_{n=1}^{N} n (c[t + n] - c[t - n]) / (2 sum_{n=1}^{N} n**2)``,
    with ``c[t] = c[0]`` before the first frame and the last frame after the end.

    Parameters
    ----------
    features : ndarray of shape (n_frames, n_coef)
    width : int
        ``N``, at least 1.

    Returns
    -------
    delta : ndarray of shape (n_frames, n_coef)
    """
    n_frames = len(features)
    padded = np.pad(features, ((width, width), (0, 0)), mode="edge")
    delta = np.zeros_like(features, dtype=np.float64)
    for n in range(1, width + 1):
        # (n_frames, n_coef) each
        delta += n * (
            padded[width + n : width + n + n_frames] - padded[width - n :][:n_frames]
        )
    return delta / (2 * sum(n * n for n in range(1, width + 1)))


def to_db(log_energy):
    """Natural-log energies in decibels, ``10 log10(E)``."""
    return (10.0 / np.log(10.0)) * log_energy


def trim_range(log_energy, top_db):
    """The first and one-past-last frame within ``top_db`` dB of the loudest frame.

    ``log_energy`` is the natural log of each frame's energy. At least the
    loudest frame is kept.
    """
    db = to_db(log_energy - log_energy.max())  # (n_frames,)
    loud = np.flatnonzero(db >= -top_db)
    return loud[0], loud[-1] + 1


def speech_threshold(db, floor_percentile, peak_percentile, fraction, top_db):
    """The energy (dB) above which a frame counts as speech.

    With ``floor`` and ``peak`` the given percentiles of the frame energies
    ``db``, the threshold is the higher (stricter) of
    ``floor + fraction * (peak - floor)``, a fixed share of the recording's own
    dynamic range above its noise floor, and ``peak - top_db``, which decides
    when the floor is digital silence and the range is huge.
    """
    floor, peak = np.percentile(db, [floor_percentile, peak_percentile])
    return max(floor + fraction * (peak - floor), peak - top_db)


def speech_range(active, max_gap, min_frames, hangover):
    """The first and one-past-last frame of speech from a per-frame decision.

    Runs of ``active`` frames separated by at most ``max_gap`` inactive frames
    are merged into segments (the closure before a plosive is not the end of a
    word); segments shorter than ``min_frames`` are dropped (a click is not
    speech), unless none is longer, when the longest is kept. The range runs
    from the first kept segment to the last, widened by ``hangover`` frames on
    each side for the weak onsets and offsets under the threshold.

    Parameters
    ----------
    active : ndarray of bool of shape (n_frames,)
        At least one True.
    max_gap, min_frames, hangover : int

    Returns
    -------
    start, stop : int
    """
    index = np.flatnonzero(active)  # (n_active,)
    breaks = np.flatnonzero(np.diff(index) > max_gap + 1)  # last run before a gap
    starts = index[np.r_[0, breaks + 1]]  # (n_segments,)
    stops = index[np.r_[breaks, len(index) - 1]] + 1  # (n_segments,)
    lengths = stops - starts
    kept = lengths >= min(min_frames, lengths.max())
    start = max(starts[kept][0] - hangover, 0)
    stop = min(stops[kept][-1] + hangover, len(active))
    return start, stop


def normalize_utterance(features, variance):
    """Subtract each coefficient's mean over the frames; optionally divide by its std.

    A coefficient that does not vary (one frame, or digital silence) is only
    centred.
    """
    centred = features - features.mean(axis=0)
    if not variance:
        return centred
    std = features.std(axis=0)
    return centred / np.where(std > 0, std, 1.0)

"""Mel-frequency cepstral coefficients from raw waveforms."""

from numbers import Integral, Real

import numpy as np
import scipy.ndimage
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._sklearn_compat import Interval, StrOptions, _fit_context
from . import _speech
from ._validation import as_number_array, as_sequence, check_finite

# The heavy steps (window, FFT, filterbank, DCT) run on the frames of many
# recordings at once; this bounds the frames in one batch, so that the working
# arrays stay a few MB whatever the number of recordings.
BATCH_FRAMES = 4096
PCM_DTYPES = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32))

# trim="auto": the settings of the speech detector (see the MFCC docstring).
# The 10th percentile of the frame energies stands for the noise floor and the
# 95th for the speech level: both ignore a few outlying frames (a click, a
# dropout). A quarter of the range above the floor keeps the weak fricatives
# of clean speech, and, on energies smoothed by a running median over 5
# frames, clears the frame-to-frame jitter of steady noise down to a 5 dB
# signal-to-noise ratio (tests/test_trim.py); 40 dB below the speech level
# takes over when the floor is digital silence.
AUTO_TRIM = {
    "floor_percentile": 10,
    "peak_percentile": 95,
    "fraction": 0.25,
    "top_db": 40,
}
# In seconds: SMOOTH is the span of the running median; pauses inside a word
# (a plosive's closure) are shorter than MAX_GAP; a click lasts less than
# MIN_SPEECH, a spoken word more; HANGOVER keeps the faint edges of the word
# that fall under the threshold.
SMOOTH = 0.05
MAX_GAP, MIN_SPEECH, HANGOVER = 0.2, 0.06, 0.02


def _as_waveform_list(X):
    """Return X as a list of recordings, rejecting containers that are not sequences."""
    return as_sequence(
        X,
        "waveforms",
        elements=("1-D arrays", "1-D arrays of samples"),
        each="a 1-D array of samples",
        hint=(
            "A single recording is passed as [x]; equal-length recordings stacked "
            "in a 2-D array as list(X)."
        ),
    )


def _check_waveform(x, index):
    """Validate one recording and return it as float64 (integers scaled to [-1, 1))."""
    x = as_number_array(x, f"Waveform {index}")
    # PCM integers come as int8, int16 or int32; int64 (what a list of Python
    # ints becomes) has no PCM scale, so guessing one would be silently wrong.
    if x.dtype.kind != "f" and x.dtype not in PCM_DTYPES:
        raise TypeError(
            f"Waveform {index} must hold float samples in [-1, 1] or integer PCM "
            f"samples (int8, int16 or int32); got dtype {x.dtype}."
        )
    if x.ndim != 1:
        hint = ""
        if x.ndim == 2 and min(x.shape) <= 8:
            hint = (
                " It looks like a multi-channel (stereo) recording: pass one "
                "channel, x[:, 0], or their mean, x.mean(axis=1)."
            )
        raise ValueError(
            f"Waveform {index} must be a 1-D array of samples; got a {x.ndim}-D "
            f"array of shape {x.shape}.{hint}"
        )
    if len(x) == 0:
        raise ValueError(f"Waveform {index} is empty; at least 1 sample is required.")
    if x.dtype.kind == "i":
        # PCM integers map to [-1, 1): int16 is divided by 32768.
        return x / -float(np.iinfo(x.dtype).min)
    x = x.astype(np.float64, copy=False)
    check_finite(x, f"Waveform {index}")
    return x


# auto_wrap_output_keys=None: the output is a list of matrices of different
# lengths, which set_output(transform="pandas") cannot turn into one DataFrame;
# the UtteranceFeatures after it produces the table that can.
class MFCC(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    r"""Mel-frequency cepstral coefficients of each recording, frame by frame.

    Turns a sequence of waveforms (each a 1-D array, each its own length) into a
    list of frame matrices of shape ``(n_frames_i, n_coef)``, the input that
    :class:`~skbackprop.preprocessing.UtteranceFeatures` summarises. Each step
    of the standard recipe is a parameter, so a grid search can tune the front
    end together with the model after it:

    1. pre-emphasis, :math:`y_t = x_t - a x_{t-1}` (``preemphasis``);
    2. framing: frames of ``frame_length`` seconds every ``hop_length``
       seconds (``pad_end`` for the last, partial one);
    3. a ``window`` on each frame and its power spectrum
       :math:`|\mathrm{FFT}|^2 / N` over ``n_fft`` points;
    4. ``n_mels`` triangular filters equally spaced on the mel scale between
       ``fmin`` and ``fmax`` (``mel_edges``), and the log of each band energy;
    5. the orthonormal DCT-II of the log band energies, first ``n_ceps``
       coefficients, times the sinusoidal ``lifter``;
    6. ``energy``: keep :math:`c_0`, replace it by the log energy of the frame,
       or drop it;
    7. ``trim``: drop the silence before and after the speech, found
       relative to the recording's own noise floor (by default);
    8. optionally: normalise each coefficient over the frames of the
       recording (``normalize``), and append ``deltas`` (and delta-deltas)
       over ``2 * delta_width + 1`` frames.

    The user guide's "Speech features" page gives the equation of every step.

    Parameters
    ----------
    sample_rate : float, default=None
        Samples per second of the recordings, for instance 8000. It must be
        given: :meth:`fit` raises a ValueError while it is None.

    frame_length : float, default=0.025
        The length of a frame in seconds (rounded to whole samples).

    hop_length : float, default=0.01
        The time between the starts of consecutive frames in seconds.

    n_fft : int, default=None
        FFT length; frames are zero-padded to it. None takes the smallest power
        of two that holds a frame. It must hold a frame.

    window : {"hamming", "hann", "blackman", "rectangular"}, default="hamming"
        The analysis window applied to each frame (scipy's periodic form).

    preemphasis : float, default=0.97
        The coefficient :math:`a` of the pre-emphasis filter, in [0, 1); 0
        disables it.

    n_mels : int, default=26
        The number of mel bands.

    fmin : float, default=0.0
        The lower edge of the lowest mel band in Hz.

    fmax : float, default=None
        The upper edge of the highest mel band in Hz, at most half the sample
        rate. None means half the sample rate.

    mel_edges : {"exact", "fft_bin"}, default="exact"
        ``"exact"`` evaluates the triangles at the frequency of each FFT bin;
        ``"fft_bin"`` first rounds the band edges down to FFT bins, as
        python_speech_features does (with few FFT points, low bands can then
        become empty).

    n_ceps : int, default=13
        The number of cepstral coefficients kept, :math:`c_0` to
        :math:`c_{n\_ceps - 1}`; at most ``n_mels``.

    lifter : float, default=22
        The parameter :math:`L` of the lifter
        :math:`w_n = 1 + (L/2) \sin(\pi n / L)`; 0 disables it.

    energy : {"log_energy", "c0", "drop"}, default="log_energy"
        What the first coefficient is: the log of the frame's energy (sum of its
        power spectrum), the DCT's own :math:`c_0`, or nothing (the output
        then starts at :math:`c_1` and has ``n_ceps - 1`` cepstra).

    trim : "auto", float or None, default="auto"
        How the silence before and after the speech is removed, from the
        frame energies in decibels :math:`e_m = 10 \log_{10} E_m` (of the
        pre-emphasised frames).

        - ``"auto"``: the energies are smoothed by a running median over
          0.05 s (5 frames); with the noise floor :math:`f` and the speech
          level :math:`p` the 10th and 95th percentiles of the smoothed
          :math:`\tilde e_m`, a frame is speech if
          :math:`\tilde e_m \ge \max(f + (p - f)/4,\ p - 40)`. Runs of
          speech frames less than 0.2 s apart are merged; runs shorter than
          0.06 s (clicks) are ignored unless nothing longer exists; the
          frames from the first run to the last, widened by 0.02 s on each
          side, are kept.
        - a float ``top_db``: keep from the first to the last frame with
          :math:`e_m \ge \max_m e_m - \mathrm{top\_db}` (librosa's
          ``effects.trim`` rule), nothing else.
        - None: keep every frame.

    normalize : {"mean", "mean_var"}, default=None
        Per-recording normalisation of the cepstra (before the deltas):
        subtract each coefficient's mean over the frames (cepstral mean
        normalisation), and with ``"mean_var"`` also divide by its standard
        deviation. None leaves them as they are.

    deltas : int, default=0
        0 for the cepstra alone, 1 to append their deltas, 2 to append the
        deltas and the delta-deltas.

    delta_width : int, default=2
        The deltas are regressions over ``2 * delta_width + 1`` frames.

    pad_end : bool, default=True
        If True, the last frame is zero-padded to cover the end of the
        recording, and a recording shorter than one frame gives one padded
        frame. If False, samples after the last full frame are dropped and a
        recording shorter than one frame raises a ValueError.

    Attributes
    ----------
    frame_length_samples_ : int
        The frame length in samples.

    hop_length_samples_ : int
        The hop in samples.

    n_fft_ : int
        The FFT length used.

    filterbank_ : ndarray of shape (n_mels, n_fft_ // 2 + 1)
        The mel filters, one row per band.

    n_coef_ : int
        The number of columns of every output matrix.

    See Also
    --------
    UtteranceFeatures : Fixed-length features from the frame matrices.
    skbackprop.datasets.load_spoken_digits : Recordings to try it on.

    Notes
    -----
    The transformer learns nothing from the recordings: :meth:`fit` checks the
    parameters and the input and precomputes the filterbank, so ``transform``
    of one recording does not depend on the others. Integer samples are
    scaled to [-1, 1) (int16 divided by 32768); float samples are used as they
    are. The caller's arrays are never modified. The output is float64.

    With ``window="rectangular"``, ``n_fft=512``, ``mel_edges="fft_bin"`` and
    ``trim=None`` (and the other parameters at their defaults), the output equals
    ``python_speech_features.mfcc`` on the same samples to rounding.

    Examples
    --------
    >>> import numpy as np
    >>> from skbackprop.preprocessing import MFCC
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(4000) / 8000
    >>> X = [np.sin(2 * np.pi * 440 * t), 0.1 * rng.normal(size=2000)]
    >>> mfcc = MFCC(sample_rate=8000, deltas=1).fit(X)
    >>> [U.shape for U in mfcc.transform(X)]
    [(49, 26), (24, 26)]
    >>> mfcc.get_feature_names_out()[[0, 1, 13]]
    array(['log_energy', 'mfcc_1', 'd_log_energy'], dtype=object)
    """

    _parameter_constraints = {
        "sample_rate": [Interval(Real, 0, None, closed="neither"), None],
        "frame_length": [Interval(Real, 0, None, closed="neither")],
        "hop_length": [Interval(Real, 0, None, closed="neither")],
        "n_fft": [Interval(Integral, 1, None, closed="left"), None],
        "window": [StrOptions(set(_speech.WINDOWS))],
        "preemphasis": [Interval(Real, 0, 1, closed="left")],
        "n_mels": [Interval(Integral, 1, None, closed="left")],
        "fmin": [Interval(Real, 0, None, closed="left")],
        "fmax": [Interval(Real, 0, None, closed="neither"), None],
        "mel_edges": [StrOptions({"exact", "fft_bin"})],
        "n_ceps": [Interval(Integral, 1, None, closed="left")],
        "lifter": [Interval(Real, 0, None, closed="left")],
        "energy": [StrOptions({"log_energy", "c0", "drop"})],
        "trim": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither"), None],
        "normalize": [StrOptions({"mean", "mean_var"}), None],
        "deltas": [Interval(Integral, 0, 2, closed="both")],
        "delta_width": [Interval(Integral, 1, None, closed="left")],
        "pad_end": ["boolean"],
    }

    def __init__(
        self,
        sample_rate=None,
        *,
        frame_length=0.025,
        hop_length=0.01,
        n_fft=None,
        window="hamming",
        preemphasis=0.97,
        n_mels=26,
        fmin=0.0,
        fmax=None,
        mel_edges="exact",
        n_ceps=13,
        lifter=22,
        energy="log_energy",
        trim="auto",
        normalize=None,
        deltas=0,
        delta_width=2,
        pad_end=True,
    ):
        self.sample_rate = sample_rate
        self.frame_length = frame_length
        self.hop_length = hop_length
        self.n_fft = n_fft
        self.window = window
        self.preemphasis = preemphasis
        self.n_mels = n_mels
        self.fmin = fmin
        self.fmax = fmax
        self.mel_edges = mel_edges
        self.n_ceps = n_ceps
        self.lifter = lifter
        self.energy = energy
        self.trim = trim
        self.normalize = normalize
        self.deltas = deltas
        self.delta_width = delta_width
        self.pad_end = pad_end

    def _check_settings(self):
        """Check the parameters against each other; return the derived settings."""
        if self.sample_rate is None:
            raise ValueError(
                "MFCC needs the sample rate of the recordings: set sample_rate, "
                "for instance MFCC(sample_rate=8000); got sample_rate=None."
            )
        rate = float(self.sample_rate)
        frame = _speech.n_samples(self.frame_length, rate)
        hop = _speech.n_samples(self.hop_length, rate)
        for name, value, samples in (
            ("frame_length", self.frame_length, frame),
            ("hop_length", self.hop_length, hop),
        ):
            if samples < 1:
                raise ValueError(
                    f"The {name!r} parameter of MFCC must last at least one sample "
                    f"at sample_rate={self.sample_rate}; got {name}={value}."
                )
        n_fft = self.n_fft
        if n_fft is None:
            n_fft = 1 << (frame - 1).bit_length()
        elif n_fft < frame:
            raise ValueError(
                f"The 'n_fft' parameter of MFCC must hold a frame of {frame} "
                f"samples; got n_fft={n_fft}. Use n_fft >= {frame} or None."
            )
        fmax = rate / 2 if self.fmax is None else float(self.fmax)
        if fmax > rate / 2:
            raise ValueError(
                f"The 'fmax' parameter of MFCC must be at most half the sample rate "
                f"({rate / 2:g} Hz); got fmax={self.fmax}."
            )
        if self.fmin >= fmax:
            raise ValueError(
                f"The 'fmin' parameter of MFCC must be below fmax ({fmax:g} Hz); "
                f"got fmin={self.fmin}."
            )
        if self.n_ceps > self.n_mels:
            raise ValueError(
                f"The 'n_ceps' parameter of MFCC must be at most n_mels="
                f"{self.n_mels}; got n_ceps={self.n_ceps}."
            )
        if self.energy == "drop" and self.n_ceps < 2:
            raise ValueError(
                "With energy='drop' the 'n_ceps' parameter of MFCC must be at "
                f"least 2, or nothing is left; got n_ceps={self.n_ceps}."
            )
        return rate, frame, hop, n_fft, fmax

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the recordings; build the filterbank.

        Parameters
        ----------
        X : sequence of array-like of shape (n_samples_i,)
            The recordings: a list, a 1-D object ndarray or a pandas Series of
            1-D arrays of float samples (in [-1, 1]) or integer PCM samples
            (int8, int16 or int32).

        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        rate, frame, hop, n_fft, fmax = self._check_settings()
        self._check_waveforms(X, frame)
        self.frame_length_samples_ = frame
        self.hop_length_samples_ = hop
        self.n_fft_ = n_fft
        self.filterbank_ = _speech.mel_filterbank(
            self.n_mels, n_fft, rate, float(self.fmin), fmax, self.mel_edges
        )
        n_ceps = self.n_ceps - (self.energy == "drop")
        self.n_coef_ = n_ceps * (1 + self.deltas)
        return self

    def _check_waveforms(self, X, frame):
        waveforms = [_check_waveform(x, i) for i, x in enumerate(_as_waveform_list(X))]
        if not self.pad_end:
            for index, x in enumerate(waveforms):
                if len(x) < frame:
                    raise ValueError(
                        f"Waveform {index} has {len(x)} samples, fewer than one frame "
                        f"({frame} samples); with pad_end=False MFCC refuses it. Set "
                        "pad_end=True to zero-pad it to one frame."
                    )
        return waveforms

    def transform(self, X):
        """Compute the coefficients of every frame of every recording.

        Parameters
        ----------
        X : sequence of array-like of shape (n_samples_i,)
            The recordings, in any of the forms accepted by :meth:`fit`.

        Returns
        -------
        X_out : list of ndarray of shape (n_frames_i, n_coef_)
            One float64 matrix per recording, one row per frame.
        """
        check_is_fitted(self)
        waveforms = self._check_waveforms(X, self.frame_length_samples_)
        frames = [self._frames(x) for x in waveforms]
        out, batch, batch_frames = [], [], 0
        for F in frames:
            batch.append(F)
            batch_frames += len(F)
            if batch_frames >= BATCH_FRAMES:
                out.extend(self._cepstra(batch))
                batch, batch_frames = [], 0
        if batch:
            out.extend(self._cepstra(batch))
        return [self._finish(C, log_energy) for C, log_energy in out]

    def _frames(self, x):
        if self.preemphasis > 0:
            x = _speech.preemphasize(x, self.preemphasis)
        return _speech.frame_signal(
            x, self.frame_length_samples_, self.hop_length_samples_, self.pad_end
        )

    def _cepstra(self, batch):
        """Cepstra and log energies of a batch of recordings' frames, in one pass."""
        frames = np.concatenate(batch)  # (n_frames, frame_length), our own copy
        frames *= _speech.WINDOWS[self.window](self.frame_length_samples_)
        power = _speech.power_spectrum(frames, self.n_fft_)  # (n_frames, n_bins)
        log_energy = np.log(np.maximum(power.sum(axis=1), _speech.ENERGY_FLOOR))
        bands = power @ self.filterbank_.T  # (n_frames, n_mels)
        np.log(np.maximum(bands, _speech.ENERGY_FLOOR, out=bands), out=bands)
        ceps = _speech.dct_ii(bands, self.n_ceps)  # (n_frames, n_ceps)
        ceps *= _speech.lifter_weights(self.n_ceps, self.lifter)
        if self.energy == "log_energy":
            ceps[:, 0] = log_energy
        elif self.energy == "drop":
            ceps = ceps[:, 1:]
        bounds = np.cumsum([len(F) for F in batch])[:-1]
        return zip(np.split(ceps, bounds), np.split(log_energy, bounds))

    def _finish(self, C, log_energy):
        """The per-recording steps: trimming, normalisation, deltas."""
        if self.trim is not None:
            start, stop = self._speech_range(log_energy)
            C = C[start:stop]
        if self.normalize is not None:
            C = _speech.normalize_utterance(C, variance=self.normalize == "mean_var")
        if self.deltas == 0:
            return np.ascontiguousarray(C)
        parts = [C, _speech.deltas(C, self.delta_width)]
        if self.deltas == 2:
            parts.append(_speech.deltas(parts[1], self.delta_width))
        return np.hstack(parts)  # (n_frames, n_coef_)

    def _speech_range(self, log_energy):
        """The first and one-past-last frame that ``trim`` keeps."""
        if self.trim != "auto":
            return _speech.trim_range(log_energy, self.trim)
        hop = self.hop_length_samples_ / float(self.sample_rate)  # seconds
        frames = {name: max(round(seconds / hop), 1) for name, seconds in
                  (("max_gap", MAX_GAP), ("min_frames", MIN_SPEECH),
                   ("hangover", HANGOVER))}  # fmt: skip
        db = scipy.ndimage.median_filter(
            _speech.to_db(log_energy), size=max(round(SMOOTH / hop), 1), mode="nearest"
        )  # (n_frames,)
        threshold = _speech.speech_threshold(db, **AUTO_TRIM)
        return _speech.speech_range(db >= threshold, **frames)

    def get_feature_names_out(self, input_features=None):
        """Get the names of the coefficients, the columns of each output matrix.

        In a pipeline, :class:`UtteranceFeatures` builds its own names from
        these (``mfcc_3_mean``, ...).

        Parameters
        ----------
        input_features : None
            Ignored; a waveform has no feature names.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``log_energy`` or ``mfcc_0`` (unless ``energy="drop"``), then
            ``mfcc_1``, ...; the deltas prefixed with ``d_`` and the
            delta-deltas with ``dd_``.
        """
        check_is_fitted(self)
        first = {"log_energy": ["log_energy"], "c0": ["mfcc_0"], "drop": []}
        names = first[self.energy] + [f"mfcc_{n}" for n in range(1, self.n_ceps)]
        prefixes = ["", "d_", "dd_"][: 1 + self.deltas]
        return np.asarray([p + name for p in prefixes for name in names], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The input is a sequence of 1-D waveforms, not a (n_samples, n_features)
        # matrix, and the output a list of matrices.
        tags.input_tags.two_d_array = False
        tags.transformer_tags.preserves_dtype = []
        return tags

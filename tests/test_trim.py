"""MFCC's trimming: the speech detector against its rules, recordings with known
speech boundaries at several noise levels, and librosa's ``effects.trim`` as an
oracle for the fixed threshold below the loudest frame.

librosa is in the test extra, so the comparison always runs.
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skbackprop.preprocessing import MFCC, _speech

RATE = 8000
FRAME, HOP = 200, 80  # MFCC's default 25 ms and 10 ms at 8 kHz


def _word(n, seed=0):
    """A voiced, word-like sound of n samples: harmonics of a gliding pitch up
    to about 3 kHz (a roughly flat spectrum, as speech is after pre-emphasis),
    under a syllable-like envelope with 20 ms raised-cosine ramps."""
    t = np.arange(n) / RATE
    pitch = 120 + 30 * t / t[-1]  # Hz
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    rng = np.random.default_rng(seed)
    voice = sum(rng.uniform(0.3, 1.0) * np.sin(k * phase) for k in range(1, 20))
    ramp = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)
    envelope = 0.5 - 0.5 * np.cos(np.pi * ramp)
    envelope *= 0.6 + 0.4 * np.sin(np.pi * t / t[-1])  # louder in the middle
    return 0.3 * envelope * voice / np.abs(voice).max()


def _recording(before, speech, after, snr_db, seed=0):
    """Silence, a word, silence (lengths in samples), plus white noise at snr_db
    below the word's mean power (None: no noise at all)."""
    word = _word(speech, seed)
    x = np.concatenate([np.zeros(before), word, np.zeros(after)])
    if snr_db is not None:
        noise_power = np.mean(word**2) / 10 ** (snr_db / 10)
        x += np.sqrt(noise_power) * np.random.default_rng(seed + 1).normal(size=x.size)
    return x


def _kept_frames(x, **params):
    """The frames of x that MFCC(trim=...) keeps, as (first, one past last)."""
    plain = MFCC(sample_rate=RATE, **{**params, "trim": None}).fit_transform([x])[0]
    trimmed = MFCC(sample_rate=RATE, **params).fit_transform([x])[0]
    starts = [
        m for m in range(len(plain) - len(trimmed) + 1)
        if np.array_equal(plain[m : m + len(trimmed)], trimmed)
    ]  # fmt: skip
    assert len(starts) == 1
    return starts[0], starts[0] + len(trimmed)


def _speech_frames(before, speech):
    """The frames that hold samples of the word (from `before` to `before + speech`)."""
    first = max(0, -(-(before - FRAME + 1) // HOP))  # first frame reaching the word
    last = (before + speech - 1) // HOP  # last frame starting inside it
    return first, last + 1


# -- the steps --------------------------------------------------------------------


def test_speech_threshold_is_the_stricter_rule():
    db = np.r_[np.full(90, -60.0), np.full(10, -20.0)]  # floor -60, peak -20
    # 25% of the 40 dB range above the floor beats 30 dB below the peak ...
    assert _speech.speech_threshold(db, 10, 95, 0.25, 30) == pytest.approx(-50.0)
    # ... and 10 dB below the peak beats it.
    assert _speech.speech_threshold(db, 10, 95, 0.25, 10) == pytest.approx(-30.0)


def test_speech_range_merges_gaps_drops_clicks_and_widens():
    active = np.zeros(60, dtype=bool)
    active[5] = True  # a click
    active[20:30] = active[33:40] = True  # a word with a pause of 3 frames
    assert _speech.speech_range(active, max_gap=3, min_frames=4, hangover=2) == (18, 42)
    # a pause longer than max_gap splits the word; both halves are long enough
    assert _speech.speech_range(active, max_gap=2, min_frames=4, hangover=0) == (20, 40)
    # the click counts when it is merged with the word
    assert _speech.speech_range(active, max_gap=15, min_frames=4, hangover=0) == (5, 40)
    # nothing is long enough: the longest run is kept, widened within the frames
    kept = _speech.speech_range(active, max_gap=0, min_frames=50, hangover=30)
    assert kept == (0, 60)


# -- the transformer ----------------------------------------------------------------


@pytest.mark.parametrize("snr_db", [None, 30, 20, 10, 5])
@pytest.mark.parametrize(
    "before, speech, after", [(4000, 4000, 6000), (800, 3000, 200)]
)
def test_auto_trim_finds_known_speech_boundaries(snr_db, before, speech, after):
    x = _recording(before, speech, after, snr_db)
    first, stop = _kept_frames(x)
    expected_first, expected_stop = _speech_frames(before, speech)
    # within the hangover (2 frames) and one frame of the ramps on either side
    assert abs(first - expected_first) <= 3
    assert abs(stop - expected_stop) <= 3


def test_a_click_in_silence_is_not_speech():
    x = _recording(6000, 4000, 4000, snr_db=30)
    x[2000:2008] += 0.9  # 1 ms click, 0.5 s before the word, louder than it
    first, stop = _kept_frames(x)
    expected_first, expected_stop = _speech_frames(6000, 4000)
    assert abs(first - expected_first) <= 3
    assert abs(stop - expected_stop) <= 3


def test_steady_noise_keeps_nearly_every_frame():
    x = 0.1 * np.random.default_rng(0).normal(size=8000)
    first, stop = _kept_frames(x)
    assert first <= 1 and stop >= 99


@pytest.mark.parametrize("trim", ["auto", 30])
def test_trim_is_invariant_to_the_level(trim):
    x = _recording(3000, 4000, 3000, snr_db=20)
    assert _kept_frames(x, trim=trim) == _kept_frames(0.01 * x, trim=trim)


def test_trim_none_keeps_every_frame():
    x = _recording(3000, 4000, 3000, snr_db=20)
    assert len(MFCC(sample_rate=RATE, trim=None).fit_transform([x])[0]) == 124


@pytest.mark.parametrize("top_db", [20, 40, 60])
@pytest.mark.parametrize("snr_db", [None, 50, 30])
def test_fixed_trim_agrees_with_librosa(top_db, snr_db):
    librosa = pytest.importorskip("librosa")
    x = _recording(2400, 4000, 3200, snr_db, seed=3)
    # Without pre-emphasis and window, the frame energy is proportional to the
    # frame's mean square, the quantity librosa thresholds.
    first, stop = _kept_frames(x, trim=top_db, preemphasis=0, window="rectangular")
    _, (start, end) = librosa.effects.trim(
        x, top_db=top_db, frame_length=FRAME, hop_length=HOP
    )
    # librosa's frames are centred on multiples of the hop, ours start there:
    # compare the centres of the first and last frames kept, to within a hop,
    # or, where librosa keeps the recording's first or last sample, check that
    # we keep its first or last frame.
    n_frames = len(MFCC(sample_rate=RATE, trim=None).fit_transform([x])[0])
    if start == 0:
        assert first == 0
    else:
        assert abs((first * HOP + FRAME // 2) - start) <= HOP
    if end == len(x):
        assert stop == n_frames
    else:
        assert abs(((stop - 1) * HOP + FRAME // 2) - (end - HOP)) <= HOP


def test_auto_trim_on_a_clean_recording_matches_40_db_below_the_peak():
    # Digital silence around the word: the floor is -inf in effect, so the rule
    # "40 dB below the speech level" decides, as a fixed top_db would.
    x = _recording(3000, 4000, 3000, snr_db=None)
    auto_first, auto_stop = _kept_frames(x)
    fixed_first, fixed_stop = _kept_frames(x, trim=40)
    assert abs(auto_first - fixed_first) <= 3 and abs(auto_stop - fixed_stop) <= 3


def test_trim_parameter_is_validated():
    with pytest.raises(ValueError, match="trim"):
        MFCC(sample_rate=RATE, trim="loud").fit([np.ones(400)])
    with pytest.raises(ValueError, match="trim"):
        MFCC(sample_rate=RATE, trim=-3).fit([np.ones(400)])
    out = MFCC(sample_rate=RATE, trim="auto").fit_transform([np.zeros(400)])[0]
    assert_array_equal(out.shape, (4, 13))  # digital silence: nothing to tell apart

"""The streaming session: causal mouth, bounded look-ahead, graceful degradation, live controls."""

import queue

import numpy as np
import pytest

from talkface.audio.decode import decode_audio
from talkface.audio.track import analyse_samples
from talkface.motion.arkit import ARKIT_INDEX
from talkface.motion.articulation import articulate
from talkface.motion.track import Controls
from talkface.stream import StreamConfig, StreamFrame, StreamNotice, StreamSession
from talkface.stream.listening import Listener, Resampler
from talkface.stream.motion import LiveMotion
from tests.conftest import shared_file

FPS = 25.0
# Drawing time does not matter to these tests: nothing is dropped for being late.
PATIENT = StreamConfig(max_delay_s=1e6)


@pytest.fixture(scope="module")
def speech():
    """(N,) float32 at 16 kHz: 8 s of a radio address."""
    return decode_audio(shared_file("audio", "sadtalker_RD_Radio31_000.wav"))


def _live_weights(samples: np.ndarray, chunk: int, controls_at=None) -> np.ndarray:
    """(F, 52) weights from the causal path, fed ``chunk`` samples at a time;
    ``controls_at`` = (time, Controls) changes the controls then."""
    config = StreamConfig()
    listener, motion = Listener(config), LiveMotion(Controls(), config)
    frames, next_index = [], 0
    for first in range(0, len(samples), chunk):
        listener.add(samples[first:first + chunk])
        times = []
        while next_index / FPS <= listener.received_s - config.lookahead_s:
            times.append(next_index / FPS)
            next_index += 1
        if controls_at and times and times[0] <= controls_at[0] < times[-1] + 1 / FPS:
            motion.set_controls(controls_at[1])
        if times:
            listener.analyse()
        for t in times:
            track = listener.track(t + config.lookahead_s)
            frames.append(motion.frames(track, listener.origin_s, np.array([t]))[0])
    return np.concatenate(frames)


def test_live_mouth_follows_the_offline_acoustic_mouth(speech):
    live = _live_weights(speech, 480)[:, ARKIT_INDEX["jawOpen"]]
    offline_track = analyse_samples(speech, language="any")
    offline = articulate(offline_track, np.arange(len(live)) / FPS)["jawOpen"]
    assert len(live) >= int((len(speech) / 16000 - 0.2) * FPS)
    # The causal path sees at most the look-ahead and six seconds back; the
    # offline one the whole file. The jaw must still move with it.
    assert np.corrcoef(live, offline)[0, 1] > 0.85
    assert live.max() > 0.3 and np.percentile(live, 10) < 0.1


def test_chunk_size_does_not_change_the_motion(speech):
    clip = speech[:16000 * 4]
    tiny = _live_weights(clip, 7)        # under half a millisecond
    large = _live_weights(clip, 16000)   # a second
    frames = min(len(tiny), len(large))
    jaw = ARKIT_INDEX["jawOpen"]
    # Praat's voicing decisions depend a little on the stretch of audio it
    # analyses at once: the jaw differs by a few hundredths, rarely a tenth.
    difference = np.abs(tiny[:frames, jaw] - large[:frames, jaw])
    assert np.percentile(difference, 95) < 0.08 and difference.max() < 0.15
    # Blinks, gaze and head come from the seeded generators: the same either way.
    blink = ARKIT_INDEX["eyeBlinkLeft"]
    assert np.abs(tiny[:frames, blink] - large[:frames, blink]).max() < 1e-6


def test_emotion_changes_mid_stream_and_eases_in(speech):
    happy = Controls(emotion="happy", emotion_intensity=1.0)
    weights = _live_weights(speech[:16000 * 4], 640, controls_at=(2.0, happy))
    smile = weights[:, ARKIT_INDEX["mouthSmileLeft"]]
    change = int(2.0 * FPS)
    assert smile[:change - 2].max() < 0.15                  # speech alone barely smiles
    assert smile[change + 25:].min() > 0.6                  # a second later: the full smile (0.7)
    assert 0.05 < smile[change + 3] < smile[change + 10]    # eased in, not a jump


def test_frames_wait_exactly_for_the_look_ahead(grace_rig, speech):
    with StreamSession(grace_rig, config=PATIENT) as session:
        session.push(speech[:16000], 16000)   # one second
        # Frames up to 1 s minus the look-ahead, every one of them...
        expected = int((1.0 - PATIENT.lookahead_s) * FPS) + 1
        times = [session.next_event(timeout=60).time_s for _ in range(expected)]
        assert times == pytest.approx(list(np.arange(expected) / FPS))
        # ...and no later one until more audio comes.
        with pytest.raises(queue.Empty):
            session.next_event(timeout=1.0)
        session.push(speech[16000:16000 + 800], 16000)
        assert session.next_event(timeout=60).time_s == pytest.approx(expected / FPS)


def test_session_draws_the_face_talking(grace_rig, speech):
    from talkface.face import landmark_indices as idx
    with StreamSession(grace_rig, config=PATIENT) as session:
        pcm = (speech[:16000 * 3] * 32767).astype(np.int16)
        for first in range(0, len(pcm), 333):      # odd-sized chunks of 16-bit PCM
            session.push(pcm[first:first + 333], 16000)
        session.finish()
        frames = []
        while (event := session.next_event(timeout=60)) is not None:
            frames.append(event)
    assert all(isinstance(frame, StreamFrame) for frame in frames)
    assert len(frames) == 75 and frames[0].image.shape == (512, 512, 3)
    lips = grace_rig.landmarks[np.r_[idx.LIPS_INNER_UPPER, idx.LIPS_INNER_LOWER], :2]
    (left, top), (right, bottom) = lips.min(axis=0).astype(int) - 6, lips.max(axis=0).astype(int) + 12
    darkness = [np.mean(frame.image[top:bottom, left:right].mean(axis=2) < 70) for frame in frames]
    # The mouth opens (dark inside) and closes again while the voice speaks:
    # at its widest, over 2.5 times as much of the mouth region is dark as
    # when it is closed (the conversational jaw opens 10-20 % of the eye spacing).
    assert max(darkness) - min(darkness) > 0.1 and max(darkness) > 2.5 * min(darkness)


def test_falling_behind_lowers_the_frame_rate_instead_of_drifting(grace_rig, speech):
    # Three seconds arriving at once: drawing them all would put the last
    # frame seconds behind its sound.
    with StreamSession(grace_rig) as session:
        session.push(speech[:16000 * 3], 16000)
        session.finish()
        events = []
        while (event := session.next_event(timeout=60)) is not None:
            events.append(event)
    notices = [event for event in events if isinstance(event, StreamNotice)]
    frames = [event for event in events if isinstance(event, StreamFrame)]
    assert notices and notices[0].message.startswith("cannot keep up")
    # Smaller frames first, then fewer of them; still up to the end of the audio.
    assert (notices[0].size, notices[0].fps) == (256, FPS)
    assert {frame.image.shape[0] for frame in frames} == {512, 256}
    assert len(frames) < 75 and frames[-1].time_s > 2.8


def test_bad_input_is_refused(grace_rig):
    with StreamSession(grace_rig, config=PATIENT) as session:
        with pytest.raises(ValueError, match="PCM must be"):
            session.push(np.zeros((2, 2, 2), np.float32), 16000)
        with pytest.raises(ValueError, match="PCM must be int16 or float"):
            session.push(np.zeros(10, np.int64), 16000)
        session.push(np.zeros(100, np.int16), 48000)
        with pytest.raises(ValueError, match="sample rate changed"):
            session.push(np.zeros(100, np.int16), 44100)
        with pytest.raises(ValueError, match="needs the photo"):
            session.set_controls(Controls(head_distance=1.3))
    with pytest.raises(RuntimeError, match="closed"):
        session.push(np.zeros(100, np.int16), 48000)


def test_resampler_keeps_the_sound():
    tone = np.sin(2 * np.pi * 440 * np.arange(48000) / 48000).astype(np.float32)
    resample = Resampler(16000)
    pieces = [resample(tone[first:first + 441], 48000) for first in range(0, len(tone), 441)]
    out = np.concatenate(pieces)
    assert abs(len(out) - 16000) < 64
    spectrum = np.abs(np.fft.rfft(out[1000:15000]))
    assert abs(np.argmax(spectrum) * 16000 / 14000 - 440) < 3


def test_head_distance_reframes_mid_stream(grace_rig, speech):
    from talkface.face.rig import analyse_photo
    from talkface.media.read_image import read_image
    photo = read_image(shared_file("images", "local_matplotlib_grace_hopper.jpg"))
    closer = analyse_photo(photo, size=512, zoom=1.3).texture.astype(np.float64)
    still = Controls(motion_intensity=0.0)
    with StreamSession(grace_rig, controls=still, config=PATIENT, photo=photo) as session:
        session.push(speech[:8000], 16000)
        before = session.next_event(timeout=60).image
        session.set_controls(Controls(motion_intensity=0.0, head_distance=1.3))
        session.push(speech[8000:16000], 16000)
        session.finish()
        frames = []
        while (event := session.next_event(timeout=60)) is not None:
            frames.append(event.image)
    after = frames[-1]

    def likeness(image, reference):
        return np.corrcoef(image.astype(np.float64).ravel(), reference.ravel())[0, 1]

    # Before the change the frame is the photo as framed at first; after it,
    # the photo framed closer.
    assert likeness(before, closer) < 0.9 < likeness(after, closer)
    assert likeness(after, grace_rig.texture.astype(np.float64)) < 0.9

"""Limits and tunables of ``talkface serve``, each with why it has its value."""

from dataclasses import dataclass, field

from talkface.stream.config import StreamConfig


@dataclass(frozen=True)
class ServerConfig:
    # Upload caps: a phone photo is 2-12 MB; ten minutes of 48 kHz 16-bit
    # stereo WAV is 115 MB, the same in any compressed format far less; a
    # video to verify is read for its frames and tags, 200 MB is minutes of HD.
    max_photo_bytes: int = 20 * 1024 * 1024
    max_audio_bytes: int = 120 * 1024 * 1024
    max_video_bytes: int = 200 * 1024 * 1024
    # A file job renders at about real time on two cores; ten minutes of
    # audio bounds one job's time to about that.
    max_audio_s: float = 600.0
    # Concurrent work: each job or live session keeps a core busy.
    max_jobs: int = 2
    max_sessions: int = 2
    # A job taking longer than this is stopped (a ten-minute clip needs well under it).
    job_timeout_s: float = 1800.0
    # Finished videos are kept this long for download, then deleted.
    job_retention_s: float = 3600.0
    # Portraits uploaded for live sessions, kept this long and at most this
    # many, each at most this many pixels on its longer side (48 MB): enough
    # to frame a face at twice the head distance in a 512² video.
    portrait_retention_s: float = 3600.0
    max_portraits: int = 16
    max_portrait_side: int = 4096
    # A live session closes after this long without audio or control
    # messages, and after this long in all.
    session_idle_s: float = 30.0
    session_max_s: float = 1800.0
    # Largest WebSocket message: a second of 48 kHz 16-bit stereo is 192 kB.
    max_message_bytes: int = 1024 * 1024
    # JPEG quality of live frames: 80 keeps skin and teeth clean at ~50 kB per
    # 512² frame, 10 Mbit/s at 25 fps, fine on a local network.
    jpeg_quality: int = 80
    # Side of the square video, for jobs and live sessions.
    size: int = 512
    stream: StreamConfig = field(default_factory=StreamConfig)

"""Streaming: live audio in, video frames out with a bounded look-ahead."""

from talkface.stream.config import StreamConfig
from talkface.stream.session import StreamFrame, StreamNotice, StreamSession

__all__ = ["StreamConfig", "StreamFrame", "StreamNotice", "StreamSession"]

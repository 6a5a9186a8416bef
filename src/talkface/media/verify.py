"""Check a video or image for talkface's watermark, metadata and C2PA manifest."""

from dataclasses import dataclass
from pathlib import Path

import av

from talkface.errors import InputError
from talkface.media.provenance import Manifest, read_manifest
from talkface.media.read_image import read_image
from talkface.media.watermark import FOUND_Z, Detection, WatermarkDetector

# Frames read from a video: enough for a confident decision on a clip cut
# from anywhere, few enough to check an hour in seconds.
_MAX_FRAMES = 120
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".heic")


@dataclass(frozen=True)
class Verification:
    """detection: the watermark; metadata: the container's tags (a video's
    notice that it is synthetic, the generator), empty for images; manifest:
    the C2PA manifest, validated, None if there is none."""

    source: str
    detection: Detection
    metadata: dict[str, str]
    manifest: Manifest | None

    def summary(self) -> str:
        """The verdict on the first line, then the evidence."""
        detection = self.detection
        if detection.found:
            major, minor = divmod(detection.payload.version, 16)
            lines = [f"synthetic: talkface watermark found (confidence {detection.confidence:.1f}, "
                     f"payload talkface {major}.{minor} video id {detection.payload.video_id:04x})"]
        else:
            lines = ["no talkface watermark found",
                     f"  watermark confidence {detection.confidence:.1f} "
                     f"(a mark needs {FOUND_Z:.1f} and a valid payload)"]
        lines += [f"  metadata {key}: {value}" for key, value in self.metadata.items()
                  if key in ("comment", "synthetic", "generator", "talkface_video_id")]
        lines += self.manifest.summary() if self.manifest else ["no C2PA manifest"]
        return "\n".join(lines)


def verify(path: str | Path) -> Verification:
    """Look for the watermark in a video (or image) file, and read its C2PA manifest.

    Raises:
        InputError: the file cannot be read as a video or an image.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    detector = WatermarkDetector()
    if path.suffix.lower() in _IMAGE_SUFFIXES:
        detector.add(read_image(path))
        return Verification(str(path), detector.result(), {}, read_manifest(path))
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise InputError(path, "has no video track (and is not an image)")
            stream = container.streams.video[0]
            total = stream.frames or 0
            step = max(1, total // _MAX_FRAMES) if total else 1
            for index, frame in enumerate(container.decode(stream)):
                if index % step == 0:
                    detector.add(frame.to_ndarray(format="rgb24"))
                if detector.frames >= _MAX_FRAMES:
                    break
            metadata = dict(container.metadata)
    except av.error.FFmpegError as error:
        raise InputError(path, f"cannot read video ({error})") from None
    return Verification(str(path), detector.result(), metadata, read_manifest(path))

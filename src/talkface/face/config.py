"""Tunables of photo analysis, each with why it has its value."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FaceConfig:
    # Photos are analysed at most this large: MediaPipe's detectors work on
    # 128-256 px inputs, so more pixels only cost time (an 8000 px photo would
    # take seconds to convert), while 1600 px keeps a face of 5 % of the width
    # above the detector's ~40 px minimum.
    analysis_max_side: int = 1600
    # MediaPipe face detection confidence. 0.5 is MediaPipe's default; it
    # finds painted faces in the test portraits without firing on dogs.
    detection_confidence: float = 0.5
    # Face Mesh runs on a square around the detected face this many times the
    # detection box, so the forehead and chin are inside the mesh's input.
    mesh_crop_scale: float = 2.2
    # A face narrower than this (pixels between the eye centres) has too
    # little detail to animate convincingly; smaller faces are refused.
    min_interocular_px: float = 12.0
    # Output framing: the distance between the eye centres is this share of the
    # output side. 0.17 gives head and shoulders with room for hair, like the
    # framing of talking-head datasets (HDTF, VoxCeleb crops).
    framing_interocular_share: float = 0.17
    # The eye line sits this far down the output frame, leaving room above for
    # the top of the head (portrait convention: eyes near the upper third).
    framing_eye_height: float = 0.42
    # Glasses: the nose bridge is examined at this face scale (pixels between
    # the eye centres). Horizontal edges there (Sobel, 0-255 grey) stronger
    # than glasses_min_edge and than glasses_edge_ratio times the vertical
    # ones mean a glasses bridge: in the test portraits the two pairs of
    # glasses give 75-80 against vertical 60-70, bare noses 10-30 against 25-95.
    glasses_interocular_px: float = 64.0
    glasses_min_edge: float = 40.0
    glasses_edge_ratio: float = 0.9

"""The triangle mesh over the framed photo, built once per FaceRig.

Vertices 0-477 are the Face Mesh landmarks. Around them: two rings that
carry hair, ears and neck, and fixed points on the frame's border, so the
mesh covers the whole frame and nothing outside the head moves. The eyes
get triangles of their own (Face Mesh leaves them as holes) so lids can
close over them; the mouth stays a hole, filled by the mouth interior.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.path import Path as Polygon
from mediapipe.python.solutions.face_mesh_connections import FACEMESH_TESSELATION
from scipy.spatial import Delaunay

from talkface.face import landmark_indices as idx
from talkface.face.rig import FaceRig
from talkface.render.config import RenderConfig


@dataclass(frozen=True, eq=False)
class FaceMesh:
    """vertices: (V, 3) float32 rest positions in texture pixels (z on the x scale);
    triangles: (T, 3) int32, everything but the eyes; eye_triangles: the
    subject's right and left eye openings, (E, 3) int32 each; head_weight:
    (V,) float32, 1 where a vertex turns with the head, 0 where it stays with
    the background; mouth_columns: (2, 11) vertex indices of the inner upper
    and lower lip, corner to corner."""

    vertices: np.ndarray
    triangles: np.ndarray
    eye_triangles: tuple[np.ndarray, np.ndarray]
    head_weight: np.ndarray
    mouth_columns: np.ndarray


def build_face_mesh(rig: FaceRig, *, config: RenderConfig = RenderConfig()) -> FaceMesh:
    landmarks = rig.landmarks.astype(np.float64)
    oval = landmarks[idx.FACE_OVAL]
    centre = oval[:, :2].mean(axis=0)
    mouth_y = landmarks[idx.LIPS_INNER_UPPER, 1].mean()

    inner = _ring(oval, centre, config.inner_ring)
    outer = _ring(oval, centre, config.outer_ring)
    border = _border(rig.size, config.border_points, depth=float(np.median(oval[:, 2])))
    vertices = np.concatenate([landmarks, inner, outer, border])

    # How much each ring point turns with the head: hair and ears above the
    # mouth turn fully, the neck below only partly; the outer ring only where
    # it still lies on the person, so the background does not swim.
    below_mouth = oval[:, 1] > mouth_y
    on_person = _sample(rig.person, outer[:, :2])
    head_weight = np.concatenate([
        np.ones(len(landmarks)),
        np.where(below_mouth, 0.35, 1.0),
        np.where(below_mouth, 0.0, 0.6 * on_person),
        np.zeros(len(border)),
    ])
    # The photo shows nothing beyond the frame's edge: a head the frame cuts
    # off stops moving toward that edge, bending there instead of stretching
    # its last pixels into streaks.
    to_edge = np.minimum(vertices[:, :2], rig.size - vertices[:, :2]).min(axis=1)
    head_weight *= smoothstep(to_edge / (config.edge_fade * rig.size))

    face = _tesselation()
    eyes = [_fill(landmarks, np.r_[upper, lower[1:-1][::-1]], extra)
            for upper, lower, extra in ((idx.RIGHT_EYE_UPPER, idx.RIGHT_EYE_LOWER, idx.RIGHT_IRIS),
                                        (idx.LEFT_EYE_UPPER, idx.LEFT_EYE_LOWER, idx.LEFT_IRIS))]
    surround = _surround(vertices, np.r_[idx.FACE_OVAL], first_extra=len(landmarks))
    return FaceMesh(
        vertices=vertices.astype(np.float32),
        triangles=np.concatenate([face, surround]).astype(np.int32),
        eye_triangles=tuple(eye.astype(np.int32) for eye in eyes),
        head_weight=head_weight.astype(np.float32),
        mouth_columns=np.stack([idx.LIPS_INNER_UPPER, idx.LIPS_INNER_LOWER]),
    )


def smoothstep(x: np.ndarray) -> np.ndarray:
    """0 below 0, 1 above 1, a smooth S-curve between (zero slope at both ends)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _ring(oval: np.ndarray, centre: np.ndarray, scale: float) -> np.ndarray:
    ring = oval.copy()
    ring[:, :2] = centre + (oval[:, :2] - centre) * scale
    return ring


def _border(size: int, per_edge: int, depth: float) -> np.ndarray:
    # Slightly outside the frame so border triangles cover every pixel.
    steps = np.linspace(-1.0, size + 1.0, per_edge)
    top = [(x, -1.0) for x in steps]
    bottom = [(x, size + 1.0) for x in steps]
    sides = [(edge, y) for y in steps[1:-1] for edge in (-1.0, size + 1.0)]
    points = np.array(top + bottom + sides)
    return np.c_[points, np.full(len(points), depth)]


def _sample(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    x = np.clip(np.round(points[:, 0]).astype(int), 0, w - 1)
    y = np.clip(np.round(points[:, 1]).astype(int), 0, h - 1)
    return image[y, x]


def _tesselation() -> np.ndarray:
    """Face Mesh's triangles, recovered from its edge list (every 3-cycle)."""
    neighbours: dict[int, set[int]] = {}
    for a, b in FACEMESH_TESSELATION:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    triangles = {tuple(sorted((a, b, c)))
                 for a, b in FACEMESH_TESSELATION for c in neighbours[a] & neighbours[b]}
    return np.array(sorted(triangles))


def _fill(vertices: np.ndarray, contour: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """Triangles inside the closed ``contour`` using its points and ``extra`` ones."""
    points = np.r_[contour, extra]
    triangulation = Delaunay(vertices[points, :2])
    centroids = vertices[points[triangulation.simplices], :2].mean(axis=1)
    inside = Polygon(vertices[contour, :2]).contains_points(centroids)
    return points[triangulation.simplices[inside]]


def _surround(vertices: np.ndarray, oval: np.ndarray, first_extra: int) -> np.ndarray:
    """Triangles between the face oval and the frame's border."""
    points = np.r_[oval, np.arange(first_extra, len(vertices))]
    triangulation = Delaunay(vertices[points, :2])
    centroids = vertices[points[triangulation.simplices], :2].mean(axis=1)
    outside = ~Polygon(vertices[oval, :2]).contains_points(centroids)
    return points[triangulation.simplices[outside]]

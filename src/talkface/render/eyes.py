"""The eyes: irises that turn as rigid discs, sclera where they leave.

Each eye opening is drawn with its own shader. A fragment inside the moved
iris disc samples the photo's iris; one the iris has left shows the eye's
own sclera colour; the rest of the opening is the photo as it is. The lids
(the opening's outline) clip the iris as real lids do.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.path import Path as Polygon

from talkface.face import landmark_indices as idx
from talkface.face.rig import FaceRig
from talkface.motion.arkit import ARKIT_INDEX


@dataclass(frozen=True)
class EyeRig:
    """One eye in texture pixels: iris centre (2,), iris radius, eye width,
    sclera colour (RGB in [0, 1]), and whether the iris moves toward +x for
    eyeLookOut (+1) or -x (-1)."""

    iris_centre: np.ndarray
    iris_radius: float
    eye_width: float
    sclera: tuple[float, float, float]
    outward: float
    look_columns: tuple[int, int, int, int]  # out, in, up, down

    def iris_offset(self, weights: np.ndarray, *, full_look_share: float) -> np.ndarray:
        """(2,) pixels the iris moves for one frame's ARKit ``weights``."""
        out, inward, up, down = (weights[c] for c in self.look_columns)
        reach = full_look_share * self.eye_width
        # Eyes turn less far up and down than sideways within the opening.
        return np.array([(out - inward) * self.outward * reach, (down - up) * 0.35 * reach])


def eye_rigs(rig: FaceRig) -> tuple[EyeRig, EyeRig]:
    """The subject's right and left eye."""
    texture = rig.texture.astype(np.float64) / 255.0
    eyes = []
    for side, upper, lower, iris, outward in (("Right", idx.RIGHT_EYE_UPPER, idx.RIGHT_EYE_LOWER, idx.RIGHT_IRIS, -1.0),
                                              ("Left", idx.LEFT_EYE_UPPER, idx.LEFT_EYE_LOWER, idx.LEFT_IRIS, 1.0)):
        points = rig.landmarks[:, :2].astype(np.float64)
        centre = points[iris[0]]
        radius = float(np.linalg.norm(points[iris[1:]] - centre, axis=1).mean())
        opening = np.r_[points[upper], points[lower[1:-1][::-1]]]
        eyes.append(EyeRig(
            iris_centre=centre, iris_radius=radius,
            eye_width=float(np.linalg.norm(points[upper[-1]] - points[upper[0]])),
            sclera=_sclera_colour(texture, opening, centre, radius),
            outward=outward,
            look_columns=tuple(ARKIT_INDEX[f"eyeLook{d}{side}"] for d in ("Out", "In", "Up", "Down"))))
    return eyes[0], eyes[1]


def _sclera_colour(texture: np.ndarray, opening: np.ndarray, centre: np.ndarray, radius: float):
    """The brightest fifth of the eye opening outside the iris: the white of
    the eye (the rest is lid shadow, lashes and iris edge)."""
    lo = np.floor(opening.min(axis=0)).astype(int).clip(0)
    hi = np.ceil(opening.max(axis=0)).astype(int) + 1
    ys, xs = np.mgrid[lo[1]:min(hi[1], texture.shape[0]), lo[0]:min(hi[0], texture.shape[1])]
    points = np.c_[xs.ravel(), ys.ravel()]
    inside = Polygon(opening).contains_points(points)
    outside_iris = np.linalg.norm(points - centre, axis=1) > radius * 1.15
    pixels = texture[ys.ravel(), xs.ravel()][inside & outside_iris]
    if len(pixels) < 4:
        return (0.85, 0.82, 0.78)
    brightness = pixels.mean(axis=1)
    return tuple(np.median(pixels[brightness >= np.percentile(brightness, 80)], axis=0))


EYE_FRAGMENT_SHADER = """
#version 330
uniform sampler2D photo;
uniform float size;
uniform vec2 iris_rest;      // pixels, in the photo
uniform vec2 iris_offset;    // pixels the iris has moved
uniform float iris_radius;
uniform vec3 sclera;
in vec2 uv;
out vec4 colour;
void main() {
    vec2 p = uv * size;
    float soft = max(0.6, 0.08 * iris_radius);
    vec3 here = texture(photo, uv).rgb;
    // Where the iris was but no longer is: the eye's white, taken from the
    // sclera further along the way the iris came from and evened out with
    // the eye's sclera colour.
    // Face Mesh's iris ring sits just inside the dark limbus, so the vacated
    // disc is taken a fifth larger to leave no dark crescent behind.
    float vacated = 1.0 - smoothstep(1.2 * iris_radius - soft, 1.2 * iris_radius + soft, length(p - iris_rest));
    float moved = length(iris_offset);
    vec2 away = moved > 0.0 ? -iris_offset / moved : vec2(0.0);
    vec3 white = texture(photo, (p + away * 1.3 * iris_radius) / size).rgb;
    vec3 c = mix(here, mix(white, sclera, 0.5), vacated * smoothstep(0.2, 1.0, moved));
    // The moved iris, sampled where it was.
    float on_iris = 1.0 - smoothstep(1.1 * iris_radius - soft, 1.1 * iris_radius + soft,
                                     length(p - iris_rest - iris_offset));
    vec3 iris = texture(photo, (p - iris_offset) / size).rgb;
    colour = vec4(mix(c, iris, on_iris), 1.0);
}
"""

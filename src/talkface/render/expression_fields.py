"""How each ARKit weight moves the mesh: a displacement field per weight.

Each field is (V, 2) pixels in the image plane at weight 1. They are built in
the face's own frame (x across the eyes, y down the face, in interocular
units) from the landmarks, so they follow the face's size and roll, then
turned into image pixels. Weights combine linearly, except that mouthClose
cancels the jaw's pull on the lips (ARKit's definition: lips closed over an
open jaw), and rounding the lips (pucker, funnel) cancels part of it.
"""

from dataclasses import dataclass

import cv2
import numpy as np
from matplotlib.path import Path as Polygon

from talkface.face import landmark_indices as idx
from talkface.face.glasses import wears_glasses
from talkface.face.rig import FaceRig
from talkface.motion.arkit import ARKIT_INDEX
from talkface.render.config import RenderConfig
from talkface.render.face_mesh import FaceMesh, smoothstep
from talkface.render.mouth_interior import photo_shows_teeth


# The weights that hold the lips together against the jaw (see lip_closing).
_LIP_CLOSING_COLUMNS = np.array([ARKIT_INDEX[name] for name in ("mouthClose", "mouthPucker", "mouthFunnel")])


@dataclass(frozen=True, eq=False)
class ExpressionFields:
    """fields: (K, V, 2) float32 pixel displacements, one per name in ``names``;
    weight_columns: (K,) index of each name in the ARKit weight vector;
    jaw: (V, 2) the jawOpen field; lip_release: (V, 2) the part of it that
    mouthClose cancels; lip_seal: (V, 2) brings the photo's parted lips
    together; sealed_at_rest: whether the lips are sealed whatever the
    weights (parted over a dark mouth) or only by mouthClose (the photo
    shows teeth, which stay as photographed until the lips close);
    lid_shares: (2, V) float32 how far each vertex of a closing upper lid
    (subject's right eye, then left) takes its lid colour instead of its
    photo pixel; lid_columns: (2,) the eyeBlink weights that close them;
    lid_colours: (V, 3) float32 RGB in [0, 1], the colour each vertex
    takes on: the lid's skin around it, or the lashes' on the lash line;
    lip_closing: (3,) how far mouthClose, mouthPucker and mouthFunnel each
    cancel lip_release."""

    names: tuple[str, ...]
    weight_columns: np.ndarray
    fields: np.ndarray
    jaw: np.ndarray
    lip_release: np.ndarray
    lip_seal: np.ndarray
    sealed_at_rest: bool
    lid_shares: np.ndarray
    lid_columns: np.ndarray
    lid_colours: np.ndarray
    lip_closing: np.ndarray

    def displacement(self, weights: np.ndarray) -> np.ndarray:
        """(V, 2) pixels for one frame's (52,) ARKit ``weights``."""
        moved = np.tensordot(weights[self.weight_columns], self.fields, axes=1)
        jaw = weights[ARKIT_INDEX["jawOpen"]]
        close = weights[ARKIT_INDEX["mouthClose"]]
        closing = min(float(weights[_LIP_CLOSING_COLUMNS] @ self.lip_closing), 1.0)
        seal = 1.0 if self.sealed_at_rest else close
        return moved + jaw * (self.jaw - closing * self.lip_release) + seal * self.lip_seal

    def lid_skin(self, weights: np.ndarray) -> np.ndarray:
        """(V,) in [0, 1]: how far each vertex takes its lid's skin colour
        for one frame's (52,) ARKit ``weights``."""
        return np.clip(weights[self.lid_columns] @ self.lid_shares, 0.0, 1.0)


def build_expression_fields(rig: FaceRig, mesh: FaceMesh, *,
                            config: RenderConfig = RenderConfig()) -> ExpressionFields:
    face = _FaceFrame(rig)
    local = face.to_local(mesh.vertices[:, :2])                                    # (V, 2)
    lm = local[:idx.LANDMARK_COUNT]

    # The lip line: inner upper lip at rest, as a function of x.
    lip_line = np.interp(local[:, 0], *_sorted_curve(lm[idx.LIPS_INNER_UPPER]))
    below_lips = local[:, 1] - lip_line

    outer_lips = Polygon(np.r_[lm[idx.LIPS_OUTER_UPPER], lm[idx.LIPS_OUTER_LOWER[1:-1][::-1]]])
    in_lips = outer_lips.contains_points(local, radius=0.02)
    lower_lip = in_lips & (below_lips > 0.005)
    lower_lip[idx.LIPS_INNER_LOWER[1:-1]] = True
    lower_lip[idx.LIPS_INNER_UPPER] = False

    # Jaw: the lower lip drops fully, the chin a little less; the jaw turns
    # about joints in front of the ears, so the drop fades to nothing at the
    # jaw angles (about one interocular distance either side of the
    # midline: nothing beside the face, hair or background, moves) and down
    # the neck.
    chin_y = lm[idx.CHIN, 1]
    lateral = 1.0 - smoothstep(np.abs(local[:, 0]))
    neck = 1.0 - smoothstep((local[:, 1] - chin_y) / 0.7)
    jaw_weight = config.chin_share * smoothstep(below_lips / 0.15) * lateral * neck
    # The lower lip parts from the upper one in an oval: fully across its
    # middle, falling off steeply near the corners, which stay joined (a
    # parabola across the mouth opened a wide mouth into a V).
    across_mouth = _across_mouth(local, lm)
    jaw_weight = np.where(lower_lip, 0.3 + 0.7 * (1.0 - across_mouth ** 4), jaw_weight)
    jaw_weight[idx.MOUTH_CORNERS] = 0.12
    jaw = np.c_[np.zeros(len(local)), jaw_weight * config.jaw_drop]
    # jawForward slides the chin along the direction the face points; the
    # image shows only its part across the picture (nothing on a frontal
    # face, most on a turned one). The lower lip pushes the upper one along,
    # both less than the chin, so closed lips stay together.
    lips_along = 0.6
    jaw_part = np.where(in_lips, lips_along, lips_along * _gaussian(
        local, lm[np.r_[idx.LIPS_OUTER_UPPER, idx.LIPS_OUTER_LOWER]], 0.1))
    jaw_part = np.maximum(jaw_part, smoothstep(below_lips / 0.15) * lateral * neck)
    facing = face.direction_to_local(-rig.rotation[:2, 2])
    # mouthClose keeps the lips together: it cancels the jaw's pull on the
    # lower lip, fading over the skin below it.
    lip_band = np.where(lower_lip, 1.0, _gaussian(local, lm[idx.LIPS_OUTER_LOWER], 0.12))
    lip_release = jaw * np.where(below_lips > -0.01, lip_band, 0.0)[:, None]

    # The photo's own lip gap, closed by moving each lip half of it, the
    # inner lip edge fully and the lip and skin around it less with distance.
    # With the gap sealed, jawOpen 0 means closed lips on every photo and the
    # opening grows with the jaw from nothing, as it does on a real face.
    rest_gap = np.clip(np.interp(local[:, 0], *_sorted_curve(lm[idx.LIPS_INNER_LOWER])) - lip_line, 0, None)
    lip_seal = np.c_[np.zeros(len(local)), 0.5 * rest_gap * np.where(
        below_lips <= 0.005,
        _gaussian(local, lm[idx.LIPS_INNER_UPPER], config.lip_seal_reach),
        -_gaussian(local, lm[idx.LIPS_INNER_LOWER], config.lip_seal_reach))]
    lip_seal[idx.LIPS_INNER_LOWER[1:-1], 1] = -0.5 * rest_gap[idx.LIPS_INNER_LOWER[1:-1]]

    mouth_centre = lm[np.r_[idx.LIPS_INNER_UPPER, idx.LIPS_INNER_LOWER]].mean(axis=0)
    around_mouth = _gaussian(local, lm[np.r_[idx.LIPS_OUTER_UPPER, idx.LIPS_OUTER_LOWER]], 0.18)
    # A wide mouth on a turned face reaches nearly to the outline; drawing
    # the lips in must not pull the outline in off the background with them.
    toward_centre = (mouth_centre - local) * (around_mouth * _inside_outline(local, lm, margin=0.15))[:, None]
    # The subject's right mouth corner is on the image's left.
    # Corners pull their own side of the lips; the middle of the lips stays
    # (a wide bump would lift the whole mouth instead of curving it).
    corner = {"Right": _gaussian(local, lm[idx.MOUTH_CORNERS[[0, 2]]], 0.17),
              "Left": _gaussian(local, lm[idx.MOUTH_CORNERS[[1, 3]]], 0.17)}
    outward = {"Right": -1.0, "Left": 1.0}
    side_share = {"Left": smoothstep(local[:, 0] / 0.4 + 0.5)}
    side_share["Right"] = 1.0 - side_share["Left"]
    upper_lift = np.where(below_lips < 0.005, 1.0, 0.0) * _gaussian(local, lm[idx.LIPS_OUTER_UPPER], 0.12)
    upper_lift[idx.LIPS_INNER_LOWER[1:-1]] = 0.0
    zero = np.zeros(len(local))

    # Rounding draws the lips toward the mouth's middle, puckering further
    # (to about 0.7 of the mouth's width at 1, a pursed mouth); the jaw's
    # gap between them narrows too (see lip_closing). At 0.22 and 0.38 of
    # the way a full pucker hardly changed the mouth.
    fields = {
        "mouthFunnel": 0.4 * toward_centre * [1.0, 0.0],
        "mouthPucker": 0.6 * toward_centre * [1.0, 0.3],
        "jawForward": config.jaw_forward * jaw_part[:, None] * facing,
    }
    for side in ("Left", "Right"):
        fields[f"mouthStretch{side}"] = np.c_[outward[side] * 0.12 * corner[side], 0.03 * corner[side]]
        fields[f"mouthSmile{side}"] = np.c_[outward[side] * 0.09 * corner[side], -0.1 * corner[side]]
        fields[f"mouthFrown{side}"] = np.c_[outward[side] * 0.02 * corner[side], 0.08 * corner[side]]
        # Each side lifts its half of the upper lip; both together lift it all.
        fields[f"mouthUpperUp{side}"] = np.c_[zero, -0.06 * upper_lift * side_share[side]]
    glasses = wears_glasses(rig.texture, rig.landmarks, rig.interocular)
    eye_fields, lid_shares = _eye_fields(local, lm, lid_band=config.glasses_lid_band if glasses else config.lid_band)
    lid_shares, lid_colours = _lid_skin(rig.texture, mesh.vertices[:, :2], lid_shares)
    fields.update(eye_fields)
    fields.update(_gaze_and_lid_fields(local, lm))
    fields.update(_brow_fields(local, lm, still_above_eyes=config.glasses_rim_height if glasses else 0.0))
    fields.update(_cheek_and_nose_fields(local, lm))

    names = tuple(fields)
    stacked = np.stack([face.to_pixels(fields[name]) for name in names])
    return ExpressionFields(
        names=names,
        weight_columns=np.array([ARKIT_INDEX[name] for name in names]),
        fields=stacked.astype(np.float32),
        jaw=face.to_pixels(jaw).astype(np.float32),
        lip_release=face.to_pixels(lip_release).astype(np.float32),
        lip_seal=face.to_pixels(lip_seal).astype(np.float32),
        sealed_at_rest=not photo_shows_teeth(rig),
        lid_shares=lid_shares.astype(np.float32),
        lid_columns=np.array([ARKIT_INDEX["eyeBlinkRight"], ARKIT_INDEX["eyeBlinkLeft"]]),
        lid_colours=lid_colours.astype(np.float32),
        lip_closing=np.array([1.0, config.pucker_lip_closing, config.funnel_lip_closing]),
    )


def _eye_fields(local: np.ndarray, lm: np.ndarray, *, lid_band: float) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """eyeBlink: the upper lid comes down to a closing line just above the
    lower lid (where real lids meet); what is inside the eye folds onto that
    line and the lid skin above (``lid_band`` interocular distances of it)
    stretches down over it.

    Stretched as photographed, that skin would bring the lid crease and the
    lashes down over the closed eye as a dark, streaked smear. A real lid
    unfolds as it closes, smooth skin down to its lashes: the lid's vertices
    above the lash line also take on the lid's skin colour (shares, (2, V))."""
    fields, shares = {}, []
    for side, upper, lower, iris in (("Right", idx.RIGHT_EYE_UPPER, idx.RIGHT_EYE_LOWER, idx.RIGHT_IRIS),
                                     ("Left", idx.LEFT_EYE_UPPER, idx.LEFT_EYE_LOWER, idx.LEFT_IRIS)):
        up_x, up_y = _sorted_curve(lm[upper])
        lo_x, lo_y = _sorted_curve(lm[lower])
        x = local[:, 0]
        top = np.interp(x, up_x, up_y)
        bottom = np.interp(x, lo_x, lo_y)
        closing_line = bottom - 0.1 * (bottom - top)
        within = (x >= up_x[0]) & (x <= up_x[-1])
        # Fade to nothing beyond the corners and toward the brow.
        across = 1.0 - smoothstep((np.maximum(up_x[0] - x, x - up_x[-1])) / 0.12)
        above = 1.0 - smoothstep((top - local[:, 1]) / lid_band)
        dy = np.zeros(len(local))
        lid_skin = (local[:, 1] <= top) & (top - local[:, 1] < lid_band)
        dy = np.where(lid_skin, (closing_line - top) * above * across, dy)
        inside = np.zeros(len(local), dtype=bool)
        inside[np.r_[upper[1:-1], lower[1:-1], iris]] = True
        dy = np.where(inside & within, closing_line - local[:, 1], dy)
        fields[f"eyeBlink{side}"] = np.c_[np.zeros(len(local)), dy]
        share = np.where(lid_skin, above * across, 0.0)
        share[upper] = 0.0   # the lash line itself stays: the closed eye's dark edge
        shares.append(share)
    return fields, np.array(shares)


def _lid_skin(texture: np.ndarray, points: np.ndarray, shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The colours a closing lid takes on and how far each vertex takes them.

    Each lid vertex (``shares`` (2, V) > 0; ``points`` (V, 2) pixels) takes
    the skin of the lid around it, within half the eye's width: the brighter
    half of the photo's colours at those vertices (lashes, crease and brow
    are darker than the skin), so the closed lid keeps the photo's shading
    across it (one colour per lid looked flat). The lash line keeps
    its photo colour, the closed eye's dark edge, except where it runs
    through the white of the eye (its inner end often does: the landmarks
    stop short of the true corner): there it takes the lashes' colour (the
    darker half of the line), by how much brighter than the skin it is.
    Left as photographed, it kept a sliver of sclera in the closed eye.

    Returns:
        shares (2, V) and colours (V, 3) RGB in [0, 1].
    """
    size = texture.shape[0]
    blurred = cv2.blur(texture, (3, 3)).astype(np.float64) / 255.0
    at = np.clip(np.round(points).astype(int), 0, size - 1)
    photographed = blurred[at[:, 1], at[:, 0]]                                       # (V, 3)
    shares = shares.copy()
    colours = np.zeros((len(points), 3))
    for share, lash_line in zip(shares, (idx.RIGHT_EYE_UPPER, idx.LEFT_EYE_UPPER)):
        lid = np.flatnonzero(share > 0)
        if not len(lid):
            continue
        reach = 0.5 * np.linalg.norm(points[lash_line[0]] - points[lash_line[-1]])
        near = np.linalg.norm(points[lid, None] - points[None, lid], axis=2) <= reach     # (L, L)
        colours[lid] = [_median_of_half(photographed[lid[row]], brighter=True) for row in near]
        colours[lash_line] = _median_of_half(photographed[lash_line], brighter=False)
        skin = _median_of_half(photographed[lid], brighter=True)
        glare = photographed[lash_line].mean(axis=1) / max(skin.mean(), 1e-3) - 1.0
        share[lash_line] = smoothstep(glare / 0.15)
    return shares, colours


def _median_of_half(samples: np.ndarray, *, brighter: bool) -> np.ndarray:
    """(3,) median colour of the brighter or darker half of (N, 3) ``samples``."""
    brightness = samples.mean(axis=1)
    half = brightness >= np.median(brightness) if brighter else brightness <= np.median(brightness)
    return np.median(samples[half], axis=0)


def _gaze_and_lid_fields(local: np.ndarray, lm: np.ndarray) -> dict[str, np.ndarray]:
    """Looking up or down carries the upper lid with the eye (the iris itself
    is moved by the eye shader); eyeWide lifts the upper lid, eyeSquint
    raises the lower one."""
    fields = {}
    zero = np.zeros(len(local))
    for side, upper, lower in (("Right", idx.RIGHT_EYE_UPPER, idx.RIGHT_EYE_LOWER),
                               ("Left", idx.LEFT_EYE_UPPER, idx.LEFT_EYE_LOWER)):
        upper_lid = np.zeros(len(local))
        upper_lid[upper[1:-1]] = 1.0
        lid_skin = _gaussian(local, lm[upper[1:-1]], 0.08) * (local[:, 1] <= lm[upper, 1].max())
        lower_lid = np.zeros(len(local))
        lower_lid[lower[1:-1]] = 1.0
        # The upper lid rides on the eyeball: it follows a downward look closely.
        fields[f"eyeLookUp{side}"] = np.c_[zero, -0.03 * np.maximum(upper_lid, lid_skin)]
        fields[f"eyeLookDown{side}"] = np.c_[zero, 0.05 * np.maximum(upper_lid, lid_skin)]
        fields[f"eyeWide{side}"] = np.c_[zero, -0.06 * np.maximum(upper_lid, lid_skin)]
        fields[f"eyeSquint{side}"] = np.c_[zero, -0.04 * np.maximum(lower_lid, _gaussian(local, lm[lower[1:-1]], 0.06))]
    return fields


def _cheek_and_nose_fields(local: np.ndarray, lm: np.ndarray) -> dict[str, np.ndarray]:
    """Cheeks rise in a smile or squint; the nose wings lift in a sneer."""
    zero = np.zeros(len(local))
    fields = {}
    for side, cheek, wing in (("Right", 50, 129), ("Left", 280, 358)):
        fields[f"cheekSquint{side}"] = np.c_[zero, -0.05 * _gaussian(local, lm[[cheek]], 0.3)]
        fields[f"noseSneer{side}"] = np.c_[zero, -0.04 * _gaussian(local, lm[[wing]], 0.15)]
    return fields


def _brow_fields(local: np.ndarray, lm: np.ndarray, *, still_above_eyes: float) -> dict[str, np.ndarray]:
    """Brows lift with the forehead skin above them; the eyes stay put, and
    so does everything up to ``still_above_eyes`` above them (the rims of
    glasses)."""
    eye_top = min(lm[idx.RIGHT_EYE_UPPER, 1].min(), lm[idx.LEFT_EYE_UPPER, 1].min()) - still_above_eyes
    keep_eyes = smoothstep((eye_top - local[:, 1]) / 0.15)
    inner = _gaussian(local, lm[idx.BROWS_INNER], 0.25) * keep_eyes
    fields = {"browInnerUp": np.c_[np.zeros(len(local)), -0.12 * inner]}
    for side, brow in (("Right", idx.RIGHT_BROW), ("Left", idx.LEFT_BROW)):
        outer_points = brow[np.argsort(np.abs(lm[brow, 0]))[-4:]]
        outer = _gaussian(local, lm[outer_points], 0.25) * keep_eyes
        fields[f"browOuterUp{side}"] = np.c_[np.zeros(len(local)), -0.1 * outer]
        # Frowning pulls the whole brow down and toward the nose.
        whole = _gaussian(local, lm[brow], 0.2) * keep_eyes
        toward_nose = -np.sign(lm[brow, 0].mean())
        fields[f"browDown{side}"] = np.c_[0.03 * toward_nose * whole, 0.07 * whole]
    return fields


def _across_mouth(local: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """(V,) 0 in the middle of the mouth, 1 at (and beyond) its corners,
    each side measured to its own corner: on a turned face the far half of
    the mouth is foreshortened, and one half-width for both sides put the
    far corner only half-way out, so it parted almost as far as the middle."""
    middle = lm[idx.LIPS_INNER_UPPER[5], 0]
    corners = lm[idx.LIPS_INNER_UPPER[[0, -1]], 0]
    half = np.where(local[:, 0] < middle, middle - corners.min(), corners.max() - middle)
    return np.clip(np.abs(local[:, 0] - middle) / np.maximum(half, 1e-6), 0, 1)


def _inside_outline(local: np.ndarray, lm: np.ndarray, *, margin: float) -> np.ndarray:
    """(V,) 0 on and outside the face's outline, rising to 1 at ``margin``
    (interocular units) inside it."""
    outline = lm[idx.FACE_OVAL, :2].astype(np.float32)
    depth = np.array([cv2.pointPolygonTest(outline, (float(x), float(y)), True) for x, y in local])
    return smoothstep(depth / margin)


def _sorted_curve(points: np.ndarray):
    order = np.argsort(points[:, 0])
    return points[order, 0], points[order, 1]


def _gaussian(points: np.ndarray, anchors: np.ndarray, sigma: float) -> np.ndarray:
    """(V,) max over ``anchors`` of a Gaussian bump of ``sigma`` at each point."""
    d2 = ((points[:, None, :] - anchors[None, :, :2]) ** 2).sum(axis=2).min(axis=1)
    return np.exp(-d2 / (2 * sigma ** 2))


class _FaceFrame:
    """Image pixels <-> the face's frame (origin between the eyes, x across
    the eyes, y down the face, interocular units)."""

    def __init__(self, rig: FaceRig):
        axes = rig.rotation[:2, :2]
        self.x_axis = axes[:, 0] / np.linalg.norm(axes[:, 0])
        self.y_axis = np.array([-self.x_axis[1], self.x_axis[0]])
        eyes = rig.landmarks[np.r_[idx.RIGHT_EYE_UPPER, idx.LEFT_EYE_UPPER], :2]
        self.origin = eyes.mean(axis=0)
        self.unit = rig.interocular

    def to_local(self, points: np.ndarray) -> np.ndarray:
        offset = (points - self.origin) / self.unit
        return np.c_[offset @ self.x_axis, offset @ self.y_axis]

    def direction_to_local(self, direction: np.ndarray) -> np.ndarray:
        """(2,) an image-plane vector in the face's axes (no offset, no scaling)."""
        return np.array([direction @ self.x_axis, direction @ self.y_axis])

    def to_pixels(self, displacement: np.ndarray) -> np.ndarray:
        return (displacement[:, :1] * self.x_axis + displacement[:, 1:] * self.y_axis) * self.unit

"""What the photo does not show inside an opening mouth: teeth, tongue, cavity.

Drawn on a strip between the inner lip contours, behind the face mesh, so
the lips frame it exactly at every opening. A closed mouth in the photo
gets procedural teeth, tongue and cavity, coloured from the photo's lips and
skin so they match its lighting and its colour (grey in a black-and-white
photo); lips parted over a dark mouth show as photographed until the mouth
opens further. A photo that already shows teeth (a smile) keeps its own
interior: the upper half travels with the upper lip, the lower half with
the lower lip, and the cavity and tongue open between them, so the teeth
never double or change.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.path import Path as Polygon

from talkface.face import landmark_indices as idx
from talkface.face.rig import FaceRig


@dataclass(frozen=True)
class MouthColours:
    """RGB in [0, 1]."""

    teeth: tuple[float, float, float]
    tongue: tuple[float, float, float]
    cavity: tuple[float, float, float]


def mouth_colours(rig: FaceRig) -> MouthColours:
    texture = rig.texture.astype(np.float64) / 255.0
    lips = _mean_inside(texture, rig.landmarks[np.r_[idx.LIPS_OUTER_UPPER, idx.LIPS_OUTER_LOWER[1:-1][::-1]], :2])
    cheeks = _mean_inside(texture, rig.landmarks[[234, 93, 132, 58, 172, 136, 150, 149, 176, 148, 152,
                                                  377, 400, 378, 379, 365, 397, 288, 361, 323, 454], :2])
    # Teeth are a warm off-white, dimmed or brightened with the face's light
    # so they never glow in a dark painting or look grey in a bright photo,
    # and tinted by the light's colour: skin seen under white light has
    # G/R ~0.75 and B/R ~0.65 (the median of the test portraits), so skin
    # redder than that means warm light (or warm paint), which makes the
    # teeth warmer too. Half of the measured tint: part of a skin's hue is
    # the person's own, and full-strength teeth turned orange on the
    # warmest photo (Grace Hopper, G/R 0.61), whose teeth looked
    # grey-green beside the skin without it.
    light = np.clip(cheeks.mean() / 0.55, 0.45, 1.15)
    skin_ratios = cheeks[1:] / max(cheeks[0], 1e-3)
    tint = np.r_[1.0, np.sqrt(np.clip(skin_ratios / np.array([0.75, 0.65]), 0.6, 1.25))]
    teeth = np.clip(np.array([0.86, 0.82, 0.74]) * tint * light * 0.8 + 0.2 * cheeks, 0, 1)
    # A tongue is redder and more saturated than lips seen in daylight.
    tongue = np.clip(np.array([0.72, 0.33, 0.31]) * light * 0.8 + 0.2 * lips, 0, 1)
    # The cavity is the lips' colour in deep shadow: dark red-brown rather
    # than black, which reads as a hole cut in the face.
    cavity = np.clip(lips * 0.22, 0, 1)
    colours = (_in_photo_colour(colour, cheeks) for colour in (teeth, tongue, cavity))
    return MouthColours(*(tuple(float(v) for v in colour) for colour in colours))


# Luma weights (ITU-R BT.601) for how light a colour looks.
_LUMA = np.array([0.299, 0.587, 0.114])
# Skin in a colour photo is at least this saturated (1 - min/max of its RGB:
# 0.17-0.63 over the test portraits, 0.35 typical); a black-and-white or
# toned photo's skin is near 0.
_FULL_COLOUR_CHROMA = 0.2


def _in_photo_colour(colour: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """(3,) RGB ``colour`` as the photo would show it: in a black-and-white
    or toned photo (``skin``, (3,) RGB, nearly grey) its lightness in the
    skin's tone, so a red tongue or warm teeth do not stand out in a grey
    face; in a colour photo unchanged."""
    chroma = 1.0 - skin.min() / max(skin.max(), 1e-3)
    share = np.clip(chroma / _FULL_COLOUR_CHROMA, 0.0, 1.0)
    toned = float(colour @ _LUMA) * skin / max(float(skin @ _LUMA), 1e-3)
    return np.clip(share * colour + (1.0 - share) * toned, 0, 1)


def photo_shows_teeth(rig: FaceRig) -> bool:
    """Whether the photo shows teeth between the lips (a smile, speech).

    Lips parted over a dark mouth are not enough: the photo's own interior
    is used only where it is teeth, clearly brighter than the lips around it.
    """
    upper = rig.landmarks[idx.LIPS_INNER_UPPER[3:8], :2]
    lower = rig.landmarks[idx.LIPS_INNER_LOWER[3:8], :2]
    # A gap of 4 % of the interocular distance (~2.5 mm) can show teeth.
    if float(np.linalg.norm(lower - upper, axis=1).mean()) <= 0.04 * rig.interocular:
        return False
    texture = rig.texture.astype(np.float64) / 255.0
    opening = rig.landmarks[np.r_[idx.LIPS_INNER_UPPER, idx.LIPS_INNER_LOWER[1:-1][::-1]], :2]
    lips = rig.landmarks[np.r_[idx.LIPS_OUTER_UPPER, idx.LIPS_OUTER_LOWER[1:-1][::-1]], :2]
    inside = _pixels_inside(texture, opening).mean(axis=1)
    # Teeth: the brightest tenth of the opening stands 0.12 (on 0-1) above
    # the lips; a dark mouth or the inner lip itself stays at or below them.
    return bool(len(inside) and np.percentile(inside, 90) > _pixels_inside(texture, lips).mean() + 0.12)


def _mean_inside(texture: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    pixels = _pixels_inside(texture, polygon)
    return pixels.mean(axis=0) if len(pixels) else texture.reshape(-1, 3).mean(axis=0)


def _pixels_inside(texture: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """(N, 3) the texture's pixels inside ``polygon`` ((P, 2) pixels)."""
    lo = np.floor(polygon.min(axis=0)).astype(int).clip(0)
    hi = np.ceil(polygon.max(axis=0)).astype(int) + 1
    ys, xs = np.mgrid[lo[1]:min(hi[1], texture.shape[0]), lo[0]:min(hi[0], texture.shape[1])]
    inside = Polygon(polygon).contains_points(np.c_[xs.ravel(), ys.ravel()])
    return texture[ys.ravel()[inside], xs.ravel()[inside]]


MOUTH_FRAGMENT_SHADER = """
#version 330
uniform float unit;          // interocular distance, pixels
uniform float mouth_width;   // corner to corner, pixels
uniform float upper_teeth;   // visible heights and incisor width, interocular units
uniform float lower_teeth;
uniform float incisor_width;
uniform vec3 teeth;
uniform vec3 tongue;
uniform vec3 cavity;
uniform sampler2D photo;
uniform float size;          // of the photo texture, pixels
uniform float photo_mouth;   // 1: use the teeth the photo shows
uniform float teeth_shown;   // 0-1: rounded lips stand off the teeth and hide them
in vec3 mouth;               // across (0-1 corner to corner), down (0-1 lip to lip), gap (pixels)
in vec2 rest_top;            // where this column's upper inner lip is in the photo, pixels
in vec2 rest_down;           // unit vector from there to the lower inner lip
in float rest_gap;           // the photo's own lip gap here, pixels
out vec4 colour;

void main() {
    float from_top = mouth.y * mouth.z;
    float from_bottom = (1.0 - mouth.y) * mouth.z;
    float across = (mouth.x - 0.5) * mouth_width;
    // The dental arch curves back: teeth get shorter and darker toward the corners.
    float arch = clamp(1.0 - pow(abs(2.0 * mouth.x - 1.0), 2.2), 0.0, 1.0);
    // Edges as soft as a photo's (~1 mm): crisper teeth look pasted on.
    float soft = 0.03 * unit;

    // The cavity, darkest at the back; the wet inner lips catch some light
    // along its edges.
    vec3 c = cavity * (0.45 + 0.55 * arch);
    c = mix(c, cavity * 3.0, 1.0 - smoothstep(0.0, 0.05 * unit, min(from_top, from_bottom)));
    // The lower teeth and tongue rise into view only as the jaw drops.
    float open = smoothstep(0.08 * unit, 0.35 * unit, mouth.z);
    // The tongue lies on the floor of an open mouth, in the cavity's
    // shade, darkest where it curves away toward the back.
    // A wide-open mouth shows more of it: its back rises into view.
    float tongue_top = (0.1 * unit + 0.2 * mouth.z) * arch * open;
    vec3 tongue_shaded = tongue * (0.4 + 0.4 * arch)
                       * (0.6 + 0.4 * smoothstep(0.0, 0.6 * tongue_top + soft, tongue_top - from_bottom));
    c = mix(c, tongue_shaded, smoothstep(-soft, soft, tongue_top - from_bottom));

    float tooth = across / (incisor_width * unit);
    float edge = abs(fract(tooth) - 0.5) * 2.0;          // 1 at a gap between teeth
    float gaps = 1.0 - 0.2 * pow(edge, 6.0);
    float rounded = 1.0 - 0.12 * pow(edge, 3.0);          // tooth tips are rounded
    // Lower incisors are narrower: their gaps come twice as often.
    float lower_gaps = 1.0 - 0.2 * pow(abs(fract(2.0 * tooth) - 0.5) * 2.0, 6.0);
    // The lower arch is smaller and sits inside the upper one: past the
    // canines the lower lip hides its teeth, so they show only in the
    // middle of the opening rather than as a band along the whole lip.
    float lower_arch = clamp(1.0 - pow(abs(2.0 * mouth.x - 1.0) / 0.7, 2.2), 0.0, 1.0);
    float lower_edge = lower_teeth * unit * lower_arch * rounded * open * teeth_shown;
    vec3 lower = teeth * 0.85 * lower_gaps * (0.65 + 0.35 * lower_arch) * (0.6 + 0.4 * teeth_shown);
    c = mix(c, lower, smoothstep(-soft, soft, lower_edge - from_bottom));

    float upper_edge = upper_teeth * unit * arch * rounded * teeth_shown;
    // The upper lip shades the top of the teeth, the lower lip their tips
    // in a narrow opening.
    float lip_shadow = (0.8 + 0.2 * smoothstep(0.0, 0.06 * unit, from_top))
                     * (0.85 + 0.15 * smoothstep(0.0, 0.05 * unit, from_bottom));
    vec3 upper = teeth * gaps * (0.85 + 0.15 * arch) * lip_shadow * (0.6 + 0.4 * teeth_shown);
    c = mix(c, upper, smoothstep(-soft, soft, upper_edge - from_top));

    if (photo_mouth > 0.5) {
        // The photo's teeth: the upper half of its opening travels with the
        // upper lip, the lower half with the lower lip; between them the
        // cavity with the tongue rising behind the lower teeth.
        float half_gap = 0.5 * rest_gap;
        vec3 hollow = mix(cavity * (0.45 + 0.55 * arch), tongue_shaded,
                          smoothstep(-soft, soft, tongue_top - (from_bottom - half_gap)));
        vec3 top = texture(photo, (rest_top + rest_down * min(from_top, half_gap)) / size).rgb;
        vec3 bottom = texture(photo, (rest_top + rest_down * max(rest_gap - from_bottom, half_gap)) / size).rgb;
        c = mix(hollow, top, smoothstep(-soft, soft, half_gap - from_top));
        c = mix(c, bottom, smoothstep(-soft, soft, half_gap - from_bottom) * step(half_gap, from_top));
    } else {
        // Lips parted over a dark mouth in the photo: as they are, until the
        // mouth opens further than in the photo and the teeth come into view.
        vec3 as_photographed = texture(photo, (rest_top + rest_down * mouth.y * rest_gap) / size).rgb;
        c = mix(as_photographed, c, smoothstep(0.0, 0.08 * unit, mouth.z - rest_gap));
    }
    colour = vec4(c, 1.0);
}
"""

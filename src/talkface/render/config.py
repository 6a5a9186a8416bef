"""Tunables of the renderer, each with why it has its value.

Lengths are in interocular distances (between the eye centres, ~63 mm on an
adult), so one set of numbers fits every face size.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderConfig:
    # Lower-lip drop at jawOpen = 1. A wide-open mouth in speech shows a
    # 35-40 mm lip gap, about 0.6 of the interocular distance.
    jaw_drop: float = 0.6
    # The chin travels less than the lower lip (the lips also part).
    chin_share: float = 0.78
    # Rounded lips narrow the gap the jaw opens: puckered lips purse to a
    # slit, funnelled ones to a small O. These shares of the jaw's pull on
    # the lips are cancelled at mouthPucker / mouthFunnel = 1, as mouthClose
    # cancels all of it. The real speakers' inner-lip gap in the seven test
    # videos follows jaw x (1 - close - 0.7 pucker - 0.3 funnel) better than
    # jaw x (1 - close) on eight of nine clips and modes (median r 0.635 ->
    # 0.663); rendered (benchmarks/lipsync.py), the mean r over them rose
    # from 0.53 to 0.55, GRID with transcripts from 0.69 / 0.57 to 0.76 / 0.59.
    pucker_lip_closing: float = 0.7
    funnel_lip_closing: float = 0.3
    # The lower jaw protrudes up to ~8 mm at jawForward = 1 (in the face's
    # own axes; the image shows its sideways part on a turned face).
    jaw_forward: float = 0.12
    # Visible height of the upper and lower front teeth: incisor crowns are
    # ~10 mm and ~9 mm, but the lips cover most of them in speech, the lower
    # ones more (1-3 mm of upper incisor shows below a relaxed upper lip,
    # Vig & Brundo 1978). At 0.11 (7 mm) the teeth filled the whole gap of
    # conversational openings, like a denture, and dlib read our mouths less
    # faithfully (r with the motion's lip gap 0.875 -> 0.918 on the LRS2 clip).
    upper_teeth: float = 0.06
    lower_teeth: float = 0.06
    # Rounded lips (pucker, funnel) are pushed forward, off the teeth, so
    # less of the teeth shows and in their shade: at full rounding the teeth
    # show this much less. Filling rounded lips' narrow gap, the teeth read
    # as a grin, and dlib's reading of our lips flickered from frame to
    # frame (r with the real speaker's mouth on GRID bbaf2n 0.55 with the
    # teeth as on open lips, 0.72 with them set back).
    rounded_teeth_hidden: float = 0.7
    # How far (interocular units, a Gaussian's sigma) around the inner lip
    # edges the lips and skin follow when the photo's parted lips are
    # brought together: about the lips' own height, so the whole lip
    # rolls in rather than only its edge stretching.
    lip_seal_reach: float = 0.1
    # Width of a central incisor (~8.5 mm), which spaces the tooth gaps.
    incisor_width: float = 0.13
    # How far the iris travels at eyeLookIn/Out = 1 (a 30-degree look), as a
    # share of the eye's width.
    full_look_share: float = 0.22
    # A blink pulls the upper lid down with the skin up to this far above it
    # (interocular units), which reaches the lid crease. Under glasses only
    # the lid itself, so the rims stay rigid.
    lid_band: float = 0.3
    glasses_lid_band: float = 0.12
    # Under glasses, brows move only above this height over the eyes (the
    # top of a typical frame's rims); below it the frame would bend.
    glasses_rim_height: float = 0.3
    # Head turns use the landmark depth, but no deeper than this behind the
    # nose tip (the cheek bones lie ~1 interocular distance behind it, the
    # face's outline ~1.5). Deeper outline points would barely move while the
    # cheeks slide past them, stretching the few photo pixels of a cheek
    # seen edge-on into streaks; the outline turns with the cheeks instead.
    turn_depth_limit: float = 1.0
    # The photo is uploaded this many times larger (Lanczos), up to a side
    # of max_texture_side. Bilinear sampling at the sub-pixel positions of a
    # moving head averages neighbouring texels: on the photo itself that
    # halves the face's fine detail (lashes, skin, hair), on a 3x copy it
    # keeps ~90 % of it at the same one fetch per pixel. The factor is odd
    # so that the photo's pixel centres stay texel centres: unmoved parts
    # reproduce the photo exactly.
    texture_scale: int = 3
    # The person's finest detail (an unsharp mask of 0.8 px) is raised by
    # this share before upload, to give back what sub-pixel sampling and
    # H.264 take from a moving face. At 0.3 a talking face comes out
    # 1.11-1.31 times as sharp as the photo before encoding (eight portraits
    # at 256 px), 0.80 on the Vermeer and Grace Hopper without it. 0.2
    # (1.00-1.18) left too little for the encoder: the Vermeer's 10 s clip
    # at 256 px fell to 0.91 and dlib lost its face in one frame.
    detail_restore: float = 0.3
    # 3x a 1024 frame is 3072 px (38 MB); beyond this the photo is uploaded
    # as it is.
    max_texture_side: int = 4096
    # A face turned away in the photo hides its far side, which a turn back
    # toward the camera would have to show, and a turn further away would
    # have to hide behind the nose and cheek, which a mesh over one photo
    # cannot: yaw eases off (softly, from half the limit) at this angle less
    # the photo's own yaw, but always allows min_turn_deg. Frontal faces
    # (limit 35 against turns of +-20) are not affected; on a face at 32
    # degrees, 8 degrees further away moved dlib's identity distance 0.62.
    max_turn_from_frontal_deg: float = 35.0
    min_turn_deg: float = 6.0
    # Nor can it turn further than its triangles follow: a patch of the
    # photo seen edge-on (a turned face's far temple, the side of the nose,
    # a head the frame cuts off) opens up as the head turns and smears its
    # few pixels. Each way about each axis, turns ease off toward the
    # largest whole angle (searched up to turn_search_deg: yaw, pitch, roll)
    # at which no triangle of at least stretch_min_area pixels^2 (at 256 px;
    # smaller ones are not seen) grows past max_stretch times its area in
    # the photo. This overrides min_turn_deg. Frontal photos with room
    # around the head are not limited; Tom Hanks' 112-px close-up, turned
    # 18 degrees, stretched a sliver 9.9 times at yaw -20 and now turns at
    # most 3-7 degrees each way.
    max_stretch: float = 3.0
    stretch_min_area: float = 5.0
    turn_search_deg: tuple[float, float, float] = (25.0, 20.0, 15.0)
    # Rings of mesh points around the face, as multiples of the face oval's
    # size from its centre: the first carries hair, ears and jaw line, the
    # second fades head motion into the fixed background.
    inner_ring: float = 1.3
    outer_ring: float = 1.75
    # Head motion fades out over this share of the frame next to its edges
    # (a head the photo cuts off bends there rather than streaking); faces
    # framed with room around them lie well inside it.
    edge_fade: float = 0.1
    # Points on each edge of the frame, fixed so the background stays put.
    border_points: int = 7
    # Background colour behind everything, matched to a closed room; never
    # visible unless the mesh is broken.
    clear_colour: tuple[float, float, float] = (0.0, 0.0, 0.0)

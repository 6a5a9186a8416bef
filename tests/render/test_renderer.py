import cv2
import numpy as np
import pytest

from talkface.face import landmark_indices as idx
from talkface.face.face_landmarks import face_landmarks
from talkface.face.rig import analyse_photo
from talkface.media.read_image import read_image
from talkface.motion.arkit import ARKIT_INDEX
from talkface.render.renderer import FrameRenderer

from ..conftest import shared_file


def _weights(**named):
    weights = np.zeros(52)
    for name, value in named.items():
        weights[ARKIT_INDEX[name]] = value
    return weights


@pytest.fixture(scope="module")
def diana_rig():
    # No glasses; lips slightly parted over a dark mouth, no teeth showing.
    return analyse_photo(read_image(shared_file("images", "liveportrait_source_s1.jpg")), size=256)


@pytest.fixture(scope="module")
def vermeer_rig():
    # Turned away (yaw about -32 degrees); the near eye's detected lash line
    # runs through the white at its inner end.
    return analyse_photo(read_image(shared_file("images", "liveportrait_source_s10.jpg")), size=512)


@pytest.fixture(scope="module")
def hanks_rig():
    # A 112-px close-up, black and white, turned 18 degrees and smiling (the
    # far mouth corner lies next to the face's outline), cut off at chin and crown.
    return analyse_photo(read_image(shared_file("images", "insightface_Tom_Hanks_54745.png")), size=256)


@pytest.fixture(scope="module")
def hanks_renderer(hanks_rig):
    with FrameRenderer(hanks_rig) as renderer:
        yield renderer


@pytest.fixture(scope="module")
def renderer(grace_rig):
    with FrameRenderer(grace_rig) as renderer:
        yield renderer


def test_rest_pose_reproduces_the_photo(renderer, grace_rig):
    frame = renderer.render(_weights(), np.zeros(3))
    assert frame.shape == (512, 512, 3)
    difference = np.abs(frame.astype(float) - grace_rig.texture.astype(float))
    assert difference.mean() < 1.5


def test_open_jaw_shows_both_rows_of_teeth_around_a_dark_cavity(renderer, grace_rig):
    frame = renderer.render(_weights(jawOpen=1.0), np.zeros(3)).astype(float).mean(axis=2)
    positions = renderer.vertex_positions(_weights(jawOpen=1.0), np.zeros(3))
    top = positions[idx.LIPS_INNER_UPPER[5], :2]      # middle of the upper inner lip
    bottom = positions[idx.LIPS_INNER_LOWER[5], :2]   # middle of the lower inner lip
    assert bottom[1] - top[1] > 0.4 * grace_rig.interocular
    column = frame[int(top[1]) + 1:int(bottom[1]), int(round(top[0])) + 3]
    thirds = np.array_split(column, 3)
    upper_teeth, cavity, lower_teeth = thirds[0][:len(thirds[0]) // 2].max(), thirds[1].mean(), thirds[2].max()
    assert upper_teeth > cavity + 60
    assert lower_teeth > cavity + 30
    assert cavity < 60


def test_full_blink_covers_the_iris(diana_rig):
    # Bare eyes with light lids (under glasses the lid is shadowed: see the
    # glasses test for that case).
    rig = diana_rig
    with FrameRenderer(rig) as renderer:
        rest = renderer.render(_weights(), np.zeros(3)).astype(float)
        blink = renderer.render(_weights(eyeBlinkLeft=1.0, eyeBlinkRight=1.0), np.zeros(3)).astype(float)
    for iris in (idx.RIGHT_IRIS, idx.LEFT_IRIS):
        x, y = rig.landmarks[iris[0], :2].round().astype(int)
        radius = max(2, int(0.06 * rig.interocular))
        # The upper half of the iris (the lower one meets the lashes where
        # the lids close): its dark disc is replaced by the lid's skin.
        patch = (slice(y - radius, y), slice(x - radius, x + radius))
        assert blink[patch].mean() > rest[patch].mean() + 25


def test_yaw_turns_the_nose_toward_the_image_right(renderer, grace_rig):
    rest = face_landmarks(renderer.render(_weights(), np.zeros(3)), None)
    turned = face_landmarks(renderer.render(_weights(), np.array([15.0, 0.0, 0.0])), None)
    shift = turned[idx.NOSE_TIP, 0] - rest[idx.NOSE_TIP, 0]
    # The nose tip swings about the neck pivot: sideways by sin(15 degrees)
    # times how far it stands in front of the pivot in the landmark depth
    # (~1.5 interocular distances, ~34 px here). Measured by Face Mesh on
    # the rendered frame, independently of the mesh.
    in_front = renderer.pivot[2] - grace_rig.landmarks[idx.NOSE_TIP, 2]
    expected = np.sin(np.radians(15.0)) * in_front
    assert 0.8 * expected < shift < 1.2 * expected
    # The far (image-left) side of the face narrows relative to the near one.
    def half_widths(points):
        nose = points[idx.NOSE_TIP, 0]
        return nose - points[234, 0], points[454, 0] - nose
    rest_left, rest_right = half_widths(rest)
    turned_left, turned_right = half_widths(turned)
    assert turned_left / turned_right > rest_left / rest_right


def test_background_does_not_move_with_the_head(renderer, grace_rig):
    rest = renderer.render(_weights(), np.zeros(3)).astype(int)
    turned = renderer.render(_weights(jawOpen=0.5), np.array([8.0, -5.0, 4.0])).astype(int)
    # Background more than a third of an interocular distance from the person
    # (what the head uncovers next to itself is filled from a plate instead).
    outside = (grace_rig.person < 0.05).astype(np.uint8)
    distance = cv2.distanceTransform(outside, cv2.DIST_L2, 5)
    far = distance > 0.33 * grace_rig.interocular
    assert far.sum() > 10_000
    change = np.abs(turned[far] - rest[far]).max(axis=1)
    # Unchanged but for a few pixels of rounding where the head's triangles end.
    assert (change <= 2).mean() > 0.999 and change.max() <= 8


def test_jaw_moves_nothing_beside_the_face(renderer, grace_rig):
    rest = renderer.render(_weights(), np.zeros(3)).astype(int)
    open_jaw = renderer.render(_weights(jawOpen=1.0), np.zeros(3)).astype(int)
    # Pixels more than 0.5 interocular distances outside the face oval and
    # above the chin (below it the throat follows the chin): hair, ears and
    # background stay as they are.
    face = np.zeros(grace_rig.person.shape, np.uint8)
    cv2.fillPoly(face, [grace_rig.landmarks[idx.FACE_OVAL, :2].round().astype(np.int32)], 1)
    distance = cv2.distanceTransform(1 - face, cv2.DIST_L2, 5)
    beside = distance > 0.5 * grace_rig.interocular
    beside[int(grace_rig.landmarks[idx.CHIN, 1]):] = False
    change = np.abs(open_jaw[beside] - rest[beside]).max(axis=1)
    assert (change <= 2).mean() > 0.999


def _largest_stretch(renderer, rotation, *, min_area):
    """Largest factor by which a face triangle of at least ``min_area``
    pixels^2 grows for ``rotation``."""
    triangles = renderer.mesh.triangles

    def areas(points):
        a, b, c = (points[triangles[:, i], :2] for i in range(3))
        return np.cross(b - a, c - a)

    rest = areas(renderer.vertex_positions(_weights(), np.zeros(3)))
    visible = np.abs(rest) > min_area  # slivers are not seen anyway
    return (areas(renderer.vertex_positions(_weights(), np.array(rotation))) / rest)[visible].max()


def test_turns_do_not_stretch_the_face_into_streaks(renderer):
    # A face triangle seen edge-on in the photo that opens up several times
    # its size in a turn smears its few pixels into streaks.
    for rotation in ([20.0, 0.0, 0.0], [-20.0, 0.0, 0.0], [0.0, 15.0, 0.0], [0.0, -15.0, 0.0]):
        assert _largest_stretch(renderer, rotation, min_area=20.0) < 3.0, rotation


def test_a_face_turned_away_does_not_tear_turning_back():
    rig = analyse_photo(read_image(shared_file("images", "liveportrait_source_s10.jpg")), size=256)
    assert rig.head_pose[0] < -25  # a three-quarter view, its right side hidden
    with FrameRenderer(rig) as renderer:
        # Turning toward the camera would show the hidden side: it eases off.
        assert _largest_stretch(renderer, [20.0, 0.0, 0.0], min_area=5.0) < 3.0


def test_a_close_up_turns_only_as_far_as_its_photo_allows(hanks_renderer, hanks_rig):
    # At the extremes a sliver of this close-up's far temple opened
    # up 9.9 times.
    for rotation in ([20.0, 0.0, 0.0], [-20.0, 0.0, 0.0], [0.0, 15.0, 0.0], [0.0, -15.0, 0.0],
                     [0.0, 0.0, 10.0], [0.0, 0.0, -10.0]):
        assert _largest_stretch(hanks_renderer, rotation, min_area=5.0) < 3.0, rotation
    # ...and it still turns, if less.
    nose = hanks_renderer.vertex_positions(_weights(), np.array([-20.0, 0.0, 0.0]))[idx.NOSE_TIP, 0]
    assert nose < hanks_rig.landmarks[idx.NOSE_TIP, 0] - 2.0


def test_a_face_cut_off_by_the_frame_does_not_streak_at_the_edge():
    # The photo's left edge runs through this face's cheek: there is nothing
    # beyond it to show, so nodding and tilting must not stretch its last
    # pixels (over 5x before the head's motion faded out toward the edge).
    rig = analyse_photo(read_image(shared_file("images", "facerecognition_obama_partial_face.jpg")), size=256)
    assert rig.landmarks[idx.FACE_OVAL, 0].min() < 0.05 * rig.size
    with FrameRenderer(rig) as renderer:
        for rotation in ([0.0, 15.0, 0.0], [0.0, -15.0, 0.0], [0.0, 0.0, 10.0], [0.0, 0.0, -10.0]):
            assert _largest_stretch(renderer, rotation, min_area=5.0) < 3.0, rotation


def test_a_moving_face_keeps_its_fine_detail(renderer, grace_rig):
    # Sub-pixel head motion resamples the photo; the face's detail (variance
    # of its Laplacian) must survive it.
    x0, y0 = grace_rig.landmarks[idx.FACE_OVAL, :2].min(axis=0).astype(int)
    x1, y1 = grace_rig.landmarks[idx.FACE_OVAL, :2].max(axis=0).astype(int)

    def detail(frame):
        grey = cv2.cvtColor(frame[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(float)
        return cv2.Laplacian(grey, cv2.CV_64F).var()

    photo = detail(grace_rig.texture)
    for rotation in ([0.4, 0.3, 0.0], [1.0, 0.5, 0.3]):
        assert detail(renderer.render(_weights(), np.array(rotation))) > 0.7 * photo, rotation


def test_lips_parted_over_a_dark_mouth_open_onto_teeth(diana_rig):
    rig = diana_rig
    with FrameRenderer(rig) as renderer:
        rest = renderer.render(_weights(), np.zeros(3))
        frame = renderer.render(_weights(jawOpen=1.0), np.zeros(3)).astype(float).mean(axis=2)
        positions = renderer.vertex_positions(_weights(jawOpen=1.0), np.zeros(3))
    # At rest the picture is the photo's (only the parted lips have closed).
    assert np.abs(rest.astype(float) - rig.texture).mean() < 1.5
    top = positions[idx.LIPS_INNER_UPPER[5], :2]
    bottom = positions[idx.LIPS_INNER_LOWER[5], :2]
    column = frame[int(top[1]) + 1:int(bottom[1]), int(round(top[0])) + 2]
    thirds = np.array_split(column, 3)
    assert thirds[0].max() > thirds[1].mean() + 60   # upper teeth over the cavity
    assert thirds[2].max() > thirds[1].mean() + 30   # lower teeth


def _rim_band_change(rig, config):
    """Mean change over the band of the glasses' upper rims (0.15-0.3
    interocular distances above the eyes) for raised brows, wide eyes and a blink."""
    eyes = rig.landmarks[np.r_[idx.RIGHT_EYE_UPPER, idx.LEFT_EYE_UPPER], :2]
    top = int(eyes[:, 1].min() - 0.3 * rig.interocular)
    bottom = int(eyes[:, 1].min() - 0.15 * rig.interocular)
    band = (slice(top, bottom), slice(int(eyes[:, 0].min()), int(eyes[:, 0].max())))
    with FrameRenderer(rig, config=config) as renderer:
        rest = renderer.render(_weights(), np.zeros(3)).astype(float)
        return [np.abs(renderer.render(weights, np.zeros(3)).astype(float)[band] - rest[band]).mean()
                for weights in (_weights(browInnerUp=1.0, browOuterUpLeft=1.0, browOuterUpRight=1.0,
                                         eyeWideLeft=1.0, eyeWideRight=1.0),
                                _weights(eyeBlinkLeft=1.0, eyeBlinkRight=1.0))]


def test_glasses_stay_rigid_when_brows_rise_and_eyes_blink(grace_rig):
    from talkface.render.config import RenderConfig
    rigid = _rim_band_change(grace_rig, RenderConfig())
    # The same face treated as bare: its rims bend with the skin.
    bent = _rim_band_change(grace_rig, RenderConfig(glasses_rim_height=0.0, glasses_lid_band=0.3))
    # Brows: what moves above the rims drags their top edge a little.
    assert rigid[0] < 0.3 * bent[0]
    # Blink: only the lids under the rims move.
    assert rigid[1] < 1.0 and bent[1] > 2.0


def test_renderers_of_two_faces_in_one_process_draw_their_own_face(renderer, diana_rig):
    before = renderer.render(_weights(jawOpen=0.3), np.array([5.0, 0.0, 0.0]))
    with FrameRenderer(diana_rig) as other:
        other.render(_weights(), np.zeros(3))
        again = renderer.render(_weights(jawOpen=0.3), np.array([5.0, 0.0, 0.0]))
    assert np.array_equal(before, again)


def test_redrawing_only_the_changed_region_gives_the_whole_frame(renderer):
    # Each frame redraws only where the mesh moved; drawing the whole frame
    # for the same pose must give exactly the same pixels.
    full = (0, 0, renderer.size, renderer.size)
    poses = [(_weights(jawOpen=0.6, eyeBlinkLeft=1.0), np.array([18.0, -12.0, 8.0])),
             (_weights(mouthSmileLeft=0.8, mouthSmileRight=0.8, browInnerUp=0.7), np.array([-20.0, 10.0, 0.0])),
             (_weights(eyeLookOutLeft=1.0, eyeLookInRight=1.0), np.zeros(3))]
    for weights, rotation in poses:
        positions = renderer.vertex_positions(weights, rotation)
        with renderer.ctx:
            partial = renderer._draw(positions, weights)
            whole = renderer._draw(positions, weights, region=full)
        assert np.array_equal(partial, whole)


def _mouth_size(frame):
    """(corner-to-corner width, inner-lip gap in the middle) of the mouth, as
    MediaPipe reads ``frame``, pixels."""
    landmarks = face_landmarks(frame, None)
    width = np.linalg.norm(landmarks[idx.MOUTH_CORNERS[0], :2] - landmarks[idx.MOUTH_CORNERS[1], :2])
    return float(width), float(landmarks[idx.LIPS_INNER_LOWER[5], 1] - landmarks[idx.LIPS_INNER_UPPER[5], 1])


def _lip_gap(frame):
    """Inner-lip gap in the middle of the mouth, as MediaPipe reads ``frame``, pixels."""
    return _mouth_size(frame)[1]


def test_parted_lips_close_at_rest_and_open_with_the_jaw_from_nothing(diana_rig):
    # The photo's lips are parted; jawOpen 0 must mean closed lips (a real
    # mouth's opening starts from nothing), and the opening must grow with the jaw.
    photo_gap = _lip_gap(diana_rig.texture)
    with FrameRenderer(diana_rig) as renderer:
        gaps = [_lip_gap(renderer.render(_weights(jawOpen=jaw), np.zeros(3))) for jaw in (0.0, 0.15, 0.3, 0.6)]
    assert photo_gap > 0.05 * diana_rig.interocular
    assert gaps[0] < 0.35 * photo_gap
    assert all(np.diff(gaps) > 0.02 * diana_rig.interocular)


def test_hair_fringes_do_not_jump_when_the_head_starts_moving(renderer, grace_rig):
    # A third of a degree moves the hair edge by a fraction of a pixel: its
    # soft fringe may change that little, not switch to another colour.
    fringe = (grace_rig.person > 0.05) & (grace_rig.person < 0.6)
    rest = renderer.render(_weights(), np.zeros(3)).astype(float)
    nudged = renderer.render(_weights(), np.array([0.3, 0.0, 0.0])).astype(float)
    assert fringe.sum() > 1000
    assert np.abs(nudged - rest).max(axis=2)[fringe].mean() < 6.0


def test_an_open_jaw_parts_the_lips_alike_on_both_sides_of_a_turned_face():
    # On a three-quarter view the far half of the mouth is foreshortened:
    # its corners must stay joined like the near one's, not part almost as
    # far as the middle (the far corner's neighbour dropped 3x as far as
    # the near one's when both sides were measured with one half-width).
    rig = analyse_photo(read_image(shared_file("images", "liveportrait_source_s10.jpg")), size=256)
    assert rig.head_pose[0] < -25
    with FrameRenderer(rig) as renderer:
        positions = renderer.vertex_positions(_weights(jawOpen=0.6), np.zeros(3))
    gaps = positions[idx.LIPS_INNER_LOWER, 1] - positions[idx.LIPS_INNER_UPPER, 1]
    # Columns one in from each corner, and the middle.
    near_corner = [gaps[1], gaps[-2]]
    assert max(near_corner) / min(near_corner) < 1.5
    assert max(near_corner) < 0.7 * gaps[5]


def test_rounded_lips_draw_the_mouth_narrower_and_its_opening_smaller(diana_rig):
    # Puckered lips purse: the mouth narrows and the jaw's gap between the
    # lips shrinks toward a slit (the real speakers' inner-lip gap is
    # smaller on rounded phones than their jaw alone would give).
    with FrameRenderer(diana_rig) as renderer:
        open_width, open_gap = _mouth_size(renderer.render(_weights(jawOpen=0.3), np.zeros(3)))
        round_width, round_gap = _mouth_size(renderer.render(_weights(jawOpen=0.3, mouthPucker=0.8), np.zeros(3)))
    assert open_gap > 0.1 * diana_rig.interocular
    assert round_width < 0.85 * open_width
    assert round_gap < 0.7 * open_gap


def test_a_closed_eye_keeps_no_white_of_the_eye_where_the_lash_line_crossed_it(vermeer_rig):
    # Closed, the Vermeer's near eye must show lid skin and lashes where its
    # lash line crossed the white, no pixel whiter than the lid (15 were).
    rig = vermeer_rig
    with FrameRenderer(rig) as renderer:
        closed = renderer.render(_weights(eyeBlinkLeft=1.0, eyeBlinkRight=1.0), np.zeros(3)).astype(float)
        lid = renderer.fields.lid_shares[1].copy()
        lid[idx.LEFT_EYE_UPPER] = 0.0
        skin = 255.0 * renderer.fields.lid_colours[np.argmax(lid)]
    outline = np.r_[rig.landmarks[idx.LEFT_EYE_UPPER, :2], rig.landmarks[idx.LEFT_EYE_LOWER[::-1], :2]]
    inside = np.zeros(closed.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(outline).astype(np.int32)], 1)
    pixels = closed[inside.astype(bool)]
    # Whiter: brighter than the lid's skin and less warm (blue nearer red).
    whiter = (pixels.mean(axis=1) > skin.mean() + 20) & (pixels[:, 2] / np.maximum(pixels[:, 0], 1.0)
                                                         > skin[2] / skin[0] + 0.1)
    assert len(pixels) > 300
    assert whiter.sum() <= 3


def test_a_closing_lid_keeps_the_shading_of_the_photo_across_it(vermeer_rig):
    # The lid's skin colour is taken around each vertex, not one colour per
    # eye: on the turned Vermeer the far lid is lit on one side and shaded
    # on the other, and the closed lid must be too.
    rig = vermeer_rig
    with FrameRenderer(rig) as renderer:
        fields, rest = renderer.fields, renderer.mesh.vertices[:, :2]
    light = cv2.GaussianBlur(rig.texture, (0, 0), 0.1 * rig.interocular).mean(axis=2)
    for share, lash_line in zip(fields.lid_shares, (idx.RIGHT_EYE_UPPER, idx.LEFT_EYE_UPPER)):
        skin = share.copy()
        skin[lash_line] = 0.0
        lid = np.flatnonzero(skin > 0.3)
        at = np.round(rest[lid]).astype(int)
        lid_light = fields.lid_colours[lid].mean(axis=1)
        assert np.ptp(lid_light) > 0.05
        assert np.corrcoef(light[at[:, 1], at[:, 0]], lid_light)[0, 1] > 0.5


def test_jaw_forward_moves_the_chin_the_way_a_turned_face_points_and_not_on_a_frontal_one(grace_rig):
    # The jaw slides toward where the face points: seen from the front
    # that is toward the camera (no visible shift); on emma, turned to
    # the image's left, the chin moves left.
    emma = analyse_photo(read_image(shared_file("images", "3ddfa_emma.jpg")), size=256, face=1)
    shifts = []
    for rig in (emma, grace_rig):
        with FrameRenderer(rig) as renderer:
            rest, forward = (face_landmarks(renderer.render(weights, np.zeros(3)), None)
                             for weights in (_weights(), _weights(jawForward=1.0)))
        shifts.append((forward[idx.CHIN, :2] - rest[idx.CHIN, :2]) / rig.interocular)
    assert emma.head_pose[0] < -25
    assert shifts[0][0] < -0.03
    assert np.abs(shifts[1]).max() < 0.015


def _mouth_interior_pixels(frame, positions):
    """(N, 3) float pixels of ``frame`` between the inner lips at ``positions``."""
    opening = positions[np.r_[idx.LIPS_INNER_UPPER, idx.LIPS_INNER_LOWER[1:-1][::-1]], :2]
    inside = np.zeros(frame.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(opening).astype(np.int32)], 1)
    inside = cv2.erode(inside, np.ones((5, 5), np.uint8))  # the lips' own edge out
    return frame[inside.astype(bool)].astype(float)


def test_a_black_and_white_photo_opens_onto_a_grey_mouth_and_a_colour_one_onto_a_red_one(renderer, hanks_renderer):
    # A red tongue or cream teeth would be the only colour in the frame.
    open_jaw = _weights(jawOpen=1.0)
    grey = _mouth_interior_pixels(hanks_renderer.render(open_jaw, np.zeros(3)),
                                  hanks_renderer.vertex_positions(open_jaw, np.zeros(3)))
    colour = _mouth_interior_pixels(renderer.render(open_jaw, np.zeros(3)),
                                    renderer.vertex_positions(open_jaw, np.zeros(3)))
    assert len(grey) > 200 and len(colour) > 200
    assert np.percentile(grey.max(axis=1) - grey.min(axis=1), 95) < 6
    assert np.mean(colour[:, 0] - colour[:, 1]) > 10


def test_pursed_lips_leave_the_outline_of_a_turned_face_where_it_was(hanks_renderer, hanks_rig):
    # Drawing in the far corner of this wide mouth pulled the cheek's edge
    # in with it, off the background beside it (5 % of the pixels there
    # changed by over 10 levels).
    rest = hanks_renderer.render(_weights(), np.zeros(3)).astype(float)
    pursed = hanks_renderer.render(_weights(mouthPucker=1.0), np.zeros(3)).astype(float)
    face = np.zeros(rest.shape[:2], np.uint8)
    cv2.fillPoly(face, [np.round(hanks_rig.landmarks[idx.FACE_OVAL, :2]).astype(np.int32)], 1)
    beside = cv2.dilate(face, np.ones((5, 5), np.uint8)) == 0
    mouth_y, reach = hanks_rig.landmarks[idx.LIPS_INNER_UPPER, 1].mean(), 0.5 * hanks_rig.interocular
    beside[:int(mouth_y - reach)] = beside[int(mouth_y + reach):] = False
    change = np.abs(pursed - rest).mean(axis=2)[beside]
    assert change.size > 1000
    assert (change > 10).mean() < 0.005
    # ...while the lips themselves did purse.
    assert np.abs(pursed - rest).mean(axis=2)[face.astype(bool)].max() > 40

"""Draw frames: the photo on the deformed, rotated face mesh, with the mouth
interior behind it, in OpenGL (EGL off-screen; Mesa's llvmpipe on a CPU)."""

import cv2
import moderngl
import numpy as np

from talkface.face import landmark_indices as idx
from talkface.face.head_pose import angles_to_rotation
from talkface.face.rig import FaceRig
from talkface.motion.arkit import ARKIT_INDEX, ARKIT_NAMES
from talkface.render.background_plate import background_plate
from talkface.render.config import RenderConfig
from talkface.render.expression_fields import build_expression_fields
from talkface.render.eyes import EYE_FRAGMENT_SHADER, eye_rigs
from talkface.render.face_mesh import build_face_mesh
from talkface.render.mouth_interior import MOUTH_FRAGMENT_SHADER, mouth_colours, photo_shows_teeth

_PHOTO_VERTEX_SHADER = """
#version 330
uniform float size;
uniform float depth_scale;
in vec3 position;   // x, y, z in pixels (z away from the camera)
in vec2 texcoord;
in vec3 lid_colour; // the skin colour a closing lid takes on
in float lid_share; // how far it takes it on in this frame
out vec2 uv;
out vec4 lid;
void main() {
    uv = texcoord;
    lid = vec4(lid_colour, lid_share);
    // Row 0 of the image at the bottom of clip space, so glReadPixels
    // returns the image top row first.
    gl_Position = vec4(position.x / size * 2.0 - 1.0, position.y / size * 2.0 - 1.0,
                       position.z * depth_scale, 1.0);
}
"""
_PHOTO_FRAGMENT_SHADER = """
#version 330
uniform sampler2D person;      // the photo less the background it was taken over, mask in alpha
uniform sampler2D background;  // the photo without the person; never moves
uniform float size;
in vec2 uv;
in vec4 lid;
out vec4 colour;
void main() {
    vec4 photographed = texture(person, uv);
    photographed.rgb = mix(photographed.rgb, lid.rgb * photographed.a, lid.a);
    // The photographed pixel with the background it was taken over swapped
    // for the background now behind it, as far as the pixel is background
    // (1 - mask): unmoved it is the photo; moved hair fringes carry no ghost
    // of their old background and do not jump when the head starts moving;
    // background the head uncovers is the fixed plate.
    vec3 behind = texture(background, gl_FragCoord.xy / size).rgb;
    colour = vec4(clamp(photographed.rgb + (1.0 - photographed.a) * behind, 0.0, 1.0), 1.0);
}
"""
# The same for triangles whose photo is all person (opacity 1 everywhere).
_PERSON_FRAGMENT_SHADER = """
#version 330
uniform sampler2D photo;
in vec2 uv;
in vec4 lid;
out vec4 colour;
void main() {
    colour = vec4(mix(texture(photo, uv).rgb, lid.rgb, lid.a), 1.0);
}
"""
_MOUTH_VERTEX_SHADER = """
#version 330
uniform float size;
in vec2 position;
in vec3 mouth_coords;
in vec2 rest_top_in;
in vec2 rest_down_in;
in float rest_gap_in;
out vec3 mouth;
out vec2 rest_top;
out vec2 rest_down;
out float rest_gap;
void main() {
    mouth = mouth_coords;
    rest_top = rest_top_in;
    rest_down = rest_down_in;
    rest_gap = rest_gap_in;
    gl_Position = vec4(position.x / size * 2.0 - 1.0, position.y / size * 2.0 - 1.0, 0.999, 1.0);
}
"""


# A vertex that moved less than this (pixels) is drawn as at rest: an eighth
# of the rasteriser's 1/256 px vertex precision, and far below the 0.02 px
# at which the person layer starts to leave the background behind.
_STILL_PX = 1.0 / 2048


def _person_over_background(photo: np.ndarray, plate: np.ndarray) -> np.ndarray:
    """(S, S, 4) float32 in [-1, 1]: RGB of ``photo`` ((S, S, 4) uint8, the
    person mask in alpha) less the ``plate``'s ((S, S, 3) uint8) share that
    the mask leaves to the background, and the mask; adding (1 - mask) times
    any background gives the person over it, and over the plate the photo."""
    share = photo[:, :, 3:].astype(np.float32) / 255.0
    own = photo[:, :, :3].astype(np.float32) / 255.0 - (1.0 - share) * plate.astype(np.float32) / 255.0
    return np.ascontiguousarray(np.dstack([own, share]))


def _restore_detail(texture: np.ndarray, person: np.ndarray, amount: float) -> np.ndarray:
    """(S, S, 3) uint8 ``texture`` with its finest detail raised by
    ``amount`` on the person ((S, S) float mask), where the mesh moves:
    sampling at the sub-pixel positions of a moving face and H.264 each
    soften it (an ideal half-pixel shift keeps 74 % of a photo's Laplacian
    energy); the still background keeps the photo's own pixels."""
    if amount <= 0:
        return texture
    image = texture.astype(np.float32)
    detail = image - cv2.GaussianBlur(image, (0, 0), 0.8)
    restored = image + (amount * person)[:, :, None] * detail
    return np.clip(np.round(restored), 0, 255).astype(np.uint8)


def _opaque_triangles(triangles: np.ndarray, corners: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """(T,) bool: triangles (T, 3) whose every texel within one of their
    outline, at ``corners`` (V, 2) texel coordinates, has ``alpha`` (H, W)
    uint8 255, so that bilinear reads inside them are fully opaque."""
    holes = cv2.dilate((alpha < 255).astype(np.uint8), np.ones((3, 3), np.uint8))
    opaque = np.zeros(len(triangles), bool)
    for t, corner in enumerate(corners[triangles]):
        low = np.maximum(np.floor(corner.min(axis=0)).astype(int) - 1, 0)
        high = np.ceil(corner.max(axis=0)).astype(int) + 2
        window = holes[low[1]:high[1], low[0]:high[0]]
        if window.size == 0 or high[0] > alpha.shape[1] or high[1] > alpha.shape[0]:
            continue
        inside = np.zeros_like(window)
        cv2.fillConvexPoly(inside, np.round((corner - low) * 16).astype(np.int32), 1, cv2.LINE_8, shift=4)
        opaque[t] = not np.any(window & cv2.dilate(inside, np.ones((3, 3), np.uint8)))
    return opaque


def turn_limits(turned, rest: np.ndarray, triangles: np.ndarray, *, max_stretch: float, min_area: float,
                search_deg: tuple[float, float, float]) -> np.ndarray:
    """(3, 2) degrees: how far the head turns each way about each axis
    (yaw, pitch, roll; the negative way first) before a triangle of at
    least ``min_area`` pixels^2 in the photo grows past ``max_stretch``
    times its area, in whole degrees; inf where none does within
    ``search_deg``. ``turned(rest, angles)`` gives the (V, 3) vertices
    turned by (3,) angles; ``triangles`` is (T, 3)."""
    def areas(points: np.ndarray) -> np.ndarray:
        a, b, c = (points[triangles[:, i], :2] for i in range(3))
        return (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])

    at_rest = areas(rest)
    seen = np.abs(at_rest) >= min_area
    limits = np.full((3, 2), np.inf)
    for axis, furthest in enumerate(search_deg):
        for way, sign in enumerate((-1.0, 1.0)):
            for degrees in np.arange(1.0, furthest + 1.0):
                angles = np.zeros(3)
                angles[axis] = sign * degrees
                if np.max(areas(turned(rest, angles))[seen] / at_rest[seen]) >= max_stretch:
                    limits[axis, way] = degrees - 1.0
                    break
    return limits


def eased_turn(rotation: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """(3,) ``rotation`` (yaw, pitch, roll in degrees), each angle eased
    off beyond half of its way's limit ((3, 2), as ``turn_limits``) and
    approaching the limit."""
    eased = np.zeros(3)
    for axis, angle in enumerate(rotation):
        knee = 0.5 * limits[axis, int(angle > 0)]
        if abs(angle) <= knee:
            eased[axis] = angle
        elif knee > 0:
            eased[axis] = np.sign(angle) * (knee + knee * np.tanh((abs(angle) - knee) / knee))
    return eased


def _create_context() -> moderngl.Context:
    try:
        return moderngl.create_standalone_context(backend="egl")
    except Exception:  # no EGL (macOS, Windows): the platform's default off-screen context
        return moderngl.create_standalone_context()


class FrameRenderer:
    """Renders (S, S, 3) uint8 RGB frames of one FaceRig.

    Use as a context manager, or call ``close()``: it holds an OpenGL context.
    """

    def __init__(self, rig: FaceRig, *, config: RenderConfig = RenderConfig()):
        self.size = rig.size
        self.mesh = build_face_mesh(rig, config=config)
        self.fields = build_expression_fields(rig, self.mesh, config=config)
        landmarks = rig.landmarks
        eyes = landmarks[np.r_[idx.RIGHT_EYE_UPPER, idx.LEFT_EYE_UPPER]].mean(axis=0)
        lips = landmarks[idx.LIPS_INNER_UPPER].mean(axis=0)
        # Heads turn about the top of the neck: below the eyes, well behind the face.
        self.pivot = np.array([eyes[0], lips[1], landmarks[idx.NOSE_TIP, 2] + 1.5 * rig.interocular])
        self._rest = self.mesh.vertices.astype(np.float64)
        self._turn_depth = np.minimum(
            self._rest[:, 2], landmarks[idx.NOSE_TIP, 2] + config.turn_depth_limit * rig.interocular)
        self._turn_limits = turn_limits(
            self._turned, self._rest, self.mesh.triangles, max_stretch=config.max_stretch,
            min_area=config.stretch_min_area * (rig.size / 256) ** 2, search_deg=config.turn_search_deg)
        yaw_from_frontal = max(config.min_turn_deg, config.max_turn_from_frontal_deg - abs(float(rig.head_pose[0])))
        self._turn_limits[0] = np.minimum(self._turn_limits[0], yaw_from_frontal)

        ctx = self.ctx = _create_context()
        size = self.size
        # RGBA, read as RGBA: llvmpipe stores colour as 4 bytes a pixel, and
        # reading 3 makes it repack every pixel (10 % of a frame at 512 px).
        self.fbo = ctx.framebuffer(color_attachments=[ctx.renderbuffer((size, size), 4)],
                                   depth_attachment=ctx.depth_renderbuffer((size, size)))
        # The person layer carries its own mask, warped with it: wherever the
        # head's mesh stretches over background, the fixed plate shows instead.
        alpha = np.clip(rig.person * 255.0, 0, 255).astype(np.uint8)
        photo = np.dstack([_restore_detail(rig.texture, rig.person, config.detail_restore), alpha])
        plate = background_plate(rig.texture, rig.person)
        scale = config.texture_scale if size * config.texture_scale <= config.max_texture_side else 1
        side = size * scale

        def enlarged(image: np.ndarray) -> np.ndarray:
            return cv2.resize(image, (side, side), interpolation=cv2.INTER_LANCZOS4) if scale > 1 else image

        # Each enlarged copy goes straight to its texture, one at a time: at
        # 1024 px they are 38 and 150 MB.
        photo_texels = np.ascontiguousarray(enlarged(photo))
        self.photo = ctx.texture((side, side), 4, photo_texels)
        # Triangles wholly inside the person show only the photo, whatever
        # they do: they skip the background's texture read (a tenth of a frame).
        opaque = _opaque_triangles(self.mesh.triangles, self._rest[:, :2] * scale, photo_texels[:, :, 3])
        del photo_texels
        self.person = ctx.texture((side, side), 4, enlarged(_person_over_background(photo, plate)).astype(np.float16),
                                  dtype="f2")
        self.background = ctx.texture((size, size), 3, np.ascontiguousarray(plate))
        for texture in (self.photo, self.person, self.background):
            texture.filter = (moderngl.LINEAR, moderngl.LINEAR)
            texture.repeat_x = texture.repeat_y = False

        # The face, the person inside it and the eye openings share the
        # mesh's vertices; each has its own fragment shader and triangles.
        self.face_positions = ctx.buffer(reserve=len(self._rest) * 12)
        texcoords = ctx.buffer((self.mesh.vertices[:, :2] / size).astype(np.float32).tobytes())
        lid_colours = ctx.buffer(self.fields.lid_colours.tobytes())
        self.lid_shares = ctx.buffer(reserve=len(self._rest) * 4)

        def mesh_program(fragment_shader: str, **textures: int) -> moderngl.Program:
            program = ctx.program(vertex_shader=_PHOTO_VERTEX_SHADER, fragment_shader=fragment_shader)
            program["size"].value = float(size)
            program["depth_scale"].value = 1.0 / (4.0 * size)
            for name, unit in textures.items():
                program[name].value = unit
            return program

        def mesh_part(program: moderngl.Program, triangles: np.ndarray, *, lids: bool) -> moderngl.VertexArray:
            content = [(self.face_positions, "3f", "position"), (texcoords, "2f", "texcoord")]
            if lids:
                content += [(lid_colours, "3f", "lid_colour"), (self.lid_shares, "1f", "lid_share")]
            return ctx.vertex_array(program, content, index_buffer=ctx.buffer(triangles.astype(np.int32).tobytes()),
                                    index_element_size=4)

        self.face_program = mesh_program(_PHOTO_FRAGMENT_SHADER, person=2, background=1)
        self.person_program = mesh_program(_PERSON_FRAGMENT_SHADER, photo=0)
        self.face_vaos = [mesh_part(program, self.mesh.triangles[chosen], lids=True)
                          for program, chosen in ((self.person_program, opaque), (self.face_program, ~opaque))
                          if chosen.any()]
        self.eye_program = mesh_program(EYE_FRAGMENT_SHADER, photo=0)
        self.eyes = eye_rigs(rig)
        self.eye_vaos = [mesh_part(self.eye_program, triangles, lids=False) for triangles in self.mesh.eye_triangles]
        self._full_look_share = config.full_look_share

        self.mouth_program = ctx.program(vertex_shader=_MOUTH_VERTEX_SHADER,
                                         fragment_shader=MOUTH_FRAGMENT_SHADER)
        colours = mouth_colours(rig)
        for name, value in (("size", float(size)), ("unit", rig.interocular),
                            ("upper_teeth", config.upper_teeth), ("lower_teeth", config.lower_teeth),
                            ("incisor_width", config.incisor_width), ("teeth", colours.teeth),
                            ("tongue", colours.tongue), ("cavity", colours.cavity),
                            ("photo", 0), ("photo_mouth", float(photo_shows_teeth(rig)))):
            self.mouth_program[name].value = value
        columns = self.mesh.mouth_columns.shape[1]
        rest_upper, rest_lower = (self._rest[self.mesh.mouth_columns[row], :2] for row in (0, 1))
        rest_gap = np.linalg.norm(rest_lower - rest_upper, axis=1)
        rest_down = (rest_lower - rest_upper) / np.maximum(rest_gap, 1e-6)[:, None]
        self._mouth_rest = np.tile(np.c_[rest_upper, rest_down, rest_gap], (2, 1))  # (2 * columns, 5)
        self.mouth_vertices = ctx.buffer(reserve=2 * columns * 10 * 4)
        strip = [(c, columns + c, c + 1, c + 1, columns + c, columns + c + 1) for c in range(columns - 1)]
        self.mouth_vao = ctx.vertex_array(
            self.mouth_program, [(self.mouth_vertices, "2f 3f 2f 2f 1f", "position", "mouth_coords",
                                  "rest_top_in", "rest_down_in", "rest_gap_in")],
            index_buffer=ctx.buffer(np.array(strip, dtype=np.int32).tobytes()),
            index_element_size=4)
        self._across = np.linspace(0.0, 1.0, columns)
        self._rounded_teeth_hidden = config.rounded_teeth_hidden
        # Gaze changes the eyes' pixels without moving a vertex: always redrawn.
        self._eye_corners = np.unique(np.concatenate(self.mesh.eye_triangles))
        # The whole frame at rest; each frame redraws only where it can differ.
        self._rest_frame = np.zeros((size, size, 3), np.uint8)
        with self.ctx:
            self._rest_frame = self._draw(self._rest, np.zeros(len(ARKIT_NAMES)), region=(0, 0, size, size))

    def vertex_positions(self, weights: np.ndarray, rotation: np.ndarray) -> np.ndarray:
        """(V, 3) mesh positions in pixels for (52,) ARKit ``weights`` and
        (3,) ``rotation`` (yaw, pitch, roll in degrees)."""
        moved = self._rest.copy()
        moved[:, :2] += self.fields.displacement(np.asarray(weights, dtype=np.float64))
        if np.any(rotation):
            moved = self._turned(moved, eased_turn(np.asarray(rotation, dtype=np.float64), self._turn_limits))
        return moved

    def _turned(self, positions: np.ndarray, angles: np.ndarray) -> np.ndarray:
        """(V, 3) ``positions`` with the head turned by (3,) ``angles``
        (yaw, pitch, roll in degrees), each vertex as far as it moves with it."""
        turn = angles_to_rotation(*angles)
        turned = self.pivot + (np.c_[positions[:, :2], self._turn_depth] - self.pivot) @ turn.T
        return positions + self.mesh.head_weight[:, None] * (turned - positions)

    def render(self, weights: np.ndarray, rotation: np.ndarray) -> np.ndarray:
        """One (S, S, 3) uint8 RGB frame."""
        positions = self.vertex_positions(weights, rotation)
        # Another renderer in this process (another session, a test) may
        # hold the current OpenGL context: make this one current while drawing.
        with self.ctx:
            return self._draw(positions, weights)

    def _changed_region(self, positions: np.ndarray) -> tuple[int, int, int, int]:
        """(x, y, width, height) in pixels outside which the frame equals the
        rest frame: every triangle with a moved corner, where it is now and
        where it was, and the eyes. Pixels elsewhere are covered by the same
        unmoved triangles as at rest."""
        moved = np.linalg.norm(positions[:, :2] - self._rest[:, :2], axis=1)
        touched = np.any(moved[self.mesh.triangles] > _STILL_PX, axis=1)
        corners = np.concatenate([self.mesh.triangles[touched].ravel(), self._eye_corners])
        points = np.concatenate([positions[corners, :2], self._rest[corners, :2]])
        low = np.clip(np.floor(points.min(axis=0)) - 1, 0, self.size).astype(int)
        high = np.clip(np.ceil(points.max(axis=0)) + 1, 0, self.size).astype(int)
        return int(low[0]), int(low[1]), int(high[0] - low[0]), int(high[1] - low[1])

    def _draw(self, positions: np.ndarray, weights: np.ndarray,
              region: tuple[int, int, int, int] | None = None) -> np.ndarray:
        x, y, width, height = region = region or self._changed_region(positions)
        self.face_positions.write(positions.astype(np.float32).tobytes())
        self.lid_shares.write(self.fields.lid_skin(np.asarray(weights, dtype=np.float64)).astype(np.float32).tobytes())

        upper, lower = (positions[self.mesh.mouth_columns[row], :2] for row in (0, 1))
        gap = np.linalg.norm(lower - upper, axis=1)
        self.mouth_program["mouth_width"].value = float(np.linalg.norm(upper[-1] - upper[0]))
        rounding = min(float(weights[ARKIT_INDEX["mouthPucker"]] + weights[ARKIT_INDEX["mouthFunnel"]]), 1.0)
        self.mouth_program["teeth_shown"].value = 1.0 - self._rounded_teeth_hidden * rounding
        rows = [np.c_[upper, self._across, np.zeros_like(gap), gap],
                np.c_[lower, self._across, np.ones_like(gap), gap]]
        self.mouth_vertices.write(np.c_[np.concatenate(rows), self._mouth_rest].astype(np.float32).tobytes())

        self.fbo.use()
        self.fbo.scissor = region
        self.fbo.clear(0.0, 0.0, 0.0, 1.0, depth=1.0, viewport=region)
        self.photo.use(0)
        self.background.use(1)
        self.person.use(2)
        self.ctx.disable(moderngl.DEPTH_TEST)
        self.mouth_vao.render(moderngl.TRIANGLES)
        self.ctx.enable(moderngl.DEPTH_TEST)
        for vao in self.face_vaos:
            vao.render(moderngl.TRIANGLES)
        for eye, vao in zip(self.eyes, self.eye_vaos):
            self.eye_program["iris_rest"].value = tuple(eye.iris_centre)
            self.eye_program["iris_offset"].value = tuple(
                eye.iris_offset(weights, full_look_share=self._full_look_share))
            self.eye_program["iris_radius"].value = eye.iris_radius
            self.eye_program["sclera"].value = eye.sclera
            vao.render(moderngl.TRIANGLES)
        changed = np.frombuffer(self.fbo.read(viewport=region, components=4, alignment=1), dtype=np.uint8)
        frame = self._rest_frame.copy()
        frame[y:y + height, x:x + width] = cv2.cvtColor(changed.reshape(height, width, 4), cv2.COLOR_RGBA2RGB)
        return frame

    def close(self) -> None:
        self.ctx.release()

    def __enter__(self) -> "FrameRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

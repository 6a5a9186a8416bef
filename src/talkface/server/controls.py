"""Controls from a client: form fields or a JSON object, checked."""

from talkface.api import make_controls
from talkface.errors import InputError
from talkface.motion.track import Controls

# name -> type the value is read as
_FIELDS = {"seed": int, "motion_intensity": float, "emotion": str, "emotion_intensity": float,
           "head_distance": float, "gaze": None}


def parse_controls(values: dict, *, base: Controls = Controls()) -> Controls:
    """``base`` with the controls in ``values`` replaced; unknown names and
    bad values raise a ValueError worded for the client."""
    unknown = sorted(set(values) - set(_FIELDS))
    if unknown:
        raise ValueError(f"unknown control {unknown[0]!r} (known: {', '.join(_FIELDS)})")
    merged = {"seed": base.seed, "motion_intensity": base.motion_intensity, "gaze": base.gaze,
              "emotion": base.emotion, "emotion_intensity": base.emotion_intensity,
              "head_distance": base.head_distance}
    for name, value in values.items():
        kind = _FIELDS[name]
        if name == "gaze":
            merged[name] = _gaze(value)
            continue
        try:
            merged[name] = kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"control {name!r} must be a {kind.__name__}, not {value!r}") from None
        if kind is float and merged[name] != merged[name]:
            raise ValueError(f"control {name!r} must be a number, not {value!r}")
    try:
        return make_controls(**merged)
    except InputError as error:
        raise ValueError(error.problem) from None


def _gaze(value) -> str | tuple[float, float]:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        return (float(value[0]), float(value[1]))
    raise ValueError(f"control 'gaze' must be a direction name, 'YAW,PITCH' or [yaw, pitch], not {value!r}")


def animate_options(controls: Controls) -> dict:
    """``api.animate`` keyword arguments for ``controls``."""
    return {"seed": controls.seed, "motion_intensity": controls.motion_intensity, "gaze": controls.gaze,
            "emotion": controls.emotion, "emotion_intensity": controls.emotion_intensity,
            "head_distance": controls.head_distance}

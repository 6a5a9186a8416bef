"""talkface: one portrait photo and one voice recording in, a talking video out.

    import talkface
    talkface.animate("portrait.jpg", "speech.wav", "out.mp4")
"""

__version__ = "0.1.0"
__all__ = ["animate", "InputError", "__version__"]


def __getattr__(name: str):
    # The pipeline imports MediaPipe, OpenGL and FFmpeg bindings; load them
    # only when used, so `talkface --help` and `import talkface` stay instant.
    if name == "animate":
        from talkface.api import animate
        return animate
    if name == "InputError":
        from talkface.errors import InputError
        return InputError
    raise AttributeError(f"module 'talkface' has no attribute {name!r}")

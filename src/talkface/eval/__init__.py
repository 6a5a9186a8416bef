"""Quality measurements of talking-head videos, with detectors independent of
the ones talkface renders with: dlib's 68-point landmarks and 128-D face
descriptor (the optional ``[eval]`` extra)."""

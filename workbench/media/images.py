"""Image work on RGB frames with OpenCV: scaling and PNG encoding."""

from __future__ import annotations

import cv2
import numpy as np

from workbench.model.errors import WorkbenchError


def scaled(image: np.ndarray, width: int | None = None, height: int | None = None) -> np.ndarray:
    """``image`` resized to ``width`` x ``height``; give one of them to keep the aspect ratio.

    Area averaging when shrinking (no aliasing in thumbnails), bilinear when enlarging.
    Returns the image itself when the size already matches.
    """
    h, w = image.shape[:2]
    if width is None and height is None:
        return image
    if width is None:
        width = max(1, int(round(w * height / h)))
    if height is None:
        height = max(1, int(round(h * width / w)))
    if width <= 0 or height <= 0:
        raise ValueError(f"cannot scale to {width}x{height}")
    if (width, height) == (w, h):
        return image
    shrink = width * height < w * h
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def png_bytes(image: np.ndarray) -> bytes:
    """Lossless PNG of an HxWx3 RGB uint8 image."""
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if not ok:
        raise WorkbenchError("the frame could not be encoded as PNG")
    return encoded.tobytes()

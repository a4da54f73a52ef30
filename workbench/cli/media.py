"""Media commands: what a file holds, and the exact frame on screen at a time.

    workbench media probe FILE                       JSON: duration, frame count and rate, VFR, streams,
                                                     how the picture is shown (rotation, pixel shape)
    workbench media frame FILE --at-ms T --out F.png the frame on screen at T ms, as PNG, as shown

Frame counts and video duration come from the stream itself (every packet's timestamp), not the
header, which some files leave empty or get wrong. Times are ms from the file's start. Frames are
written as a player shows them: turned by the file's rotation flag (a phone's display matrix) and
stretched to square pixels.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from workbench.model.errors import WorkbenchError


def register(commands) -> None:
    media = commands.add_parser("media", help="inspect media files: probe, or write the frame at a time")
    sub = media.add_subparsers(dest="media_command", metavar="ACTION", required=True)

    probe = sub.add_parser("probe", help="print what a media file holds, as JSON")
    probe.add_argument("file", type=Path)
    probe.set_defaults(handler=_cmd_probe)

    frame = sub.add_parser("frame", help="write the video frame on screen at a time as PNG")
    frame.add_argument("file", type=Path)
    frame.add_argument(
        "--at-ms", type=int, required=True, metavar="T", help="time in ms from the file's start"
    )
    frame.add_argument("--out", type=Path, required=True, metavar="F.png")
    frame.add_argument(
        "--height", type=int, metavar="PX", help="scale to this height (keeps the aspect ratio)"
    )
    frame.set_defaults(handler=_cmd_frame)


def describe(path: Path) -> dict:
    """Probe result as plain JSON-able data, with the video's frames counted from the stream."""
    from workbench.media.frame_index import frame_index
    from workbench.media.frames import FrameReader
    from workbench.media.probe import probe

    info = probe(path)
    out = {
        "path": str(info.path),
        "kind": info.kind,
        "container": info.container,
        "duration_ms": info.duration_ms,
        "start_ms": info.start_ms,
        "size_bytes": info.size_bytes,
        "has_audio": info.has_audio,
        "has_video": info.has_video,
        "width": info.width,
        "height": info.height,
        "frame_rate": info.frame_rate,
        "vfr": info.variable_frame_rate,
        "frame_count": info.frame_count,
        "video_duration_ms": None,
        "streams": [asdict(s) for s in info.streams],
    }
    if info.has_video:
        index = frame_index(path)
        out.update(
            frame_count=index.frame_count,
            video_duration_ms=index.duration_ms,
            keyframe_count=len(index.keyframes),
        )
        with FrameReader(path) as reader:
            turn, (width, height) = reader.orientation, reader.size
        out.update(
            rotation_degrees=turn.degrees,
            mirrored=turn.mirrored,
            sample_aspect_ratio=str(turn.sample_aspect),
            display_width=width,
            display_height=height,
        )
    return out


def _cmd_probe(args) -> int:
    print(json.dumps(describe(args.file), indent=2))
    return 0


def _cmd_frame(args) -> int:
    from workbench.media.frames import FrameReader
    from workbench.media.images import png_bytes, scaled
    from workbench.model.files import atomic_output

    if args.out.suffix.lower() != ".png":
        raise WorkbenchError(f"{args.out} should end in .png")
    if not args.out.parent.is_dir():
        raise WorkbenchError(f"{args.out.parent} is not a folder")
    if args.height is not None and args.height <= 0:
        raise WorkbenchError("--height must be positive")
    with FrameReader(args.file) as reader:
        frame = reader.frame_at(args.at_ms)
    image = frame.image if args.height is None else scaled(frame.image, height=args.height)
    with atomic_output(args.out) as handle:
        handle.write(png_bytes(image))
    print(
        f"Wrote frame {frame.index} (shown {frame.pts_ms}-{frame.pts_ms + frame.duration_ms} ms, "
        f"{image.shape[1]}x{image.shape[0]}) to {args.out}"
    )
    return 0

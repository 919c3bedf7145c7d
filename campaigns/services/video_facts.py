"""What a video file is, read with PyAV (FFmpeg inside its wheel): length, size, a poster frame.

Used on archived videos (poster, duration, resolution on the task) and on motion-control
reference videos before a job is paid for. Files are read from local paths only, and FFmpeg only
ever gets the demuxer our own sniffing chose (MP4/QuickTime or Matroska) with the `file` protocol
alone: left to guess, it would also take playlists and concat lists that fetch URLs or read other
local files.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

import av
from av.error import FFmpegError

logger = logging.getLogger(__name__)

POSTER_AT_SECONDS = 1.0
POSTER_JPEG_QUALITY = 82
# Decoding stops after this many frames looking for the poster moment (a broken timestamp must
# not make us decode a whole file).
_MAX_POSTER_FRAMES = 240
# The first box of an MP4/QuickTime file, and Matroska's (MKV, WebM) magic number: the
# containers Kie takes and makes.
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
_MATROSKA_MAGIC = b"\x1a\x45\xdf\xa3"
_FFMPEG_OPTIONS = {"protocol_whitelist": "file"}


class NotAVideo(ValueError):
    """The file is not a video FFmpeg can read (or has no video stream)."""


@dataclass(frozen=True)
class VideoFacts:
    duration_seconds: float
    width: int
    height: int
    container: str  # the demuxer: "mov" (MP4/QuickTime) or "matroska" (MKV/WebM)


def probe(path: Path | str) -> VideoFacts:
    """Length and frame size of the video at `path`; NotAVideo when it is none."""
    try:
        with _open(path) as container:
            return _facts(container)
    except (FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise NotAVideo(f"not a readable video ({exc})") from exc


def container_format(path: Path | str) -> str:
    """The demuxer for the file, from its first bytes; NotAVideo unless MP4/MOV or Matroska."""
    with open(path, "rb") as file:
        head = file.read(12)
    if head[4:8] in _MP4_BOXES:
        return "mov"
    if head.startswith(_MATROSKA_MAGIC):
        return "matroska"
    raise NotAVideo("not an MP4, MOV or MKV file")


def _open(path: Path | str) -> av.container.InputContainer:
    fmt = container_format(path)
    return av.open(str(path), format=fmt, options=_FFMPEG_OPTIONS, metadata_errors="ignore")


def _facts(container: av.container.InputContainer) -> VideoFacts:
    if not container.streams.video:
        raise NotAVideo("the file has no video stream")
    stream = container.streams.video[0]
    duration = None
    if container.duration is not None:
        duration = container.duration / av.time_base
    elif stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    if duration is None:
        raise NotAVideo("the file does not say how long it is")
    context = stream.codec_context
    return VideoFacts(round(duration, 3), context.width, context.height, container.format.name)


def poster_jpeg(path: Path | str, *, at_seconds: float = POSTER_AT_SECONDS) -> bytes | None:
    """A JPEG of the frame shown `at_seconds` in (the last one, for a shorter video); None if no
    frame can be decoded."""
    try:
        with _open(path) as container:
            frame = _frame_at(container, at_seconds)
            if frame is None:
                return None
            buffer = io.BytesIO()
            frame.to_image().save(buffer, format="JPEG", quality=POSTER_JPEG_QUALITY)
            return buffer.getvalue()
    except (FFmpegError, OSError, ValueError, NotAVideo) as exc:
        logger.warning("No poster for %s: %r", path, exc)
        return None


def _frame_at(container: av.container.InputContainer, at_seconds: float) -> av.VideoFrame | None:
    if not container.streams.video:
        return None
    stream = container.streams.video[0]
    chosen = None
    for count, frame in enumerate(container.decode(stream)):
        chosen = frame
        if (frame.time is not None and frame.time >= at_seconds) or count >= _MAX_POSTER_FRAMES:
            break
    return chosen

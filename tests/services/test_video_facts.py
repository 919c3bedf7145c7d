"""Reading videos with PyAV: facts and posters, and only from MP4/MOV or Matroska files."""

from __future__ import annotations

import io
from pathlib import Path

import av
import pytest
from PIL import Image

from campaigns.services.video_facts import NotAVideo, poster_jpeg, probe
from tests.media_clips import mp4_bytes

SAMPLE = Path(__file__).resolve().parents[2] / "kie/sandbox/media/sample.mp4"


def _mkv_bytes(frames: int = 20) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="matroska") as container:
        stream = container.add_stream("libx264", rate=5)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(frames):
            image = Image.new("RGB", (64, 48), (index * 10, 0, 0))
            for packet in stream.encode(av.VideoFrame.from_image(image).reformat(format="yuv420p")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def test_probe_reads_length_and_size_of_mp4_and_mkv(tmp_path):
    mkv = tmp_path / "clip.mkv"
    mkv.write_bytes(_mkv_bytes())

    assert (probe(SAMPLE).duration_seconds, probe(SAMPLE).width) == (3.0, 480)
    assert (probe(mkv).duration_seconds, probe(mkv).container) == (4.0, "matroska")


def test_poster_is_a_jpeg_of_a_frame_one_second_in(tmp_path):
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(mp4_bytes(3, size=(96, 64)))

    jpeg = poster_jpeg(clip)

    assert Image.open(io.BytesIO(jpeg)).size == (96, 64) and jpeg[:3] == b"\xff\xd8\xff"


def test_a_video_shorter_than_the_poster_moment_gets_its_last_frame(tmp_path):
    clip = tmp_path / "short.mp4"
    clip.write_bytes(mp4_bytes(0.4))

    assert poster_jpeg(clip) is not None


@pytest.mark.parametrize(
    "content",
    [
        b"#EXTM3U\n#EXTINF:1,\nhttp://169.254.169.254/latest\n",  # HLS: FFmpeg would fetch it
        b"ffconcat version 1.0\nfile /etc/passwd\n",  # concat: it would read a local file
        SAMPLE.with_name("poster.jpg").read_bytes(),  # FFmpeg "plays" a JPEG as a 1-frame video
        b"",
    ],
)
def test_anything_but_mp4_mov_or_mkv_is_refused_before_ffmpeg_reads_it(tmp_path, content):
    path = tmp_path / "upload.mp4"
    path.write_bytes(content)

    with pytest.raises(NotAVideo, match="not an MP4, MOV or MKV file"):
        probe(path)
    assert poster_jpeg(path) is None

"""Plain faster-whisper, as a user of the library would run it: the baseline of bench/transcription.py.

Usage: python bench/plain_whisper.py MODEL_FOLDER AUDIO [--language en] [--threads N] [--per-channel]
Loads the model folder at int8 on the CPU, transcribes with the library's defaults (beam 5, no VAD,
no word timestamps), each channel on its own with ``--per-channel``, and prints {"texts": [...]}
(one text per channel, or one) as JSON. Run as its own process, so start-up is part of its time.
"""

from __future__ import annotations

import argparse
import json
import os

for switch in ("HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK", "ORT_DISABLE_TELEMETRY"):
    os.environ[switch] = "1"  # an offline tool; see transcription/quiet.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("audio")
    parser.add_argument("--language")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--per-channel", action="store_true")
    args = parser.parse_args()
    from faster_whisper import WhisperModel, decode_audio

    model = WhisperModel(
        args.model, device="cpu", compute_type="int8", cpu_threads=args.threads, local_files_only=True
    )
    streams = list(decode_audio(args.audio, split_stereo=True)) if args.per_channel else [args.audio]
    texts = []
    for stream in streams:
        segments, _info = model.transcribe(stream, beam_size=5, language=args.language)
        texts.append(" ".join(s.text.strip() for s in segments))
    print(json.dumps({"texts": texts}))


if __name__ == "__main__":
    main()

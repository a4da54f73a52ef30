"""Export resemblyzer's voice encoder to ONNX, once, for the offline mono diarizer.

Developer-only: this script needs torch and the ``resemblyzer`` wheel; the workbench itself
runs the exported ``transcription/models/voice_encoder.onnx`` with onnxruntime and never
imports torch. Run it in a separate virtualenv::

    python3.11 -m venv /tmp/export-venv
    /tmp/export-venv/bin/pip install torch==2.13.0 numpy onnx onnxruntime librosa webrtcvad-wheels
    /tmp/export-venv/bin/pip install --no-deps resemblyzer==0.1.4
    /tmp/export-venv/bin/python tools/export_voice_encoder.py [--check SPEECH.wav]

(``webrtcvad-wheels`` and ``librosa`` are only there so that ``import resemblyzer`` works for
the comparison; resemblyzer's own ``webrtcvad`` requirement builds from source and fails.)

The network is rebuilt here from its description (3-layer LSTM 40 -> 256, the last layer's
final hidden state, a 256 x 256 linear layer, ReLU, L2 normalisation) and loaded with the
``model_state`` of the wheel's ``pretrained.pt``. With ``--check`` it compares, on real
speech, the ONNX model against resemblyzer's own ``VoiceEncoder`` fed resemblyzer's own mel
spectrogram, and writes ``tests/integration/data/voice_encoder_reference.npz`` (a few
resemblyzer embeddings of that file) so the test suite can check the run-time front end
(numpy mel + onnxruntime) against them.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "transcription" / "models" / "voice_encoder.onnx"
REFERENCE = ROOT / "tests" / "integration" / "data" / "voice_encoder_reference.npz"
N_MELS, HIDDEN, LAYERS, EMBEDDING = 40, 256, 3, 256
REFERENCE_WINDOW_S, REFERENCE_HOP_S = 1.5, 3.0


class Encoder(nn.Module):
    """Mel frames ``(batch, frames, 40)`` -> L2-normalised embeddings ``(batch, 256)``."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(N_MELS, HIDDEN, LAYERS, batch_first=True)
        self.linear = nn.Linear(HIDDEN, EMBEDDING)

    def forward(self, mels: torch.Tensor) -> torch.Tensor:
        _, (hidden, _) = self.lstm(mels)
        raw = torch.relu(self.linear(hidden[-1]))
        return raw / torch.linalg.vector_norm(raw, dim=1, keepdim=True).clamp_min(1e-12)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def weights_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or spec.origin is None:
        raise SystemExit("install the resemblyzer wheel first: pip install --no-deps resemblyzer==0.1.4")
    return Path(spec.origin).parent / "pretrained.pt"


def load_encoder(weights: Path) -> Encoder:
    state = torch.load(weights, map_location="cpu")["model_state"]
    wanted = {k: v for k, v in state.items() if k.startswith(("lstm.", "linear."))}
    encoder = Encoder()
    encoder.load_state_dict(wanted, strict=True)
    return encoder.eval()


def export(encoder: Encoder, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(2, 150, N_MELS)
    torch.onnx.export(
        encoder,
        (example,),
        str(out),
        input_names=["mels"],
        output_names=["embeddings"],
        dynamic_axes={"mels": {0: "batch", 1: "frames"}, "embeddings": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )


def check(encoder_path: Path, speech: Path) -> None:
    """Compare the ONNX model with resemblyzer's VoiceEncoder on ``speech``; write the reference."""
    import librosa
    import onnxruntime
    from resemblyzer import VoiceEncoder, wav_to_mel_spectrogram

    wav, _ = librosa.load(str(speech), sr=16000, mono=True)
    mel = wav_to_mel_spectrogram(wav)  # resemblyzer's own front end (librosa)
    frames = int(REFERENCE_WINDOW_S * 100)
    starts = np.arange(0, mel.shape[0] - frames, int(REFERENCE_HOP_S * 100))
    batch = np.stack([mel[s : s + frames] for s in starts]).astype(np.float32)
    with torch.no_grad():
        theirs = VoiceEncoder("cpu", verbose=False)(torch.from_numpy(batch)).numpy()
    session = onnxruntime.InferenceSession(str(encoder_path), providers=["CPUExecutionProvider"])
    ours = session.run(None, {"mels": batch})[0]
    cosine = np.sum(theirs * ours, axis=1) / np.linalg.norm(theirs, axis=1) / np.linalg.norm(ours, axis=1)
    print(f"{len(starts)} windows of {speech.name}: cosine ONNX vs resemblyzer min {cosine.min():.6f}")
    if cosine.min() < 0.9999:
        raise SystemExit("the exported model does not reproduce resemblyzer's embeddings")
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        REFERENCE,
        source=speech.name,
        start_frames=starts,
        window_frames=frames,
        embeddings=theirs.astype(np.float32),
        librosa_version=librosa.__version__,
    )
    print(f"wrote {REFERENCE.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", type=Path, help="a speech file to compare against resemblyzer on")
    args = parser.parse_args()
    weights = weights_path()
    export(load_encoder(weights), args.out)
    print(f"pretrained.pt sha256 {sha256(weights)}")
    print(
        f"{args.out.name} sha256 {sha256(args.out)} ({args.out.stat().st_size} bytes), torch {torch.__version__}"
    )
    if args.check:
        check(args.out, args.check)


if __name__ == "__main__":
    main()

"""Exceptions raised by the transcription package; each message is one clear line for the user."""


class TranscriptionError(Exception):
    """Base class: transcription could not be carried out."""


class ModelMissingError(TranscriptionError):
    """The requested Whisper model is not available offline; the message names what to install."""


class AudioError(TranscriptionError):
    """The source could not be decoded as audio (corrupt, empty, not media, or no audio stream)."""

"""The transcript editor synced to the recording, and the transcription queue."""

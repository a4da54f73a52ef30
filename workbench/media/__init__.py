"""Qt-free media access: probing, hashing, frames, thumbnails."""

"""Application services: Qt-free use cases that combine the store, media, exchange and files
(import media, transcribe, export coded material, pseudonymise, reliability, backups, erasure, the
demo). The command line and the window both call them; long ones take progress and cancel."""

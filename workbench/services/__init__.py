"""Application services: Qt-free use cases that combine the store, media, exchange and files
(import media, transcripts, BORIS/ELAN and REFI-QDA files, transcribe, export coded material and
tables, pseudonymise, reliability, backups, erasure, the demo), and the mapping between the files
``exchange`` reads and writes and the store's rows. The command line and the window both call them;
each user action is one unit of work; long ones take progress and cancel."""

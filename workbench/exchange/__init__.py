"""Import and export of other tools' files and of reports."""

"""The project store: the only package that imports SQLAlchemy."""

"""Qt-free domain logic: codebooks, codings, behaviour schemes, reliability."""

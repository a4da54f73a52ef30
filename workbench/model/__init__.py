"""Plain value types, errors, the long-task protocol and safe file helpers: no Qt, no SQL, no
other workbench package. Every layer may use them."""

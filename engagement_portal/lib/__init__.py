"""Plain helpers with no models of their own (settings parsing, later the PDF renderer)."""

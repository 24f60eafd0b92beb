"""Forms and file formats at the edge of the exhibition floor."""

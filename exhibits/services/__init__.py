"""Operations on the exhibition floor, as plain functions raising typed errors."""

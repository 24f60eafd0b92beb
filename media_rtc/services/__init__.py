"""Live video's operations as plain functions (the socket handlers stay thin)."""

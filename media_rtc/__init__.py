"""Live booth video: rooms, aiortc peers and the forwarding of media between them."""

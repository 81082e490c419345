"""The Model Context Protocol server that offers the library's search to AI assistants."""

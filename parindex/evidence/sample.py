"""The bundled sample district (placeholder until generated)."""

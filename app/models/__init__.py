"""Qt models (QtCore only) that hold application state and emit on real changes."""

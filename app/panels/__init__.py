"""Dock panels around the map: legend, layers, filters, inspector, search."""

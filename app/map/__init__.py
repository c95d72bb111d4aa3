"""The native map: view transform, map data in the working CRS, numpy and QPainter renderers."""

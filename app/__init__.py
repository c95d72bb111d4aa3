"""LiftGuard's Qt desktop application: a thin layer of models, views and workers over :mod:`gis`."""

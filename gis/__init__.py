"""LiftGuard's domain and GIS core.

Everything here is plain Python over standard containers (pandas DataFrames with the
documented columns of :mod:`gis.registry`, networkx graphs, numpy arrays) and never imports
Qt or :mod:`app`, so every analysis runs headless from Python or the ``liftguard`` command line.
"""

__version__ = "0.1.0"

"""Worker and scheduler entry points of SIKD, and the declarative periodic schedule.

The jobs themselves live in the features (``sikd.<feature>.tasks``); this package only starts
RQ workers and the periodic trigger. ``sikd`` never imports it.
"""

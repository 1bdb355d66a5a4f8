"""Data files for research: sentiment lexicons (see PROVENANCE.md). A package so they install."""

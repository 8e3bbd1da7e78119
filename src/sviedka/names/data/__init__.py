"""Name vocabularies (Python modules, so that they ship with the package)."""

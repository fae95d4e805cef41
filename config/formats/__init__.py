"""Format overrides per language, found through FORMAT_MODULE_PATH."""

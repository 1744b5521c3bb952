"""Our date formats, one style for both languages ("29 November 2026", «29 ноября 2026»,
24-hour times), over Django's own for everything not named here (FORMAT_MODULE_PATH)."""

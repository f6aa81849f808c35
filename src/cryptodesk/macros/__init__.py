"""Reply templates (macros): text with variables, one version per language, optional actions."""

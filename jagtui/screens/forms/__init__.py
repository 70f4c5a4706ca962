"""Small modal forms, one module per subject; the shared machinery is in base.py."""

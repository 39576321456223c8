"""One module per ``netwarp`` sub-command; each defines ``register(subparsers)``."""

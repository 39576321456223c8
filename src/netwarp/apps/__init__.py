"""The hosts: the command line (:mod:`.cli`, :mod:`.commands`), the notebook widget, the HTML export,
the essay page, sweeps and the web app (:mod:`.serve`). Thin layers over the core and the views."""

from netwarp._lazy import submodules

__getattr__ = submodules(__name__)

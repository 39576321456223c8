"""A tiny bundler: the view's ES modules (``static/*.js``) as one ES module string.

anywidget's ``_esm`` must be a single module and the HTML file inlines one, so the
entry ``view.js`` is kept as the module (its exports stay) and every module it imports
is wrapped in a function scope that returns its exports. It understands exactly the
forms the static modules use: ``import * as name from './m.js'``,
``import { a, b as c } from './m.js'`` and ``export function|const|let|class name``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from netwarp.errors import NetwarpError

STATIC = Path(__file__).resolve().parents[1] / "static"
ENTRY = "view.js"

_IMPORT = re.compile(
    r"^import\s+(?:\*\s+as\s+(?P<ns>[\w$]+)|\{(?P<names>[^}]*)\})\s+from\s+"
    r"['\"]\./(?P<mod>[\w.-]+\.js)['\"];?[ \t]*$",
    re.M,
)
_EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([\w$]+)", re.M)
_EXPORT_KEYWORD = re.compile(r"^export\s+(?=(?:async\s+)?(?:function|const|let|class)\b)", re.M)


def _read(name: str) -> str:
    path = STATIC / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NetwarpError(f"netwarp's view files are missing ({path}): reinstall netwarp") from exc


def strip_comments(source: str) -> str:
    """``source`` without its whole-line comments (``// ...`` lines and ``/* ... */`` blocks that
    start a line and end one), blank lines and indentation: the shipped pages carry the code,
    the files keep the prose and the layout. The static modules hold no multi-line string, so a line
    that starts a comment is one, and leading blanks are never part of a string."""
    out: list[str] = []
    in_block = False
    for line in source.split("\n"):
        t = line.strip()
        if in_block:
            in_block = "*/" not in t
            if not in_block and not t.endswith("*/"):
                raise NetwarpError("bundler: code after a comment block on the same line")
            continue
        if t.startswith("//"):
            continue
        if t.startswith("/*"):
            end = t.find("*/", 2)
            if end < 0:
                in_block = True
                continue
            if end == len(t) - 2:
                continue
        if t.count("`") % 2:
            raise NetwarpError("bundler: a template string spans lines (the shipped code drops indentation)")
        if t:
            out.append(t)
    return "\n".join(out)


def _var(module: str) -> str:
    return "__nw_" + re.sub(r"\W", "_", module.removesuffix(".js"))


def _link(source: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """Replace relative imports by bindings to the wrapped modules; return the dependencies, each
    with the names imported from it (none for a namespace import)."""
    deps: list[tuple[str, list[str]]] = []

    def sub(m: re.Match[str]) -> str:
        mod = m.group("mod")
        if m.group("ns"):
            deps.append((mod, []))
            return f"const {m.group('ns')} = {_var(mod)};"
        parts = [p.strip() for p in m.group("names").split(",") if p.strip()]
        deps.append((mod, [p.split(" as ")[0].strip() for p in parts]))
        binds = [p.replace(" as ", ": ") if " as " in p else p for p in parts]
        return f"const {{ {', '.join(binds)} }} = {_var(mod)};"

    return _IMPORT.sub(sub, source), deps


def _wrap(name: str, source: str) -> str:
    names = _EXPORT.findall(source)
    body = _EXPORT_KEYWORD.sub("", source)
    if re.search(r"^export\b", body, re.M):
        raise NetwarpError(f"bundler: {name} uses an export form it does not understand")
    return (
        f"// ---- {name}\nconst {_var(name)} = (() => {{\n{body}\n"
        f"return Object.freeze({{ {', '.join(names)} }});\n}})();\n"
    )


@cache
def bundle_js() -> str:
    """The view as one ES module (``export default {render}`` and ``createLocalModel``)."""
    order: list[str] = []
    seen: set[str] = set()
    linked: dict[str, str] = {}

    def visit(name: str, stack: tuple[str, ...]) -> None:
        if name in stack:
            raise NetwarpError(f"bundler: import cycle {' -> '.join((*stack, name))}")
        if name in seen:
            return
        code, deps = _link(strip_comments(_read(name)))
        for dep, names in deps:
            visit(dep, (*stack, name))
            missing = sorted(set(names) - set(_EXPORT.findall(linked[dep])))
            if missing:  # the browser would bind undefined and fail only when the code runs
                raise NetwarpError(f"bundler: {name} imports {', '.join(missing)} that {dep} does not export")
        seen.add(name)
        linked[name] = code
        order.append(name)

    visit(ENTRY, ())
    parts = [_wrap(name, linked[name]) for name in order if name != ENTRY]
    parts.append(f"// ---- {ENTRY}\n{linked[ENTRY]}")
    return "// netwarp view (bundled from netwarp/static)\n" + "\n".join(parts)


def bundle_css() -> str:
    """The view's stylesheet."""
    return _read("view.css")


def script_safe(text: str) -> str:
    """Text that cannot end an inline ``<script>`` early."""
    return text.replace("</", "<\\/")


@cache
def inline_script() -> str:
    """The bundle as the body of an inline ``<script type="module">`` (already made safe with
    :func:`script_safe`): ``__nw_view`` (the default export) and ``createLocalModel`` in scope."""
    module, n = re.subn(r"^export default \{", "const __nw_view = {", bundle_js(), flags=re.M)
    if n != 1:
        raise NetwarpError("bundler: view.js must have exactly one 'export default {'")
    return script_safe(re.sub(r"^export (?=function|const|let|class)", "", module, flags=re.M))

"""The Jinja2 sandbox e-mail templates run in, and the checks of a template's source.

`MailSandbox` is Jinja2's ImmutableSandboxedEnvironment (no attribute tricks, no
mutation of what it is given) that also refuses huge powers and repetitions, so a
template cannot eat the service's memory. `compile_checked` reads the source's
syntax tree before anything runs: names outside the kind's list, attributes or keys
starting with `_` (the `''.__class__` road out of the sandbox) and include, import
or extends are refused, each with its stable code.
"""

from jinja2 import TemplateError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_REPEAT = 10_000
MAX_POWER = 64
UNSAFE_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


class TemplateInvalid(Exception):
    """A refused template: a stable code and the reasons (names, tags, errors)."""

    def __init__(self, code, reasons):
        super().__init__(f"{code}: {'; '.join(reasons)}")
        self.code, self.reasons = code, list(reasons)

    @classmethod
    def from_error(cls, exc):
        code = "TEMPLATE_UNSAFE" if isinstance(exc, SecurityError) else None
        return cls(code or "TEMPLATE_INVALID", [f"{type(exc).__name__}: {exc}"])


class MailSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with `*` and `**` bounded."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and _number(right) and abs(right) > MAX_POWER:
            raise SecurityError("power too large")
        if operator == "*" and _too_long(left, right):
            raise SecurityError("repetition too long")
        return super().call_binop(context, operator, left, right)


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _too_long(left, right):
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            return len(seq) * times > MAX_REPEAT
    return False


def _unsafe(tree):
    found = [f"{{% {type(n).__name__.lower()} %}}" for n in tree.find_all(UNSAFE_NODES)]
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else _const(node.arg)
        if isinstance(name, str) and name.startswith("_"):
            found.append(name)
    found += [f"|{n.name}" for n in tree.find_all(nodes.Filter) if n.name == "attr"]
    for node in tree.find_all(nodes.Const):
        if isinstance(node.value, str) and node.value.startswith("__"):
            found.append(node.value)
    return found


def _const(node):
    return node.value if isinstance(node, nodes.Const) else None


def compile_checked(text_env, html_env, source, allowed):
    """Compile `source` in both environments after checking its syntax tree."""
    try:
        tree = text_env.parse(source)
    except TemplateError as exc:
        raise TemplateInvalid.from_error(exc) from None
    unsafe = _unsafe(tree)
    if unsafe:
        raise TemplateInvalid("TEMPLATE_UNSAFE", sorted(set(unsafe)))
    unknown = meta.find_undeclared_variables(tree) - set(allowed)
    if unknown:
        raise TemplateInvalid("TEMPLATE_VARIABLE_UNKNOWN", sorted(unknown))
    try:
        return text_env.from_string(source), html_env.from_string(source)
    except TemplateError as exc:
        raise TemplateInvalid.from_error(exc) from None

"""Who calls whom, read from the code with `ast` (never typed by hand).

A call is found where the code names a service and one of its RPC methods:
- `<service>.<method>`: a proxy named after the service, called or passed
  (`self.accounts.get_agency(...)`, `cluster.dossiers.list_for_index`);
- `<service>.begin("<method>", ...)`: a call sent now, read later (`PeerClient`);
- `f(..., <service>, "<method>", ...)`: a service (a string, or an expression named
  after it such as `self.files`) followed by the method's name
  (`rpc.call("accounts", "login", ...)`, `self._call(self.files, "read_small")`);
- a method name alone (`self.call(req, "history", ...)`) when only one service
  declares it, or the module names its service in another call (or as a string:
  `self.call(req, log, "list_audit")` with `log` one of "accounts", "files"...);
- a method given by a variable: every string of the module naming a method of the
  service named in the call (tables of method names, `rpc.call(svc, "health")`).
The caller is the package the file belongs to: `gateway`, a service, or `deploy`.
"""

import ast
from pathlib import Path

from . import SERVICES, of

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("gateway", "services", "deploy")


def _methods():
    return {service: set(of(service).RPC) for service in SERVICES}


def _service_named(node):
    """The service an argument names: "files", files, self.files; else None."""
    if isinstance(node, ast.Constant) and node.value in SERVICES:
        return node.value
    if isinstance(node, ast.Name) and node.id in SERVICES:
        return node.id
    if isinstance(node, ast.Attribute) and node.attr in SERVICES:
        return node.attr
    return None


def _text(node):
    return node.value if isinstance(node, ast.Constant) else None


def _named_call(node, methods, found, dynamic):
    """A call naming a service then its method; True when one was found."""
    args = list(node.args)
    for i, arg in enumerate(args):
        service = _service_named(arg)
        if service is None:
            continue
        nxt = args[i + 1] if i + 1 < len(args) else None
        if _text(nxt) in methods[service]:
            found.add((service, nxt.value))
        elif isinstance(nxt, ast.Name | ast.Attribute):
            dynamic.add(service)
        return True
    return False


def _begun(node, methods, found):
    """`self.files.begin("list_files", ...)`; True when it is one."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "begin"):
        return False
    service = _service_named(func.value)
    method = _text(node.args[0]) if node.args else None
    if service is None or method not in methods[service]:
        return False
    found.add((service, method))
    return True


def _loose_names(node, methods, dynamic):
    """Method names given to a `call` helper without their service."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("call", "_call")):
        return []
    names = [_text(a) for a in node.args if isinstance(_text(a), str)]
    if "health" in names:  # every service answers it
        dynamic.update(s for s in methods if "health" in methods[s])
    return names[:1] if names and not any(n in methods for n in names) else []


def _owners(name, methods, named, strings):
    owners = [s for s in methods if name in methods[s]]
    if len(owners) > 1:  # the services this module names
        owners = [s for s in owners if s in named] or [
            s for s in owners if s in strings
        ]
    return owners if len(owners) == 1 or not named else []


def calls_in(tree, methods):
    """(service, method) pairs called in one module."""
    found, loose, dynamic = set(), [], set()
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            service = _service_named(node.value)
            if service and node.attr in methods[service]:
                found.add((service, node.attr))
        elif isinstance(node, ast.Call) and not _begun(node, methods, found):
            if not _named_call(node, methods, found, dynamic):
                loose += _loose_names(node, methods, dynamic)
    named = {s for s, _ in found} | dynamic
    for name in loose:
        found.update((s, name) for s in _owners(name, methods, named, strings))
    for service in dynamic:
        found.update((service, m) for m in methods[service] & strings)
    return found


def caller_of(path):
    """The package a file belongs to: gateway, a service's name, or deploy."""
    parts = path.relative_to(ROOT).parts
    if parts[0] == "services" and parts[1] in SERVICES:
        return parts[1]
    return parts[0]


def callers():
    """{(service, method): {caller, ...}} over the scanned packages."""
    methods = _methods()
    found = {}
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path.parts[-2] == "contracts" or "tests" in path.parts:
                continue
            caller = caller_of(path)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for service, method in calls_in(tree, methods):
                if caller != service:
                    found.setdefault((service, method), set()).add(caller)
    return found

"""Map a runner argument (`files` or `files.converter:ConverterService`) to a class."""

import importlib


def resolve(target):
    """Return (service package name, service class) for a runner argument."""
    package, _, rest = target.partition(".")
    module_name, _, class_name = (rest or "service").partition(":")
    module = importlib.import_module(f"services.{package}.{module_name}")
    cls = getattr(module, class_name or f"{package.capitalize()}Service")
    return package, cls

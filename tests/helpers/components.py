"""Reading the Dash component trees that callbacks return: components, or the plain JSON of
callbacks.common.plain_json (a dict of type, namespace and props) where the drawing is cached."""
from __future__ import annotations


class Drawn(dict):
    """A component as plain JSON, its props read as attributes, as a component's are."""

    def __getattr__(self, name):
        try:
            return tree(self["props"][name])
        except KeyError:
            raise AttributeError(name) from None


def tree(value):
    """`value` with its components as plain JSON readable as components (Drawn)."""
    if isinstance(value, dict) and "props" in value and not isinstance(value, Drawn):
        return Drawn(value)
    if isinstance(value, list):
        return [tree(item) for item in value]
    return value


def _prop(component, name):
    if isinstance(component, dict) and "props" in component:
        return component["props"].get(name)
    return getattr(component, name, None)


def texts(component) -> str:
    """All the text a component tree shows."""
    if component is None or isinstance(component, (str, int, float)):
        return "" if component is None else str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(texts(child) for child in component)
    return texts(_prop(component, "children"))


def find(component, component_id):
    """The component of the tree with `component_id`, or None."""
    if isinstance(component, (list, tuple)):
        return next((found for child in component if (found := find(child, component_id)) is not None), None)
    if _prop(component, "id") == component_id:
        return tree(component)
    children = _prop(component, "children")
    return None if children is None or isinstance(children, str) else find(children, component_id)

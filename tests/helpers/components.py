"""Reading the Dash component trees that callbacks return."""
from __future__ import annotations


def texts(component) -> str:
    """All the text a component tree shows."""
    if component is None or isinstance(component, (str, int, float)):
        return "" if component is None else str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(texts(child) for child in component)
    return texts(getattr(component, "children", None))


def find(component, component_id):
    """The component of the tree with `component_id`, or None."""
    if isinstance(component, (list, tuple)):
        return next((found for child in component if (found := find(child, component_id)) is not None), None)
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    return None if children is None or isinstance(children, str) else find(children, component_id)

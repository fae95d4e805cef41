"""The U.S. map as inline SVG, drawn on the server from the vendored us-atlas county shapes."""


def render_us_map() -> dict:
    """Context for the map page: {"svg_states": ..., "counties": [...]} (filled in by the map work)."""
    return {"map_svg": "", "map_counties": []}

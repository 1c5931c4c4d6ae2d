"""marshmallow schemas at the API edge: one module per resource, one named field set per viewer."""

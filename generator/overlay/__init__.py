"""Stage 2, overlay: OpenAPI Overlay 1.1 applied strictly to the spec, action by action.

`engine` parses and validates overlay documents and applies update/remove/copy with RFC 9535
JSONPath targets, recording each action's effect (with the JSON Pointer of every node touched).
"""

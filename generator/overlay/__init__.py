"""Stage 2, overlay: OpenAPI Overlay 1.1 applied strictly to the spec, action by action.

`engine` parses and validates overlay documents and applies update/remove/copy with RFC 9535
JSONPath targets, recording each action's effect; `pointer` turns node locations into RFC 6901
JSON Pointers for the report and error messages.
"""

"""Stage 5, render: the IR laid out as files through Jinja templates, then formatted by ruff.

`types_context`, `params_context`, `fake_context` and `client_context` compute template data
(names, annotations, literals), most of it as the frozen views of `views`;
`package` renders every template and copies the static runtime (`sync_twins` writes the sync
twin of each async runtime module); `format` runs ruff once over the whole file map.
"""

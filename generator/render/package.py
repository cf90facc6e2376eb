"""Rendering the intermediate model into a map of output files.

Python computes every literal, name and docstring the templates need (`_context_*`); the Jinja
templates only lay the text out. Static runtime modules are copied verbatim under a header naming
their source in `runtime/` (sync twins: the async source they are rewritten from).
The result is `{relative path: text}`; nothing is written here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.errors import BadInputError
from generator.ir.model import Api, RequestRules, Rule
from generator.ir.requests import PARAM_SUFFIX, accepting_dicts
from generator.render.client_context import client_context
from generator.render.distribution import distribution_view
from generator.render.exports import EXPORTS_FILE, root_exports
from generator.render.fake_context import fake_context
from generator.render.literals import docstring, py_literal, py_string, toml_string
from generator.render.params_context import params_context
from generator.render.sync_twins import is_async_source, sync_twin, twin_name
from generator.render.types_context import MODELS_PACKAGE, types_context
from generator.render.views import ConditionView, RulesView, RuleView, template_vars

__all__ = [
    "DistributionSettings",
    "RenderInputs",
    "copied_header",
    "render",
    "render_pyproject",
    "twin_header",
]


@dataclass(frozen=True)
class DistributionSettings:
    """What the target configures for `pyproject.toml`: the spec snapshot it was built from and,
    optionally, a distribution name and a fixed version."""

    snapshot: str
    name: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class RenderInputs:
    """The template tree as text, keyed by path relative to `templates/`.

    `compiled_cache` is a directory where Jinja may keep compiled templates between runs (keyed
    by each template's name and source checksum, so an edited template is always recompiled);
    it saves about a quarter of a second per run and never changes the output.
    """

    templates: Mapping[str, str]
    compiled_cache: Path | None = None

    def runtime_modules(self) -> dict[str, str]:
        """The static runtime files copied into the package, keyed by their path under `runtime/`
        (`_core/_sse.py`): every `.py` file but `_exports.py`, which only the generator reads."""
        prefix = "runtime/"
        return {
            name[len(prefix) :]: text
            for name, text in sorted(self.templates.items())
            if name.startswith(prefix) and name.endswith(".py") and name != EXPORTS_FILE
        }


def _environment(templates: Mapping[str, str], cache: Path | None) -> jinja2.Environment:
    bytecode_cache = None
    if cache is not None:
        try:
            cache.mkdir(parents=True, exist_ok=True)
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
        except OSError:  # a read-only checkout compiles every time
            bytecode_cache = None
    return jinja2.Environment(
        loader=jinja2.DictLoader(dict(templates)),
        bytecode_cache=bytecode_cache,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def _render_template(environment: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    try:
        return environment.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise BadInputError(
            f"templates/{error.name or name}:{error.lineno}: "
            f"template syntax error: {error.message}."
        ) from None
    except jinja2.UndefinedError as error:
        raise BadInputError(
            f"templates/{name}: the template uses an undefined value: {error.message}."
        ) from None
    except jinja2.TemplateError as error:
        raise BadInputError(f"templates/{name}: cannot render: {error}.") from None


def _rule(rule: Rule) -> RuleView:
    return RuleView(
        rule=py_literal(rule.rule),
        error=py_string(rule.error),
        facts=py_literal(rule.facts),
        confidence=py_literal(rule.confidence.value),
        when=tuple(
            ConditionView(
                field=py_literal(condition.field),
                kind=condition.kind,
                value=py_literal(condition.value),
            )
            for condition in rule.when
        ),
        effects=tuple((key, py_literal(value)) for key, value in rule.effects),
    )


def _rules_context(rules: RequestRules) -> RulesView:
    return RulesView(
        request_rules=tuple(
            (py_literal(name), tuple(_rule(rule) for rule in items)) for name, items in rules.rules
        ),
        resend=tuple((py_literal(name), py_literal(fields)) for name, fields in rules.resend),
        inherited=tuple((py_literal(name), py_literal(fields)) for name, fields in rules.inherited),
        omit_on_result_turns=tuple(
            (py_literal(name), py_literal(fields)) for name, fields in rules.omit_on_result_turns
        ),
        correlations=tuple(
            (py_literal(f"{schema}.{field}"), py_literal((step, target)))
            for schema, field, step, target in rules.correlations
        ),
    )


def copied_header(name: str) -> str:
    """The first line of the copy of `runtime/<name>`: where to edit it."""
    return f"# Copied from runtime/{name} by interactions-codegen; edit it there."


def twin_header(name: str) -> str:
    """The first line of the sync twin of `runtime/<name>`: the async source to edit."""
    return f"# Rewritten from runtime/{name} by interactions-codegen; edit it there."


def _twin_docstring(name: str) -> str:
    name = name.rpartition("/")[2]
    source = name.removesuffix(".py")
    return docstring(
        f"The synchronous twin of `{source}`: the same code with `async` / `await` removed and "
        f"async names mapped to their sync twins, rewritten from `{name}` token by token when "
        f"the package is generated; `{source}` documents it."
    )


def _body(module: str) -> str:
    """`module` without its docstring (the twin gets its own)."""
    stripped = module.lstrip()
    for quote in ('"""', "'''"):
        if stripped.startswith(quote):
            end = stripped.index(quote, len(quote)) + len(quote)
            return stripped[end:]
    return module


def render(
    api: Api,
    package: str,
    header: str,
    inputs: RenderInputs,
    version: str,
    model_mixins: tuple[tuple[str, str], ...] = (),
) -> dict[str, str]:
    """Render the package for `api` into `{path relative to the output root: text}`."""
    environment = _environment(inputs.templates, inputs.compiled_cache)
    summary = api.title or "the API"
    module_docstring = docstring(
        f"A typed Python client for {summary} ({api.spec_version}).\n\n"
        f"`Client` / `AsyncClient` are the entry points; `types` holds every model; errors derive "
        f"from `GeminiError`. Generated by interactions-codegen."
    )
    common = {"header": header}
    types_ctx = types_context(api.types, model_mixins, api.type_groups or None)
    clients = client_context(
        accepting_dicts(api),
        param_names=frozenset(name + PARAM_SUFFIX for name in api.request_side),
    )
    files: dict[str, str] = {
        f"{package}/py.typed": "",
        f"{package}/resources/__init__.py": _render_template(
            environment,
            "package/resources/__init__.py.jinja",
            {
                **common,
                "modules": [
                    {
                        "module": module.module,
                        "names": sorted(
                            variant.prefix + resource.name
                            for resource in module.resources
                            for variant in clients["variants"]
                        ),
                    }
                    for module in clients["resource_modules"]
                ],
            },
        ),
        f"{package}/client.py": _render_template(
            environment,
            "package/client.py.jinja",
            {
                **common,
                **clients,
                "api_revision": py_literal(api.api_revision),
                "exempt_prefixes": py_literal(api.revision_exempt_prefixes),
                "package": py_literal(package),
                "version": py_literal(version),
            },
        ),
        f"{package}/testing/_schema.py": _render_template(
            environment,
            "package/_fake_schema.py.jinja",
            {**common, **template_vars(fake_context(api))},
        ),
        f"{package}/params.py": _render_template(
            environment, "package/params.py.jinja", {**common, **template_vars(params_context(api))}
        ),
        f"{package}/rules.py": _render_template(
            environment,
            "package/rules.py.jinja",
            {**common, **template_vars(_rules_context(api.rules))},
        ),
        f"{package}/types.py": _render_template(
            environment,
            "models/types.py.jinja",
            {**common, **template_vars(types_ctx), "models_package": MODELS_PACKAGE},
        ),
        f"{package}/{MODELS_PACKAGE}/__init__.py": _render_template(
            environment, "models/package_init.py.jinja", common
        ),
    }
    for models_module in types_ctx.modules:
        files[f"{package}/{MODELS_PACKAGE}/{models_module.module}.py"] = _render_template(
            environment, "models/module.py.jinja", {**common, "module": models_module}
        )
    for module in clients["resource_modules"]:
        files[f"{package}/resources/{module.module}.py"] = _render_template(
            environment,
            "package/resources/module.py.jinja",
            {**common, **template_vars(module), "variants": clients["variants"]},
        )
    for name, text in inputs.runtime_modules().items():
        files[f"{package}/{name}"] = f"{copied_header(name)}\n{text}"
        if is_async_source(name):
            twin = sync_twin(text, f"runtime/{name}")
            twin_text = f"{twin_header(name)}\n{_twin_docstring(name)}{_body(twin)}"
            files[f"{package}/{twin_name(name)}"] = twin_text
    exports = root_exports(inputs.templates.get(EXPORTS_FILE), files, package)
    files[f"{package}/__init__.py"] = _render_template(
        environment,
        "package/__init__.py.jinja",
        {
            **common,
            "module_docstring": module_docstring,
            "version": py_literal(version),
            "spec_version": py_literal(api.spec_version),
            "api_revision": py_literal(api.api_revision),
            "base_url": py_literal(api.base_url),
            "component_names": list(api.types.components),
            "facade": exports.eager,
            "lazy": exports.lazy,
            "lazy_map": [
                (py_literal(name), py_literal(module))
                for module, names in exports.lazy
                for name in names
            ],
            "all_names": sorted(
                [
                    *exports.names(),
                    "API_REVISION",
                    "BASE_URL",
                    "SPEC_VERSION",
                    "__version__",
                    "types",
                ]
            ),
        },
    )
    return dict(sorted(files.items()))


def render_pyproject(
    api: Api,
    package: str,
    header: str,
    inputs: RenderInputs,
    settings: DistributionSettings,
    files: Mapping[str, str],
) -> str:
    """`pyproject.toml` for the package whose final (formatted) files are `files`: a derived
    version names exactly the code that ships, so formatting alone never changes it."""
    view = distribution_view(
        package=package,
        distribution_name=settings.name,
        configured_version=settings.version,
        snapshot=settings.snapshot,
        api_title=api.title or "the API",
        package_files=files,
    )
    return _render_template(
        _environment(inputs.templates, inputs.compiled_cache),
        "package/pyproject.toml.jinja",
        {
            "header": header,
            "name": toml_string(view.name),
            "version": toml_string(view.version),
            "description": toml_string(view.description),
            "package": toml_string(view.package),
            "dependencies": [toml_string(requirement) for requirement in view.dependencies],
            "extras": [
                (extra, [toml_string(requirement) for requirement in requirements])
                for extra, requirements in view.extras
            ],
        },
    )

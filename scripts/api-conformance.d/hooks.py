"""schemathesis hooks for scripts/api-conformance.

The served document has no examples, and its `fields` is an open object, so the bodies schemathesis generates
almost never open a case: the examples phase would have nothing to send and the stateful phase no case to follow.
This hook adds, to the document as loaded by schemathesis (the server's document is not changed), the examples
that the script wrote to $RSO_CONFORMANCE_EXAMPLES_FILE:

    {"requestBodies": {"operationId": [body, ...]}, "parameters": {"name": [value, ...]}}

Request bodies go to the operation's application/json media type (text/csv for an import), parameter values to every parameter of that
name (in components, path items and operations). Nothing else in the document is touched: the response schemas
that responses are checked against are the server's own.
"""

import json
import os

import schemathesis


def _examples(values):
    return {f"seeded{index}": {"value": value} for index, value in enumerate(values)}


@schemathesis.hook
def before_load_schema(context, raw_schema):
    path = os.environ.get("RSO_CONFORMANCE_EXAMPLES_FILE")
    if not path:
        return
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    bodies = data.get("requestBodies", {})
    parameters = data.get("parameters", {})

    def add_parameter_examples(parameter):
        if isinstance(parameter, dict) and "$ref" not in parameter and parameter.get("name") in parameters:
            parameter["examples"] = _examples(parameters[parameter["name"]])

    for parameter in raw_schema.get("components", {}).get("parameters", {}).values():
        add_parameter_examples(parameter)
    for item in raw_schema.get("paths", {}).values():
        if not isinstance(item, dict):
            continue
        for parameter in item.get("parameters", []):
            add_parameter_examples(parameter)
        for method, operation in item.items():
            if method == "parameters" or not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                add_parameter_examples(parameter)
            values = bodies.get(operation.get("operationId"))
            body = operation.get("requestBody")
            content = body.get("content", {}) if isinstance(body, dict) else {}
            media = content.get("application/json") or content.get("text/csv")
            if values and isinstance(media, dict):
                media["examples"] = _examples(values)

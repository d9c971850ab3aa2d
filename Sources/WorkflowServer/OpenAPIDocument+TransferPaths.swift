extension OpenAPIDocument {
    /// Imports and exports: CSV files as request and response bodies.
    static let transferPaths = """
          /v1/imports/{workflow}:
            parameters:
              - $ref: "#/components/parameters/Workflow"
            post:
              operationId: importCases
              summary: Open one case per row of a CSV file, every row or none (rsoctl import).
              parameters:
                - {name: again, in: query, schema: {type: boolean}, description: "true: import a file imported before once more."}
                - {name: name, in: query, schema: {type: string, maxLength: 1024}, description: "The file's name, as messages and the import record show it."}
                - $ref: "#/components/parameters/IdempotencyKey"
              requestBody:
                required: true
                description: UTF-8 CSV whose header names the workflow's fields (and optionally opened_at, parent); at most 256 MiB.
                content:
                  text/csv:
                    schema: {type: string}
              responses:
                "200":
                  description: What was imported (or, for a retried Idempotency-Key, what the first import did).
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/ImportSummary"}
                \(problems(400, 401, 429, 403, 404, 413, 415, 422, 503))
          /v1/exports/{workflow}:
            parameters:
              - $ref: "#/components/parameters/Workflow"
            get:
              operationId: exportCases
              summary: Every case of a workflow as CSV or JSON, streamed, now or at the end of a day (rsoctl export).
              parameters:
                - {name: asOf, in: query, schema: {type: string, format: date}, description: "States at the end of this day (UTC)."}
                - name: format
                  in: query
                  schema: {type: string, enum: [csv, excel, json], default: csv}
                  description: "excel: CSV with a UTF-8 byte-order mark and CRLF line ends, as Excel reads it (and import reads back)."
                - $ref: "#/components/parameters/Purpose"
              responses:
                "200":
                  description: The cases. CSV has a header of reference, state, parent (for workflows opened under one) and every field.
                  headers:
                    Content-Disposition: {schema: {type: string}}
                  content:
                    text/csv:
                      schema: {type: string}
                    application/json:
                      schema: {$ref: "#/components/schemas/Export"}
                \(problems(400, 401, 429, 403, 404, 422, 503))
        """
}

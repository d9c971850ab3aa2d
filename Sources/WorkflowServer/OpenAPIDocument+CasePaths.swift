extension OpenAPIDocument {
    /// The routes under `/v1/cases`: open, list, show, update, history, transitions and outcomes.
    static let casePaths = """
          /v1/cases:
            get:
              operationId: listCases
              summary: Cases, oldest first (rsoctl case list).
              parameters:
                - {name: workflow, in: query, schema: {type: string}, description: "Only this workflow, e.g. avrr."}
                - {name: state, in: query, schema: {type: string}, description: "Only cases in this state."}
                - {name: parent, in: query, schema: {type: string}, description: "Only children of this case (reference or id)."}
                - {name: overdue, in: query, schema: {type: boolean}, description: "true: only cases past their due date."}
                - name: field
                  in: query
                  schema: {type: array, items: {type: string, pattern: "^[^=]+="}}
                  style: form
                  explode: true
                  description: KEY=VALUE, e.g. host_country=THA; repeat for several fields.
                - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 100}}
                - $ref: "#/components/parameters/Purpose"
              responses:
                "200":
                  description: The cases, each as GET /v1/cases/{reference} shows it.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [cases]
                        properties:
                          cases:
                            type: array
                            items: {$ref: "#/components/schemas/Case"}
                \(problems(400, 401, 429, 403, 404, 422, 503))
            post:
              operationId: openCase
              summary: Open a case (rsoctl case open).
              parameters:
                - $ref: "#/components/parameters/IdempotencyKey"
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      additionalProperties: false
                      required: [workflow]
                      properties:
                        workflow: {type: string, description: "The workflow's id, e.g. avrr."}
                        fields: {$ref: "#/components/schemas/Fields"}
                        parent: {type: string, description: "The parent case's reference or id (jpa.operation)."}
              responses:
                "201":
                  description: The case as opened.
                  headers:
                    Location: {schema: {type: string}}
                    ETag: {$ref: "#/components/headers/ETag"}
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Case"}
                \(problems(400, 401, 429, 403, 404, 409, 413, 415, 422, 503))
          /v1/cases/{reference}:
            parameters:
              - $ref: "#/components/parameters/Reference"
            get:
              operationId: showCase
              summary: A case as it stands now (rsoctl case show).
              parameters:
                - $ref: "#/components/parameters/Purpose"
              responses:
                "200":
                  description: The case; personal and sensitive values only for the roles entitled to them.
                  headers:
                    ETag: {$ref: "#/components/headers/ETag"}
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Case"}
                \(problems(400, 401, 429, 403, 404, 422, 503))
            patch:
              operationId: updateCase
              summary: Set fields on a case without moving it (rsoctl case update).
              parameters:
                - $ref: "#/components/parameters/IdempotencyKey"
                - $ref: "#/components/parameters/IfMatch"
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      additionalProperties: false
                      required: [fields]
                      properties:
                        fields:
                          type: object
                          minProperties: 1
                          description: The fields to set and their new values (null clears one).
                        reason: {type: string, description: "Why the fields change."}
              responses:
                "200":
                  description: The case after the update.
                  headers:
                    ETag: {$ref: "#/components/headers/ETag"}
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Case"}
                \(problems(400, 401, 429, 403, 404, 409, 413, 415, 422, 503))
          /v1/cases/{reference}/history:
            parameters:
              - $ref: "#/components/parameters/Reference"
            get:
              operationId: caseHistory
              summary: A case's history, oldest event first (rsoctl case history).
              parameters:
                - $ref: "#/components/parameters/Purpose"
              responses:
                "200":
                  description: The history.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/History"}
                \(problems(400, 401, 429, 403, 404, 422, 503))
          /v1/cases/{reference}/transitions/{transition}:
            parameters:
              - $ref: "#/components/parameters/Reference"
              - name: transition
                in: path
                required: true
                schema: {type: string}
                description: The transition, e.g. submit (a case lists those allowed now).
            post:
              operationId: advanceCase
              summary: Move a case along a transition (rsoctl case advance).
              parameters:
                - $ref: "#/components/parameters/IdempotencyKey"
                - $ref: "#/components/parameters/IfMatch"
              requestBody:
                required: false
                content:
                  application/json:
                    schema:
                      type: object
                      additionalProperties: false
                      properties:
                        fields: {$ref: "#/components/schemas/Fields"}
                        reason: {type: string, description: "Why; some transitions require it."}
              responses:
                "200":
                  description: The case after the transition.
                  headers:
                    ETag: {$ref: "#/components/headers/ETag"}
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Case"}
                \(problems(400, 401, 429, 403, 404, 409, 413, 415, 422, 503))
          /v1/cases/{reference}/outcomes/{outcome}:
            parameters:
              - $ref: "#/components/parameters/Reference"
              - name: outcome
                in: path
                required: true
                schema: {type: string}
                description: The outcome counter, e.g. arrests (GET /v1/workflows/{workflow} lists them).
            post:
              operationId: recordOutcome
              summary: Add to an outcome counter; a negative count corrects, with a reason (rsoctl case record).
              parameters:
                - $ref: "#/components/parameters/IdempotencyKey"
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      additionalProperties: false
                      required: [count]
                      properties:
                        count: {type: integer, minimum: -1000000, maximum: 1000000}
                        reason: {type: string, description: "Why; required for a correction."}
              responses:
                "200":
                  description: The case after recording.
                  headers:
                    ETag: {$ref: "#/components/headers/ETag"}
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Case"}
                \(problems(400, 401, 429, 403, 404, 409, 413, 415, 422, 503))
        """
}

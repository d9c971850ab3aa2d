import Foundation
import Yams

/// The API's contract, served at `/openapi.yaml` and `/openapi.json`; the tests check it with openapi-spec-validator,
/// and schemathesis checks the server against it. The shapes are those rsoctl prints (`WorkflowViews`, docs/cli.md
/// "JSON shapes").
enum OpenAPIDocument {
    /// The same document as JSON (keys sorted), read from `yaml` once: one text to keep true, two spellings served.
    /// Each documented path (`/v1/cases/{reference}`, split at `/`) and the methods it takes, upper case: a request for
    /// a documented path with another method is 405 naming them (`Allow`), not 404.
    static let routes: [(segments: [Substring], methods: [String])] = {
        guard let tree = try? Yams.load(yaml: yaml) as? [String: Any], let paths = tree["paths"] as? [String: Any] else { return [] }
        let verbs: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        return paths.keys.sorted().map { path in
            let methods = ((paths[path] as? [String: Any])?.keys).map { $0.filter(verbs.contains).map { $0.uppercased() }.sorted() } ?? []
            return (path.split(separator: "/"), methods)
        }
    }()

    /// The methods the document gives for `path`; empty when it names no such path.
    static func methods(allowedOn path: String) -> [String] {
        let asked = path.split(separator: "/")
        for route in routes where route.segments.count == asked.count {
            let matches = zip(route.segments, asked).allSatisfy { template, given in
                (template.hasPrefix("{") && template.hasSuffix("}")) || template == given
            }
            if matches { return route.methods }
        }
        return []
    }

    static let json: String = {
        do {
            guard let tree = try Yams.load(yaml: yaml) else { return "{}" }
            let data = try JSONSerialization.data(withJSONObject: tree, options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self)
        } catch {
            // The document is a constant, and a test reads both spellings: this is reached only by a broken build.
            preconditionFailure("the embedded OpenAPI document is not valid YAML: \(error)")
        }
    }()

    static let yaml = """
        openapi: 3.1.0
        info:
          title: rso-workflow
          version: "1"
          description: >-
            Cases of the Bali Process RSO's workflows (AVRR, JPA, secondments, CRVS assessments) over HTTP: the same
            rules, refusals and JSON shapes as rsoctl. Every /v1 route takes an API token (rsoctl users token NAME);
            the token's user acts, with their roles at each request. Refusals are RFC 9457 problems.
        servers:
          - url: /
        security:
          - token: []
        paths:
          /health/live:
            get:
              operationId: live
              summary: The process answers.
              security: []
              responses:
                "200":
                  description: Live.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [status]
                        properties:
                          status: {const: live}
          /health/ready:
            get:
              operationId: ready
              summary: The database answers, every schema version is applied, the master key is at hand.
              security: []
              responses:
                "200":
                  description: Ready.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [status, checks]
                        properties:
                          status: {const: ready}
                          checks: {$ref: "#/components/schemas/Checks"}
                "503":
                  description: Not ready; Retry-After says when to look again.
                  headers:
                    Retry-After: {schema: {type: string}}
                  content:
                    application/problem+json:
                      schema:
                        allOf:
                          - $ref: "#/components/schemas/Problem"
                          - type: object
                            properties:
                              checks: {$ref: "#/components/schemas/Checks"}
          /openapi.yaml:
            get:
              operationId: document
              summary: This document.
              security: []
              responses:
                "200":
                  description: The OpenAPI document.
                  content:
                    application/yaml:
                      schema: {type: object, description: "The document, in YAML."}
          /metrics:
            get:
              operationId: prometheusMetrics
              summary: Prometheus metrics in the text format, every name prefixed rso_ (no token; docs/operations.md).
              security: []
              responses:
                "200":
                  description: Requests, transitions, refusals, timers fired, the pool, cases per state.
                  content:
                    text/plain:
                      schema: {type: string}
                "503": {$ref: "#/components/responses/Problem"}
          /openapi.json:
            get:
              operationId: documentJSON
              summary: This document, as JSON.
              security: []
              responses:
                "200":
                  description: The OpenAPI document.
                  content:
                    application/json:
                      schema: {type: object}
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
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
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
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "409": {$ref: "#/components/responses/Problem"}
                "413": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
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
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
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
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "409": {$ref: "#/components/responses/Problem"}
                "413": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
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
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
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
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "409": {$ref: "#/components/responses/Problem"}
                "413": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
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
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "409": {$ref: "#/components/responses/Problem"}
                "413": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/metrics/{workflow}/stages:
            parameters:
              - $ref: "#/components/parameters/Workflow"
            get:
              operationId: stageCounts
              summary: Cases per state, in definition order, now or at the end of a day (rsoctl metrics stages).
              parameters:
                - {name: asOf, in: query, schema: {type: string, format: date}, description: "Counts at the end of this day (UTC)."}
                - $ref: "#/components/parameters/By"
              responses:
                "200":
                  description: The counts.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/StageReport"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/metrics/{workflow}/flow:
            parameters:
              - $ref: "#/components/parameters/Workflow"
            get:
              operationId: flow
              summary: How many cases entered a state in a period, both days included (rsoctl metrics flow).
              parameters:
                - {name: into, in: query, required: true, schema: {type: string, minLength: 1}, description: "The state entered, e.g. returned."}
                - {name: from, in: query, required: true, schema: {type: string, format: date}, description: "First day (UTC)."}
                - {name: to, in: query, required: true, schema: {type: string, format: date}, description: "Last day (UTC)."}
                - $ref: "#/components/parameters/By"
              responses:
                "200":
                  description: The count.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/FlowReport"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/metrics/{workflow}/durations:
            parameters:
              - $ref: "#/components/parameters/Workflow"
            get:
              operationId: durations
              summary: Days in each state, or from opening to a state (median, 90th percentile) (rsoctl metrics durations).
              parameters:
                - {name: state, in: query, schema: {type: string}, description: "Measure from opening to first entering this state."}
              responses:
                "200":
                  description: The durations.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/DurationReport"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/metrics/{workflow}/outcomes:
            parameters:
              - $ref: "#/components/parameters/Workflow"
            get:
              operationId: outcomeTotals
              summary: Outcome totals, corrections included (rsoctl metrics outcomes).
              parameters:
                - {name: parent, in: query, schema: {type: string}, description: "Only the children of this case."}
                - {name: from, in: query, schema: {type: string, format: date}, description: "Only outcomes recorded from this day (UTC)."}
                - {name: to, in: query, schema: {type: string, format: date}, description: "Only outcomes recorded up to this day (UTC)."}
                - $ref: "#/components/parameters/By"
              responses:
                "200":
                  description: The totals.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/OutcomeReport"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/reports/{report}:
            parameters:
              - name: report
                in: path
                required: true
                schema: {type: string}
                description: A module's report, e.g. crvs.access.
            get:
              operationId: report
              summary: A module's own report (rsoctl report).
              responses:
                "200":
                  description: The report's rows.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [report, rows]
                        properties:
                          report: {type: string}
                          rows:
                            type: array
                            items: {type: object}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/workflows:
            get:
              operationId: listWorkflows
              summary: The registered workflows (rsoctl workflow list).
              responses:
                "200":
                  description: Every workflow.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [workflows]
                        properties:
                          workflows:
                            type: array
                            items: {$ref: "#/components/schemas/Workflow"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/workflows/{workflow}:
            parameters:
              - $ref: "#/components/parameters/Workflow"
            get:
              operationId: showWorkflow
              summary: A workflow's states, transitions, fields and timers (rsoctl workflow show).
              responses:
                "200":
                  description: The workflow.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Workflow"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/workflows/{workflow}/graph:
            parameters:
              - $ref: "#/components/parameters/Workflow"
            get:
              operationId: workflowGraph
              summary: A workflow drawn as Mermaid or Graphviz DOT (rsoctl workflow graph).
              parameters:
                - {name: format, in: query, schema: {type: string, enum: [mermaid, dot], default: mermaid}}
              responses:
                "200":
                  description: The diagram's text.
                  content:
                    text/plain:
                      schema: {type: string}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/users:
            get:
              operationId: listUsers
              summary: Users, their roles and whether each is enabled (rsoctl users list).
              responses:
                "200":
                  description: Every user.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [users]
                        properties:
                          users:
                            type: array
                            items: {$ref: "#/components/schemas/User"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
          /v1/users/{name}:
            parameters:
              - {name: name, in: path, required: true, schema: {type: string}, description: "The user's name."}
            get:
              operationId: showUser
              summary: A user and every change made to them; admins see anyone, others themselves (rsoctl users show).
              responses:
                "200":
                  description: The user.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [user, changes]
                        properties:
                          user: {$ref: "#/components/schemas/User"}
                          changes:
                            type: array
                            items: {$ref: "#/components/schemas/UserChange"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "429": {$ref: "#/components/responses/Problem"}
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "422": {$ref: "#/components/responses/Problem"}
                "503": {$ref: "#/components/responses/Problem"}
        components:
          securitySchemes:
            token:
              type: http
              scheme: bearer
              description: An API token from rsoctl users token NAME.
          parameters:
            Reference:
              name: reference
              in: path
              required: true
              schema: {type: string}
              description: The case's reference (AVRR-2026-000001) or id.
            Purpose:
              name: purpose
              in: query
              required: false
              schema: {type: string, minLength: 1, maxLength: 500}
              description: Why personal data is read; recorded in the access log.
            IdempotencyKey:
              name: Idempotency-Key
              in: header
              required: false
              schema: {type: string, minLength: 1, maxLength: 200, pattern: '^[^\\x00-\\x1F\\x7F]+$'}
              description: A retry with the same key applies once and answers as the first did.
            IfMatch:
              name: If-Match
              in: header
              required: false
              schema: {type: string, pattern: '^(\\*|"[1-9][0-9]{0,8}"|[1-9][0-9]{0,8})$'}
              description: The case's ETag as read ("3"); refused with 409 when the case moved on since.
            Workflow:
              name: workflow
              in: path
              required: true
              schema: {type: string}
              description: The workflow's id, e.g. avrr or jpa.operation.
            By:
              name: by
              in: query
              required: false
              schema: {type: string}
              description: Split by this field's value, e.g. host_country (never a personal field).
          headers:
            ETag:
              description: The case's version, quoted, for If-Match.
              schema: {type: string}
          responses:
            Problem:
              description: A refusal, with the sentence rsoctl prints.
              content:
                application/problem+json:
                  schema: {$ref: "#/components/schemas/Problem"}
          schemas:
            Fields:
              type: object
              description: Field names and values; typed values or text, as the workflow's field types accept.
              additionalProperties: true
            Checks:
              type: object
              required: [database, migrations, masterKey]
              properties:
                database: {type: string}
                migrations: {type: string}
                masterKey: {type: string}
            Problem:
              type: object
              required: [type, title, status, detail]
              properties:
                type: {type: string}
                title: {type: string}
                status: {type: integer}
                detail: {type: string}
                details:
                  type: array
                  items: {type: string}
                  description: One line each, e.g. every unmet guard.
                exitCode: {type: integer, description: "rsoctl's exit code for the same refusal."}
            Case:
              type: object
              required: [id, reference, workflow, definitionVersion, state, previousState, stateEnteredAt, version, fields,
                         outcomes, parentId, parentReference, assignee, dueAt, overdue, lateBy, lateBySeconds,
                         allowedTransitions, createdBy, createdAt, updatedBy, updatedAt]
              properties:
                id: {type: string}
                reference: {type: string}
                workflow: {type: string}
                definitionVersion: {type: integer}
                state: {type: string}
                previousState: {type: [string, "null"]}
                stateEnteredAt: {type: string}
                version: {type: integer}
                fields: {$ref: "#/components/schemas/Fields"}
                outcomes:
                  type: object
                  additionalProperties: {type: integer}
                parentId: {type: [string, "null"]}
                parentReference: {type: [string, "null"]}
                assignee: {type: [string, "null"]}
                dueAt: {type: [string, "null"]}
                overdue: {type: boolean}
                lateBy: {type: [string, "null"]}
                lateBySeconds: {type: [integer, "null"]}
                allowedTransitions:
                  type: array
                  items: {type: string}
                createdBy: {type: string}
                createdAt: {type: string}
                updatedBy: {type: string}
                updatedAt: {type: string}
            History:
              type: object
              required: [reference, events]
              properties:
                reference: {type: string}
                events:
                  type: array
                  items: {$ref: "#/components/schemas/Event"}
            Event:
              type: object
              required: [seq, version, kind, transition, from, to, actor, role, at, reason, fields]
              properties:
                seq: {type: integer}
                version: {type: integer}
                kind: {type: string}
                transition: {type: [string, "null"]}
                from: {type: [string, "null"]}
                to: {type: [string, "null"]}
                actor: {type: string}
                role: {type: [string, "null"]}
                at: {type: string}
                reason: {type: [string, "null"]}
                fields: {$ref: "#/components/schemas/Fields"}
            StageReport:
              type: object
              required: [workflow, asOf, stages]
              properties:
                workflow: {type: string}
                asOf: {type: [string, "null"]}
                stages:
                  type: array
                  items:
                    type: object
                    required: [state, count]
                    properties:
                      state: {type: string}
                      count: {type: integer}
                      by: {$ref: "#/components/schemas/Counts"}
            FlowReport:
              type: object
              required: [workflow, into, from, to, count]
              properties:
                workflow: {type: string}
                into: {type: string}
                from: {type: string}
                to: {type: string}
                count: {type: integer}
                by: {$ref: "#/components/schemas/Counts"}
            DurationReport:
              type: object
              required: [workflow, durations]
              properties:
                workflow: {type: string}
                to: {type: string}
                durations:
                  type: array
                  items:
                    type: object
                    required: [state, count]
                    properties:
                      state: {type: string}
                      count: {type: integer}
                      medianDays: {type: number}
                      p90Days: {type: number}
            OutcomeReport:
              type: object
              required: [workflow, totals]
              properties:
                workflow: {type: string}
                totals: {$ref: "#/components/schemas/Counts"}
                by:
                  type: object
                  additionalProperties: {$ref: "#/components/schemas/Counts"}
            Counts:
              type: object
              additionalProperties: {type: integer}
            Workflow:
              type: object
              required: [id, version, referencePrefix, title, states, transitions, fields, timers, parentWorkflow, outcomes,
                         outcomesRecordableIn, personalDataKeptDays]
              properties:
                id: {type: string}
                version: {type: integer}
                referencePrefix: {type: string}
                title: {type: string}
                states:
                  type: array
                  items:
                    type: object
                    required: [name, kind]
                    properties:
                      name: {type: string}
                      kind: {type: string}
                transitions:
                  type: array
                  items:
                    type: object
                    required: [name, from, to, roles, guards]
                    properties:
                      name: {type: string}
                      from: {type: array, items: {type: string}}
                      to: {type: string}
                      roles: {type: array, items: {type: string}}
                      guards: {type: array, items: {type: string}}
                fields:
                  type: array
                  items:
                    type: object
                    required: [name, type, data, requiredAtOpen]
                    properties:
                      name: {type: string}
                      type: {type: string}
                      data: {type: string, enum: [ordinary, personal, sensitive]}
                      requiredAtOpen: {type: boolean}
                      unique: {type: string}
                timers:
                  type: array
                  items:
                    type: object
                    required: [state, deadline, action]
                    properties:
                      state: {type: string}
                      deadline: {type: string}
                      action: {type: string}
                parentWorkflow: {type: [string, "null"]}
                outcomes: {type: array, items: {type: string}}
                outcomesRecordableIn: {type: array, items: {type: string}}
                personalDataKeptDays: {type: [integer, "null"]}
            User:
              type: object
              required: [name, roles, enabled, disabledAt, createdAt, createdBy]
              properties:
                name: {type: string}
                roles: {type: array, items: {type: string}}
                enabled: {type: boolean}
                disabledAt: {type: [string, "null"]}
                createdAt: {type: string}
                createdBy: {type: [string, "null"]}
            UserChange:
              type: object
              required: [at, by, change, rolesAdded, rolesRemoved, reason]
              properties:
                at: {type: string}
                by: {type: [string, "null"]}
                change: {type: string}
                rolesAdded: {type: array, items: {type: string}}
                rolesRemoved: {type: array, items: {type: string}}
                reason: {type: [string, "null"]}

        """
}

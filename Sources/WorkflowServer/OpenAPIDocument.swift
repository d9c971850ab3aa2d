/// The API's contract, served at `/openapi.yaml`; the tests check it with openapi-spec-validator and check that the
/// server answers as it says. The shapes are those rsoctl prints (`WorkflowViews`, docs/cli.md "JSON shapes").
enum OpenAPIDocument {
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
                      schema: {type: string}
          /v1/cases:
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
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
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
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
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
                - name: If-Match
                  in: header
                  required: false
                  schema: {type: string}
                  description: The case's ETag as read; refused with 409 when the case moved on since.
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
                "403": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "409": {$ref: "#/components/responses/Problem"}
                "413": {$ref: "#/components/responses/Problem"}
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
              schema: {type: string}
              description: Why personal data is read; recorded in the access log.
            IdempotencyKey:
              name: Idempotency-Key
              in: header
              required: false
              schema: {type: string}
              description: A retry with the same key applies once and answers as the first did.
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

        """
}

extension OpenAPIDocument {
    /// What the routes share: the token scheme, parameters, headers, the problem response and the schemas.
    static let components = """
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
            ImportSummary:
              type: object
              required: [workflow, imported, references]
              properties:
                workflow: {type: string}
                imported: {type: integer, minimum: 0}
                references:
                  type: array
                  description: The references given, a block per year.
                  items:
                    type: object
                    required: [first, last, count]
                    properties:
                      first: {type: string}
                      last: {type: string}
                      count: {type: integer, minimum: 1}
            Export:
              type: object
              required: [workflow, asOf, cases]
              properties:
                workflow: {type: string}
                asOf: {type: [string, "null"], format: date}
                cases:
                  type: array
                  items:
                    type: object
                    required: [reference, id, state, openedAt, parent, fields]
                    properties:
                      reference: {type: string}
                      id: {type: string}
                      state: {type: string}
                      openedAt: {type: string}
                      parent: {type: [string, "null"]}
                      fields: {$ref: "#/components/schemas/Fields"}

        """
}

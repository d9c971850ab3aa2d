extension OpenAPIDocument {
    /// The other `/v1` routes, all reads: metrics, reports, workflows and their graphs, users.
    static let readPaths = """
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
                \(problems(400, 401, 429, 403, 404, 422, 503))
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
                \(problems(400, 401, 429, 403, 404, 422, 503))
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
                \(problems(400, 401, 429, 403, 404, 422, 503))
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
                \(problems(400, 401, 429, 403, 404, 422, 503))
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
                \(problems(400, 401, 429, 403, 404, 422, 503))
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
                \(problems(400, 401, 429, 403, 503))
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
                \(problems(400, 401, 429, 403, 404, 422, 503))
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
                \(problems(400, 401, 429, 403, 404, 422, 503))
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
                \(problems(400, 401, 429, 403, 503))
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
                \(problems(400, 401, 429, 403, 404, 422, 503))
        """
}

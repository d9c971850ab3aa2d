import Foundation
import Yams

/// The API's contract, served at `/openapi.yaml` and `/openapi.json`; the tests check it with openapi-spec-validator,
/// and schemathesis checks the server against it. The shapes are those rsoctl prints (`WorkflowViews`, docs/cli.md
/// "JSON shapes").
enum OpenAPIDocument {
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

    /// The same document as JSON (keys sorted), read from `yaml` once: one text to keep true, two spellings served.
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

    /// The document's text: the service and its open routes here, then the cases' routes, the other `/v1` reads, and
    /// the shared components, each in a file of its own (`OpenAPIDocument+…`).
    static let yaml = [head, casePaths, readPaths, transferPaths, components].joined(separator: "\n")

    /// An operation's refusals, in the order given: each status answered with an RFC 9457 problem body. The lines
    /// continue at the indentation of an operation's responses in the document's text.
    static func problems(_ statuses: Int...) -> String {
        statuses.map { "\"\($0)\": {$ref: \"#/components/responses/Problem\"}" }.joined(separator: "\n        ")
    }

    private static let head = """
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
                \(problems(503))
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
        """
}

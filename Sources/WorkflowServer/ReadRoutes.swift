import Hummingbird
import NIOCore
import WorkflowEngine
import WorkflowViews

/// `/v1/metrics`, `/v1/reports`, `/v1/workflows` and `/v1/users`: what `rsoctl metrics`, `report`, `workflow` and
/// `users list|show` print, with their query parameters named as the CLI's options are (`--as-of` is `asOf`).
struct ReadRoutes: Sendable {
    let engine: Engine

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("metrics/{workflow}/stages") { request, context in
            let query = try QueryParameters(request, accepting: ["asOf", "by"])
            let report = try await engine.stageCounts(
                try workflow(context), asOf: try query.day("asOf"), by: try query.text("by"), as: try context.requireActor())
            return JSONBody.response(.ok, StageReportView(report))
        }
        group.get("metrics/{workflow}/flow") { request, context in
            let query = try QueryParameters(request, accepting: ["into", "from", "to", "by"])
            let report = try await engine.flow(
                try workflow(context), into: try query.required("into", example: "returned"), from: try query.requiredDay("from"),
                to: try query.requiredDay("to"), by: try query.text("by"), as: try context.requireActor())
            return JSONBody.response(.ok, FlowReportView(report))
        }
        group.get("metrics/{workflow}/durations") { request, context in
            let query = try QueryParameters(request, accepting: ["state"])
            let report = try await engine.durations(try workflow(context), to: try query.text("state"), as: try context.requireActor())
            return JSONBody.response(.ok, DurationReportView(report))
        }
        group.get("metrics/{workflow}/outcomes") { request, context in
            let query = try QueryParameters(request, accepting: ["parent", "from", "to", "by"])
            let report = try await engine.outcomeTotals(
                try workflow(context), parent: try query.text("parent").map(CaseLocator.init), from: try query.day("from"),
                to: try query.day("to"), by: try query.text("by"), as: try context.requireActor())
            return JSONBody.response(.ok, OutcomeReportView(report))
        }
        group.get("reports/{report}") { request, context in
            _ = try QueryParameters(request, accepting: [])
            let name = try context.parameters.require("report")
            return JSONBody.response(.ok, ReportView(name, try await engine.report(name, as: try context.requireActor())))
        }
        group.get("workflows") { request, context in
            _ = try QueryParameters(request, accepting: [])
            return JSONBody.response(.ok, ["workflows": engine.registry.workflows.map(WorkflowView.init)])
        }
        group.get("workflows/{workflow}") { request, context in
            _ = try QueryParameters(request, accepting: [])
            return JSONBody.response(.ok, WorkflowView(try engine.registry.workflow(try workflow(context))))
        }
        group.get("workflows/{workflow}/graph") { request, context in
            let query = try QueryParameters(request, accepting: ["format"])
            let format = try query.choice("format", default: GraphFormat.mermaid)
            let text = WorkflowGraph.render(try engine.registry.workflow(try workflow(context)), as: format) + "\n"
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        group.get("users") { request, context in
            _ = try QueryParameters(request, accepting: [])
            return JSONBody.response(.ok, ["users": try await engine.users(as: try context.requireActor()).map(UserView.init)])
        }
        group.get("users/{name}") { request, context in
            _ = try QueryParameters(request, accepting: [])
            let (user, changes) = try await engine.user(try context.parameters.require("name"), as: try context.requireActor())
            return JSONBody.response(.ok, UserDetailView(user: UserView(user), changes: changes.map(UserChangeView.init)))
        }
    }

    private func workflow(_ context: APIRequestContext) throws -> String {
        WorkflowID.parse(try context.parameters.require("workflow"))
    }
}

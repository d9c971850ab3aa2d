import Foundation
import HTTPTypes
import Hummingbird
import WorkflowEngine
import WorkflowViews

/// The case page and its forms: transitions, field updates, outcomes, and opening a case. Each form posts, the engine
/// decides, and the browser is sent back to the case (303); a refusal shows the page again with the engine's sentence,
/// its details, and what was typed.
extension WebRoutes {
    /// What a refused form sent, to show it again in the form it came from.
    struct Refused {
        let error: WorkflowError
        let form: WebForm
        /// Which form: a transition's name, `update`, or `outcome`.
        let source: String
    }

    func casePage(_ reference: String, _ signedIn: SignedIn, status: HTTPResponse.Status = .ok, refused: Refused? = nil) async throws -> Response {
        let locator = CaseLocator(reference)
        let user = signedIn.user
        let (record, events) = try await engine.history(locator, as: user.name)
        let choices = try await engine.choices(on: locator, as: user.name)
        let definition = try engine.registry.workflow(record.workflow)
        let typed = { (source: String) in refused?.source == source ? refused?.form : nil }
        var page = CasePage(
            user: signedIn.header, csrf: signedIn.session.csrf, reference: record.reference, workflowTitle: definition.title,
            state: record.state, stateEnteredAt: PageText.instant(record.stateEnteredAt),
            lateBy: record.lateness(at: engine.clock.now()).map { Lateness.text(Int($0)) }, version: record.version,
            fields: definition.fields.compactMap { field in
                guard let value = record.fields[field.name], value != .null else { return nil }
                return CasePage.Field(label: PageText.label(field.name), value: Self.shown(value, field))
            },
            choices: choices.map { choice in
                let name = choice.transition.name
                return CasePage.Choice(
                    name: name, summary: choice.transition.summary.isEmpty ? nil : choice.transition.summary,
                    unmet: choice.unmet.map(PageText.unmet),
                    inputs: choice.fields.map { FieldInput($0, form: name, shown: record.fields[$0.name], typed: typed(name)?.fields[$0.name]) },
                    reason: typed(name)?["reason"] ?? "")
            },
            events: events.map { event in
                CasePage.Event(
                    at: PageText.instant(event.at), atISO: event.at.iso8601, what: Self.describe(event), actor: event.actor,
                    role: event.role?.rawValue, reason: event.reason.flatMap { $0.isEmpty ? nil : $0 },
                    changed: event.kind == .opened || !event.kind.setsFields || event.fields.isEmpty
                        ? nil : event.fields.keys.sorted().map(PageText.label).joined(separator: ", "))
            })
        // Fields this user may change here: updatable in this state by one of their roles, and visible to them.
        page.updates = definition.fields.filter { field in
            definition.updatableStates(of: field).contains(record.state)
                && definition.updatingRoles(of: field, in: record.state).contains(where: user.holds)
                && Redaction.sees(field.dataClass, in: definition, as: user)
        }.map { FieldInput($0, form: "update", shown: record.fields[$0.name], typed: typed("update")?.fields[$0.name]) }
        if let counters = definition.outcomes {
            let typedOutcome = typed("outcome")
            page.outcomes = counters.names.map {
                CasePage.Outcome(name: $0, label: PageText.label($0), total: record.outcomes[$0] ?? 0, selected: typedOutcome?["outcome"] == $0)
            }
            page.recordCount = typedOutcome?["count"] ?? ""
            page.recordReason = typedOutcome?["reason"] ?? ""
            page.canRecord = counters.states.contains(record.state) && Decider(definition).editingRoles.contains(where: user.holds)
        }
        try await addChildren(of: record, definition, to: &page, as: user)
        page.refusal = refused.map { RefusalView($0.error) }
        return WebResponse.html(status, PageTemplates.render(page, "case"))
    }

    /// A case's children with outcome counters (a JPA period's operations): each with its counts, and totals by the
    /// children's first country field, as `rsoctl metrics outcomes --parent REF --by FIELD` gives them.
    private func addChildren(of record: CaseRecord, _ definition: WorkflowDefinition, to page: inout CasePage, as user: User) async throws {
        guard let child = engine.registry.workflows.first(where: { $0.parentWorkflow == definition.id }) else { return }
        let names = child.outcomes?.names ?? []
        let children = try await engine.list(CaseQuery(workflow: child.id, parentID: record.id, limit: 1_000), as: user.name)
        page.childTitle = child.title
        page.childOutcomeNames = names.map(PageText.label)
        page.children = children.map { child in CasePage.Child(reference: child.reference, state: child.state, counts: names.map { child.outcomes[$0] ?? 0 }) }
        guard !names.isEmpty, let country = child.fields.first(where: { $0.type == .country }) else { return }
        let report = try await engine.outcomeTotals(child.id, parent: .id(record.id), from: nil, to: nil, by: country.name, as: user.name)
        page.totalsByLabel = PageText.label(country.name)
        var totals = (report.by ?? [:]).sorted { $0.key < $1.key }.map { group, counts in
            CasePage.Total(group: PageText.country(group), counts: names.map { counts[$0] ?? 0 })
        }
        totals.append(CasePage.Total(group: "All", counts: names.map { report.totals[$0] ?? 0 }))
        page.totals = totals
    }

    /// A transition's form sent.
    func advance(_ request: Request, _ context: APIRequestContext, _ signedIn: SignedIn) async throws -> Response {
        let transition = try context.parameters.require("transition")
        return try await submitted(request, context, signedIn, source: transition) { reference, form in
            try await engine.advance(
                CaseLocator(reference), transition, fields: form.fields.mapValues(JSONValue.string), reason: Self.reason(form),
                as: signedIn.user.name, expectedVersion: try Self.version(form))
        }
    }

    /// The update form sent: only the fields whose value differs from the case's are sent to the engine.
    func updateFields(_ request: Request, _ context: APIRequestContext, _ signedIn: SignedIn) async throws -> Response {
        try await submitted(request, context, signedIn, source: "update") { reference, form in
            let current = try await engine.show(CaseLocator(reference), as: signedIn.user.name).fields
            let changed = form.fields.filter { name, text in current[name]?.plainText != text }
            guard !changed.isEmpty else { throw WorkflowError(.usage, "nothing was changed: edit a field, then save") }
            return try await engine.update(
                CaseLocator(reference), fields: changed.mapValues(JSONValue.string), reason: Self.reason(form), as: signedIn.user.name,
                expectedVersion: try Self.version(form))
        }
    }

    /// The outcome form sent: a count (negative corrects, with a reason).
    func recordOutcome(_ request: Request, _ context: APIRequestContext, _ signedIn: SignedIn) async throws -> Response {
        try await submitted(request, context, signedIn, source: "outcome") { reference, form in
            guard let outcome = form["outcome"], !outcome.isEmpty else { throw WorkflowError(.usage, "choose the outcome to record") }
            guard let text = form["count"], let count = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw WorkflowError(.invalidData, "the count is not a whole number: give e.g. 3, or -1 to correct an earlier count")
            }
            return try await engine.record(CaseLocator(reference), outcome: outcome, count: count, reason: Self.reason(form), as: signedIn.user.name)
        }
    }

    /// Checks the form's CSRF token, lets `write` act, and sends the browser to the case; a refusal shows the case
    /// page again with it.
    private func submitted(
        _ request: Request, _ context: APIRequestContext, _ signedIn: SignedIn, source: String,
        _ write: (String, WebForm) async throws -> CaseRecord
    ) async throws -> Response {
        let reference = try context.parameters.require("reference")
        let form = try await WebForm(request, context)
        guard WebSessionCookie.same(form["csrf"], signedIn.session.csrf) else { return WebResponse.forbiddenForm(signedIn.session) }
        do {
            let record = try await write(reference, form)
            return WebResponse.redirect("/cases/\(record.reference)")
        } catch let refusal as WorkflowError where refusal.code.httpStatus.code < 500 && refusal.code != .notFound {
            return try await casePage(reference, signedIn, status: refusal.code.httpStatus, refused: Refused(error: refusal, form: form, source: source))
        }
    }

    // MARK: Opening a case

    func openForm(_ workflow: String, _ signedIn: SignedIn, status: HTTPResponse.Status = .ok, refused: Refused? = nil) async throws -> Response {
        let definition = try engine.registry.workflow(WorkflowID.parse(workflow))
        let opening = Decider(definition).openingRoles
        guard opening.contains(where: signedIn.user.holds) else {
            throw WorkflowError(.forbidden, "\(signedIn.user.name) may not open \(definition.id) cases: that needs one of \(opening.map(\.rawValue).joined(separator: ", "))")
        }
        // Required fields first, then the rest in definition order; a module's JSON documents are left to the API.
        let fields = definition.fields.filter { $0.requiredAtOpen } + definition.fields.filter { !$0.requiredAtOpen && $0.type != .json }
        var page = OpenPage(
            user: signedIn.header, csrf: signedIn.session.csrf, workflow: definition.id, workflowTitle: definition.title,
            needsParent: definition.parentWorkflow != nil, parentWorkflow: definition.parentWorkflow ?? "", parent: refused?.form["parent"] ?? "",
            inputs: fields.map { FieldInput($0, form: "open", shown: nil, typed: refused?.form.fields[$0.name], required: $0.requiredAtOpen) })
        page.refusal = refused.map { RefusalView($0.error) }
        return WebResponse.html(status, PageTemplates.render(page, "open"))
    }

    func openCase(_ request: Request, _ context: APIRequestContext, _ signedIn: SignedIn) async throws -> Response {
        let workflow = try context.parameters.require("workflow")
        let form = try await WebForm(request, context)
        guard WebSessionCookie.same(form["csrf"], signedIn.session.csrf) else { return WebResponse.forbiddenForm(signedIn.session) }
        do {
            let parent = form["parent"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : CaseLocator($0.trimmingCharacters(in: .whitespaces)) }
            let record = try await engine.open(WorkflowID.parse(workflow), fields: form.fields.mapValues(JSONValue.string), parent: parent, as: signedIn.user.name)
            return WebResponse.redirect("/cases/\(record.reference)")
        } catch let refusal as WorkflowError where refusal.code.httpStatus.code < 500 && refusal.code != .forbidden {
            return try await openForm(workflow, signedIn, status: refusal.code.httpStatus, refused: Refused(error: refusal, form: form, source: "open"))
        }
    }

    // MARK: Words

    static func reason(_ form: WebForm) -> String? {
        form["reason"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
    }

    /// The version the form was made from: a write lands only on that version (a case changed meanwhile is a 409).
    static func version(_ form: WebForm) throws(WorkflowError) -> Int? {
        guard let text = form["version"] else { return nil }
        guard let version = Int(text), version > 0 else { throw WorkflowError(.usage, "the form's version is not a number: reload the page") }
        return version
    }

    /// A value as people read it: a country with its name, a list's items separated by commas and spaces.
    static func shown(_ value: JSONValue, _ field: FieldDefinition) -> String {
        switch (field.type, value) {
        case (.country, .string(let code)): PageText.country(code)
        case (.list, .array(let items)): items.map { item in
            if case .list(.country) = field.type, case .string(let code) = item { PageText.country(code) } else { item.plainText }
        }.joined(separator: ", ")
        default: value.plainText
        }
    }

    private static func describe(_ event: EventRecord) -> String {
        switch event.kind {
        case .opened: "opened in \(event.to ?? "?")"
        case .transition: "\(event.transition ?? "?"): \(event.from ?? "?") → \(event.to ?? "?")"
        case .fieldUpdate: "fields updated"
        case .outcome: "outcome recorded"
        case .note: "note"
        case .assignment: "assigned"
        case .erasure: "personal data erased"
        }
    }
}

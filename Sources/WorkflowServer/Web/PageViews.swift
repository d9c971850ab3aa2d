import Foundation
import WorkflowEngine
import WorkflowViews

/// What the templates read (`PageTemplates`): plain values, already redacted and formatted. Mustache reads them by
/// property name.

/// The signed-in user in every page's header, and the CSRF token its sign-out form carries.
struct SignedInView: Sendable {
    let name: String
    let roles: String
    let csrf: String

    init(_ user: User, _ session: WebSession) {
        name = user.name
        roles = user.roles.map(\.rawValue).joined(separator: ", ")
        csrf = session.csrf
    }
}

struct LoginPage: Sendable {
    let user: SignedInView? = nil
    let csrf: String
    let username: String
    let error: String?
}

struct ProblemPage: Sendable {
    let user: SignedInView?
    let heading: String
    let message: String
}

struct WorkPage: Sendable {
    struct WorkflowOption: Sendable {
        let id: String
        let title: String
        let selected: Bool
    }

    struct Row: Sendable {
        let reference: String
        let workflow: String
        let state: String
        let due: String
        let lateBy: String?
        let updated: String
    }

    let user: SignedInView?
    let workflows: [WorkflowOption]
    let query: String
    let filtered: Bool
    let cases: [Row]
    // Stored, not computed: Mustache reads stored properties only (it looks through `Mirror`).
    let hasCases: Bool
    let count: Int

    init(user: SignedInView?, workflows: [WorkflowOption], query: String, filtered: Bool, cases: [Row]) {
        self.user = user
        self.workflows = workflows
        self.query = query
        self.filtered = filtered
        self.cases = cases
        hasCases = !cases.isEmpty
        count = cases.count
    }
}

struct CasePage: Sendable {
    struct Field: Sendable {
        let label: String
        let value: String
    }

    struct Input: Sendable {
        struct Option: Sendable {
            let value: String
            let selected: Bool
        }

        let id: String
        let field: String
        let label: String
        let hint: String?
        let type: String
        let value: String
        let options: [Option]
        let hasOptions: Bool

        init(id: String, field: String, label: String, hint: String?, type: String, value: String, options: [Option]) {
            (self.id, self.field, self.label, self.hint, self.type, self.value) = (id, field, label, hint, type, value)
            self.options = options
            hasOptions = !options.isEmpty
        }
    }

    struct Choice: Sendable {
        let name: String
        let summary: String?
        let unmet: [String]
        let inputs: [Input]
        let reason: String
        let hasUnmet: Bool

        init(name: String, summary: String?, unmet: [String], inputs: [Input], reason: String) {
            (self.name, self.summary, self.unmet, self.inputs, self.reason) = (name, summary, unmet, inputs, reason)
            hasUnmet = !unmet.isEmpty
        }
    }

    struct Event: Sendable {
        let at: String
        /// The same instant for the `<time>` element, in ISO 8601.
        let atISO: String
        let what: String
        let actor: String
        let role: String?
        let reason: String?
        let changed: String?
    }

    let user: SignedInView?
    let csrf: String
    let reference: String
    let workflowTitle: String
    let state: String
    let stateEnteredAt: String
    let lateBy: String?
    let version: Int
    let fields: [Field]
    let choices: [Choice]
    let events: [Event]
    private(set) var error: String? = nil
    private(set) var details: [String] = []
    private(set) var hasDetails = false

    /// Shows a refusal above the case: the engine's sentence and each of its details.
    mutating func show(_ refusal: WorkflowError) {
        error = refusal.message
        details = refusal.details.map(PageText.unmet)
        hasDetails = !details.isEmpty
    }
}

/// What people read, made from what the engine keeps.
enum PageText {
    /// `family_name` as `Family name`.
    static func label(_ name: String) -> String {
        let words = name.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// An instant to the minute, in UTC, as people read it.
    static func instant(_ date: Date) -> String {
        let text = date.iso8601
        return text.count >= 16 ? String(text.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC" : text
    }

    /// An unmet guard as the engine hints it, in the page's words: the CLI's hint names its option.
    static func unmet(_ hint: String) -> String {
        hint.replacingOccurrences(of: "pass --reason TEXT", with: "fill in Reason")
    }

    /// The HTML input for a field's type; enums and booleans get a select (`CasePage.Input.options`).
    static func inputType(_ type: FieldType) -> String {
        switch type {
        case .date: "date"
        case .int, .decimal: "number"
        default: "text"
        }
    }

    /// What an input of this type accepts, said once beside its label.
    static func hint(_ type: FieldType) -> String? {
        switch type {
        case .country: "ISO 3166 alpha-3 code, e.g. AFG"
        case .list(let element): "several \(element.name) values, separated by commas"
        case .decimal: "a number, e.g. 12.5"
        case .json: "JSON"
        default: nil
        }
    }
}

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
    struct Row: Sendable {
        let reference: String
        let workflow: String
        let state: String
        let due: String
        let lateBy: String?
        let updated: String
    }

    let user: SignedInView?
    let workflows: [SelectOption]
    /// The workflows whose cases this user may open.
    let openable: [SelectOption]
    let states: [SelectOption]
    let countries: [SelectOption]
    let query: String
    let caption: String
    let filtered: Bool
    let cases: [Row]
    // Stored, not computed: Mustache reads stored properties only (it looks through `Mirror`).
    let hasCases: Bool
    let count: Int
    let hasOpenable: Bool

    init(user: SignedInView?, workflows: [SelectOption], openable: [SelectOption], states: [SelectOption], countries: [SelectOption],
         query: String, caption: String, filtered: Bool, cases: [Row]) {
        self.states = states
        self.countries = countries
        self.caption = caption
        self.user = user
        self.workflows = workflows
        self.openable = openable
        self.query = query
        self.filtered = filtered
        self.cases = cases
        hasCases = !cases.isEmpty
        count = cases.count
        hasOpenable = !openable.isEmpty
    }
}

struct CasePage: Sendable {
    struct Field: Sendable {
        let label: String
        let value: String
    }

    struct Choice: Sendable {
        let name: String
        let summary: String?
        let unmet: [String]
        let inputs: [FieldInput]
        let reason: String
        let hasUnmet: Bool

        init(name: String, summary: String?, unmet: [String], inputs: [FieldInput], reason: String) {
            (self.name, self.summary, self.unmet, self.inputs, self.reason) = (name, summary, unmet, inputs, reason)
            hasUnmet = !unmet.isEmpty
        }
    }

    struct Outcome: Sendable {
        let name: String
        let label: String
        let total: Int
        /// Chosen in the record form that was refused.
        let selected: Bool
    }

    struct Child: Sendable {
        let reference: String
        let state: String
        let counts: [Int]
    }

    struct Total: Sendable {
        let group: String
        let counts: [Int]
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
    /// The fields this user may change in the case's state.
    var updates: [FieldInput] = [] { didSet { hasUpdates = !updates.isEmpty } }
    private(set) var hasUpdates = false
    /// The case's outcome counters, and whether this user may record one now.
    var outcomes: [Outcome] = [] { didSet { hasOutcomes = !outcomes.isEmpty } }
    private(set) var hasOutcomes = false
    var canRecord = false
    /// What was typed into the record form, when it was refused.
    var recordCount = ""
    var recordReason = ""
    /// The cases under this one (a JPA period's operations), their outcome counts, and totals by a country field.
    var childTitle = ""
    var childOutcomeNames: [String] = []
    var children: [Child] = [] { didSet { hasChildren = !children.isEmpty } }
    private(set) var hasChildren = false
    var totalsByLabel = ""
    var totals: [Total] = [] { didSet { hasTotals = !totals.isEmpty } }
    private(set) var hasTotals = false
    /// A refusal of the form sent, shown above the case.
    var refusal: RefusalView? = nil
}

struct OpenPage: Sendable {
    let user: SignedInView?
    let csrf: String
    let workflow: String
    let workflowTitle: String
    let needsParent: Bool
    let parentWorkflow: String
    let parent: String
    let inputs: [FieldInput]
    var refusal: RefusalView? = nil
}

/// A form's refusal on the page: the engine's sentence and each of its details, in the page's words.
struct RefusalView: Sendable {
    let message: String
    let details: [String]
    let hasDetails: Bool

    init(_ refusal: WorkflowError) {
        message = PageText.unmet(refusal.message)
        details = refusal.details.map(PageText.unmet)
        hasDetails = !details.isEmpty
    }
}

/// One choice of a select (or a link among choices): what is sent, what is shown, whether it is chosen now.
struct SelectOption: Sendable {
    let value: String
    let text: String
    let selected: Bool
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

    /// A country by its name, with its code: `Thailand (THA)`.
    static func country(_ code: String) -> String {
        Countries.name(code).map { "\($0) (\(code))" } ?? code
    }

    /// A refusal or an unmet guard as the engine words it, in the page's words: the CLI's sentences name its options.
    static func unmet(_ hint: String) -> String {
        hint.replacingOccurrences(of: "pass --reason TEXT", with: "fill in Reason")
            .replacingOccurrences(of: "needs --reason", with: "needs a reason")
            .replacingOccurrences(of: ": add --field ", with: ": fill in ").replacingOccurrences(of: ", --field ", with: ", ")
            .replacingOccurrences(of: "=VALUE", with: "")
    }
}

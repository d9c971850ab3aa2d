import Foundation
import HTTPTypes
import Hummingbird
import WorkflowEngine
import WorkflowViews

/// The web pages, for people in a browser: sign-in, their work list, a case page with its timeline and the
/// transitions they may take. Server-rendered HTML (`PageTemplates`), no script; the same engine calls, and so the
/// same roles, redaction and access log, as the API and the CLI. A page's refusal is the engine's sentence, with the
/// status of the one mapping (`WorkflowError.Code.httpStatus`).
struct WebRoutes: Sendable {
    let engine: Engine
    let passwords: any PasswordHasher
    /// Failed sign-ins per source address: past 20 in a row, one more each 3 s (`TokenGate`), whatever the names
    /// tried, so that no address makes the server hash passwords without end. The per-user lockout is the engine's.
    let gate: TokenGate

    func register(on router: Router<APIRequestContext>) {
        router.get("/login") { request, context in try await loginPage(request, context) }
        router.post("/login") { request, context in try await signIn(request, context) }
        router.post("/logout") { request, context in try await signOut(request, context) }
        router.get("/") { request, context in try await page(request, context) { try await workPage(request, $0) } }
        router.get("/cases/{reference}") { request, context in
            try await page(request, context) { try await casePage(try context.parameters.require("reference"), $0) }
        }
        router.post("/cases/{reference}/transitions/{transition}") { request, context in
            try await page(request, context) { try await advance(request, context, $0) }
        }
        router.post("/cases/{reference}/fields") { request, context in
            try await page(request, context) { try await updateFields(request, context, $0) }
        }
        router.post("/cases/{reference}/outcomes") { request, context in
            try await page(request, context) { try await recordOutcome(request, context, $0) }
        }
        router.get("/cases/new/{workflow}") { request, context in
            try await page(request, context) { try await openForm(try context.parameters.require("workflow"), $0) }
        }
        router.post("/cases/new/{workflow}") { request, context in
            try await page(request, context) { try await openCase(request, context, $0) }
        }
        router.get("/dashboard") { request, context in
            try await page(request, context) { _ in WebResponse.redirect("/dashboard/\(engine.registry.workflows.first?.id ?? "avrr")") }
        }
        router.get("/dashboard/{workflow}") { request, context in
            try await page(request, context) { try await dashboard(request, try context.parameters.require("workflow"), $0) }
        }
        router.get("/dashboard/{workflow}/{file}") { request, context in
            try await page(request, context) { signedIn in
                let file = try context.parameters.require("file")
                guard file.hasSuffix(".csv") else { throw WorkflowError(.notFound, "no page \(InputText.quoted(file)); the dashboard's tables are NAME.csv") }
                return try await dashboardCSV(request, try context.parameters.require("workflow"), String(file.dropLast(4)), signedIn)
            }
        }
        // Browsers ask for it on every first visit; there is none.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
    }

    /// Whether a path is one of the pages (answered in HTML, also when refused), not the API or the service's own.
    static func isPage(_ path: String) -> Bool {
        path == "/" || ["/login", "/logout", "/cases/", "/dashboard"].contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }

    // MARK: Signing in and out

    func loginPage(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        if try await WebSessionCookie.signedIn(request, context, engine) != nil { return WebResponse.redirect("/") }
        return loginForm(request, status: .ok, username: "", error: nil)
    }

    /// The sign-in form with a fresh CSRF token, which a cookie of its own carries too (there is no session yet to
    /// keep it in): a POST whose two copies differ did not come from this form.
    private func loginForm(_ request: Request, status: HTTPResponse.Status, username: String, error: String?) -> Response {
        let csrf = WebSessionCookie.newToken()
        var response = WebResponse.html(status, PageTemplates.render(LoginPage(csrf: csrf, username: username, error: error), "login"))
        response.setCookie(WebSessionCookie.cookie(WebSessionCookie.loginName, csrf, request))
        return response
    }

    private func signIn(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let form = try await WebForm(request, context)
        let username = form["username"] ?? ""
        guard let expected = request.cookies[WebSessionCookie.loginName]?.value, WebSessionCookie.same(form["csrf"], expected) else {
            return loginForm(request, status: .forbidden, username: username,
                             error: "This sign-in form had expired (or cookies are off): sign in again.")
        }
        if let wait = gate.wait(for: context.sourceAddress) {
            let seconds = TokenGate.retryAfterSeconds(wait)
            var response = loginForm(request, status: .tooManyRequests, username: username,
                                     error: "Too many failed sign-ins from this address lately: wait \(seconds) s, then try again.")
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        switch try await engine.signIn(name: username, password: form["password"] ?? "", hasher: passwords) {
        case .signedIn(let session, let cookie):
            // Named on the log line only once signed in: a failed attempt's name may be a mistyped password.
            context.user.set(session.user)
            var response = WebResponse.redirect("/")
            response.setCookie(WebSessionCookie.cookie(WebSessionCookie.sessionName, cookie, request))
            response.setCookie(WebSessionCookie.cleared(WebSessionCookie.loginName, request))
            return response
        case .wrongPassword:
            gate.badToken(from: context.sourceAddress)
            return loginForm(request, status: .unauthorized, username: username, error: "The username or password is wrong.")
        case .locked(let until):
            return loginForm(request, status: .tooManyRequests, username: username,
                             error: "Too many failed sign-ins: this user is locked until \(PageText.instant(until)). An admin can reset the password with rsoctl users password.")
        case .disabled(let user):
            return loginForm(request, status: .forbidden, username: username,
                             error: "\(user.name) is disabled: ask an admin to enable the user.")
        }
    }

    private func signOut(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        guard let (session, _, cookie) = try await WebSessionCookie.signedIn(request, context, engine) else { return WebResponse.redirect("/login") }
        let form = try await WebForm(request, context)
        guard WebSessionCookie.same(form["csrf"], session.csrf) else { return WebResponse.forbiddenForm(session) }
        try await engine.endSession(cookie: cookie)
        var response = WebResponse.redirect("/login")
        response.setCookie(WebSessionCookie.cleared(WebSessionCookie.sessionName, request))
        return response
    }

    /// A page for a signed-in, enabled user: the sign-in page for anyone else; an engine refusal as a page.
    func page(_ request: Request, _ context: APIRequestContext, _ body: (SignedIn) async throws -> Response) async throws -> Response {
        guard let (session, user, _) = try await WebSessionCookie.signedIn(request, context, engine) else {
            return WebResponse.redirect("/login")
        }
        let signedIn = SignedIn(user: user, session: session)
        do {
            if user.disabledAt != nil { throw WorkflowError(.forbidden, "\(user.name) is disabled: ask an admin to enable the user") }
            return try await body(signedIn)
        } catch let refusal as WorkflowError where refusal.code.httpStatus.code < 500 {
            return WebResponse.problem(refusal, signedIn.header)
        }
    }

    // MARK: My work

    /// My work: the cases this user can act on, or, with `q`, the cases whose reference starts with it or whose name
    /// or document number (a personal text field the user may see) is exactly it, found through the blind index.
    private func workPage(_ request: Request, _ signedIn: SignedIn) async throws -> Response {
        let parameters = try QueryParameters(request, accepting: ["workflow", "state", "country", "q"], form: true)
        let workflow = try parameters.text("workflow").flatMap { $0.isEmpty ? nil : WorkflowID.parse($0) }
        let state = try parameters.text("state").flatMap { $0.isEmpty ? nil : $0 }
        let country = try parameters.text("country").flatMap { $0.isEmpty ? nil : $0.uppercased() }
        let states = Self.stateNames(engine.registry.workflows.filter { workflow == nil || $0.id == workflow })
        if let state, !states.contains(state) {
            throw WorkflowError(.invalidData, "no state \(InputText.quoted(state)) in \(workflow ?? "any workflow"); states: \(states.joined(separator: ", "))")
        }
        if let country, !Countries.isValid(country) {
            throw WorkflowError(.invalidData, "\(InputText.quoted(country)) is not a country: give an ISO 3166 alpha-3 code, e.g. THA")
        }
        let query = try parameters.text("q")?.trimmingCharacters(in: .whitespaces) ?? ""
        let rows: [WorkPage.Row]
        let caption: String
        if query.isEmpty || Self.looksLikeReference(query) {
            let prefix = query.uppercased()
            rows = try await engine.workList(as: signedIn.user.name, workflow: workflow, state: state, country: country).filter { $0.reference.hasPrefix(prefix) }.map { item in
                WorkPage.Row(reference: item.reference, workflow: item.workflow, state: item.state,
                             due: item.dueAt.map(PageText.instant) ?? "", lateBy: item.lateness.map { Lateness.text(Int($0)) },
                             updated: PageText.instant(item.updatedAt))
            }
            caption = "Cases you can act on now, overdue first"
        } else {
            let now = engine.clock.now()
            rows = try await search(query, in: workflow, as: signedIn.user).map { record in
                WorkPage.Row(reference: record.reference, workflow: record.workflow, state: record.state,
                             due: record.dueAt.map(PageText.instant) ?? "", lateBy: record.lateness(at: now).map { Lateness.text(Int($0)) },
                             updated: PageText.instant(record.updatedAt))
            }
            caption = "Cases whose name or document number is exactly what you searched for"
        }
        let options = engine.registry.workflows.map { SelectOption(value: $0.id, text: $0.title, selected: $0.id == workflow) }
        let openable = engine.registry.workflows.filter { Decider($0).openingRoles.contains(where: signedIn.user.holds) }
            .map { SelectOption(value: $0.id, text: $0.title, selected: false) }
        let page = WorkPage(
            user: signedIn.header, workflows: options, openable: openable,
            states: states.map { SelectOption(value: $0, text: $0, selected: $0 == state) },
            countries: Countries.alpha3.sorted().map { SelectOption(value: $0, text: PageText.country($0), selected: $0 == country) },
            query: query, caption: caption, filtered: workflow != nil || state != nil || country != nil || !query.isEmpty, cases: rows)
        return WebResponse.html(.ok, PageTemplates.render(page, "work"))
    }

    /// Every state of these workflows, each once, in definition order.
    static func stateNames(_ workflows: [WorkflowDefinition]) -> [String] {
        var names: [String] = []
        for name in workflows.flatMap({ $0.states.map(\.name) }) where !names.contains(name) { names.append(name) }
        return names
    }

    /// `AVRR-2026-000001`, or its start (`AVRR-2026`): letters, a dash, then digits and dashes.
    static func looksLikeReference(_ text: String) -> Bool {
        text.range(of: #"^[A-Za-z]{2,10}-[0-9][0-9-]*$"#, options: .regularExpression) != nil
    }

    /// Exact matches of a personal text field (a name, a document number) that the user may see, in each workflow:
    /// the engine finds them through the blind index and logs the search, as `rsoctl case list --field` does.
    private func search(_ text: String, in workflow: String?, as user: User) async throws -> [CaseRecord] {
        var found: [CaseRecord] = []
        for definition in engine.registry.workflows where workflow == nil || workflow == definition.id {
            for field in definition.fields where field.dataClass.isProtected && field.type == .string
                && Redaction.sees(field.dataClass, in: definition, as: user) {
                found += try await engine.list(CaseQuery(workflow: definition.id, fieldEquals: [(field.name, .string(text))], limit: 200), as: user.name)
            }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0.reference).inserted }
    }
}

/// Who a page is for.
struct SignedIn: Sendable {
    let user: User
    let session: WebSession
    var header: SignedInView { SignedInView(user, session) }
}

import Foundation
import Testing
import WorkflowEngine
@testable import WorkflowServer

/// How the web pages read what a browser sends.
@Suite("Web forms")
struct WebFormTests {
    @Test func aFormIsReadAsABrowserEncodesIt() throws {
        let form = try WebForm(encoded: "csrf=abc&reason=waiting+for+papers%21&field.full_name=Zainab%20Q&field.vulnerabilities=medical&field.vulnerabilities=elderly&field.nationality=")
        #expect(form["csrf"] == "abc")
        #expect(form["reason"] == "waiting for papers!")
        // A list's checkboxes arrive one by one and go to the engine as the CLI's comma-separated text; a blank input
        // is left out (it is no clearing).
        #expect(form.fields == ["full_name": "Zainab Q", "vulnerabilities": "medical,elderly"])
        #expect(form["missing"] == nil)
    }

    @Test func textThatIsNoFormIsRefused() {
        #expect(throws: WorkflowError.self) { try WebForm(encoded: "a=%ZZ") }
    }

    @Test(arguments: [("AVRR-2026-000001", true), ("avrr-2026", true), ("JPAOP-2016-000002", true), ("Zainab Qorvatelli", false),
                      ("XK4471902", false), ("AVRR", false), ("A-1", false)])
    func aReferenceOrItsStartIsToldFromANameOrDocumentNumber(_ text: String, _ isReference: Bool) {
        #expect(WebRoutes.looksLikeReference(text) == isReference)
    }

    @Test func aCSRFTokenMatchesOnlyItself() {
        #expect(WebSessionCookie.same("token-123", "token-123"))
        for given in [nil, "", "token-12", "token-1234", "TOKEN-123"] as [String?] {
            #expect(!WebSessionCookie.same(given, "token-123"), "\(given ?? "nil")")
        }
        #expect(!WebSessionCookie.same("", ""))
    }

    @Test func aChartNeverTurnsANameIntoMarkup() {
        let svg = BarChart(title: "<script>", labels: ["a&b", "\"x\""], series: [("now", [3, 0])]).svg
        #expect(svg.contains("&lt;script&gt;") && svg.contains("a&amp;b") && svg.contains("&quot;x&quot;"))
        #expect(!svg.contains("<script>"))
        #expect(svg.components(separatedBy: "<rect").count - 1 == 2)
    }
}

extension WebFormTests {
    /// URLComponents stopped the whole server (a fatal error) on such a body: each is now a 400.
    @Test(arguments: ["a=%ZZ", "a=%", "a=%E9", "a=b c", "a=é", "a=<script>", "%=1", "a=%00", "=", "&&", "a"])
    func anyTextIsReadOrRefusedNeverFatal(_ text: String) {
        do {
            _ = try WebForm(encoded: text)
        } catch let error as WorkflowError {
            #expect(error.code == .usage)
        } catch {
            Issue.record("\(error)")
        }
    }
}

extension WebFormTests {
    /// A refusal on these paths is a page (a person reads it in a browser); on the others, the API's problem JSON.
    @Test(arguments: [("/", true), ("/login", true), ("/logout", true), ("/cases/AVRR-2026-000001", true), ("/cases/new/avrr", true),
                      ("/dashboard", true), ("/dashboard/avrr/stages.csv", true), ("/v1/cases", false), ("/v1/cases/AVRR-2026-000001", false),
                      ("/health/ready", false), ("/metrics", false), ("/openapi.json", false), ("/loginx", false), ("/dashboards", false)])
    func pagesAreToldFromTheAPI(_ path: String, _ isPage: Bool) {
        #expect(WebRoutes.isPage(path) == isPage)
    }
}

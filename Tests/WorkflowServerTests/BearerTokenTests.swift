import Testing
@testable import WorkflowServer

/// How `Authorization` is read: `Bearer TOKEN`, the scheme in any case, spaces and tabs around the token ignored.
@Suite("Reading a bearer token")
struct BearerTokenTests {
    @Test(arguments: [
        ("Bearer rso_abc", "rso_abc"), ("bearer rso_abc", "rso_abc"), ("BEARER rso_abc", "rso_abc"),
        ("Bearer   rso_abc \t ", "rso_abc"), ("Bearer \trso_abc", "rso_abc"),
    ])
    func theTokenAfterTheScheme(_ header: String, _ token: String) {
        #expect(TokenAuthentication.bearerToken(header) == Substring(token))
    }

    @Test(arguments: ["Basic cnNvOnNlY3JldA==", "Bearer", "Bearer ", "Bearer  \t ", "Bearerrso_abc", "rso_abc", "", "Béarer rso_abc"])
    func anotherSchemeOrNoTokenIsNone(_ header: String) {
        #expect(TokenAuthentication.bearerToken(header) == nil)
    }
}

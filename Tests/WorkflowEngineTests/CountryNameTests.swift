import Testing
import WorkflowEngine

@Suite("Country names")
struct CountryNameTests {
    @Test func everyAcceptedCodeHasAName() {
        let unnamed = Countries.alpha3.filter { Countries.name($0) == nil }
        #expect(unnamed.isEmpty, "\(unnamed.sorted())")
        #expect(Countries.name("AFG") == "Afghanistan" && Countries.name("THA") == "Thailand" && Countries.name("XXX") == nil)
    }
}

/// A workflow id as typed: workflow ids are lower case (`avrr`, `jpa.operation`), so `AVRR` and `Avrr` name the same
/// workflow. The one place the command line's and the HTTP API's workflow ids are read.
public enum WorkflowID {
    public static func parse(_ text: String) -> String { text.lowercased() }
}

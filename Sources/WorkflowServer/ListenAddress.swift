import WorkflowEngine

/// Where the server listens: `HOST:PORT`, the host an IPv4 address, a name, or an IPv6 address in brackets
/// (`[::1]:8080`); port 0 takes any free port (the server says which).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(_ text: String) throws(WorkflowError) {
        let refusal = WorkflowError(
            .usage, "--listen \(InputText.quoted(text)) is not an address: give HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, with a port from 0 to 65535")
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw refusal
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.utf8.count <= 253,
              host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".:-".contains($0)) }) else { throw refusal }
        (self.host, self.port) = (host, port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

import Foundation
import Hummingbird
import WorkflowEngine

/// What a request says its body is: the Content-Type without its parameters, in lower case (`text/csv;
/// charset=utf-8` is `text/csv`). A body labelled as something a route does not read is refused with 415 rather than
/// misread; a body sent with no Content-Type is read as the route's own type.
enum MediaType {
    static func of(_ request: Request) -> String? {
        request.headers[.contentType].map {
            ($0.split(separator: ";").first.map(String.init) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        }
    }

    /// Refuses the request unless its media type is absent or `accepted` says yes; `expected` names what to send.
    static func require(_ request: Request, _ accepted: (String) -> Bool, expected: String) throws {
        guard let media = of(request), !accepted(media) else { return }
        let sent = InputText.quoted(String((request.headers[.contentType] ?? "").prefix(100)))
        throw APIRefusal(status: .unsupportedMediaType, detail: "the body is sent as \(sent): \(expected)")
    }
}

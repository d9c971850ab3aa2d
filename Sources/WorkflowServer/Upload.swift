import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// A request body saved to a file of its own, in a directory only this process's user may read (the body holds
/// personal data), and removed afterwards.
enum Upload {
    static func withFile<Result>(
        of body: RequestBody, limit: Int, context: APIRequestContext, _ use: (String) async throws -> Result
    ) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rso-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("body.csv").path
        let limited = LimitedBody(body: body, limit: limit)
        do {
            try await FileIO().writeFile(contents: limited, path: path, context: context)
        } catch {
            // The file system wraps what the body's sequence throws; the limit is told apart by its own flag.
            if limited.exceeded.withLockedValue({ $0 }) {
                throw APIRefusal(status: .contentTooLarge, detail: "the body is larger than \(limit >> 20) MiB: split the file, or import it with rsoctl import")
            }
            throw error
        }
        return try await use(path)
    }
}

/// A request body that fails once it has given more than `limit` bytes, and says so in `exceeded`.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let body: RequestBody
    let limit: Int
    let exceeded = NIOLockedValueBox(false)

    struct BeyondLimit: Error {}

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        let exceeded: NIOLockedValueBox<Bool>
        var total = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            total += buffer.readableBytes
            guard total <= limit else {
                exceeded.withLockedValue { $0 = true }
                throw BeyondLimit()
            }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: body.makeAsyncIterator(), limit: limit, exceeded: exceeded) }
}

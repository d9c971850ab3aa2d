import Hummingbird
import NIOCore

/// An export's rows, gathered into chunks of about 64 KiB before they are written: a write per row would cost a
/// syscall and a chunk header each. A chunk the client has not taken within `stallLimit` ends the export
/// (`ExportStalled`). Used by one task at a time (the store hands over one row at a time and waits, and a chunk's
/// write is awaited before the next row), hence unchecked.
final class ChunkedWriter: @unchecked Sendable {
    var writer: any ResponseBodyWriter
    private let stallLimit: Duration
    private var buffer = ByteBuffer()
    private(set) var items = 0
    /// Set when a chunk waited out `stallLimit`: the store reports its consumer's error in its own words.
    private(set) var stalled: ExportStalled?

    init(_ writer: any ResponseBodyWriter, stallLimit: Duration) {
        self.writer = writer
        self.stallLimit = stallLimit
    }

    func append(_ text: String) { buffer.writeString(text) }

    func write(_ item: String) async throws {
        buffer.writeString(item)
        items += 1
        if buffer.readableBytes >= 1 << 16 { try await flush() }
    }

    func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        let chunk = buffer
        buffer = ByteBuffer()
        let limit = stallLimit
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await self.writer.write(chunk); return true }
            group.addTask {
                try await RequestDeadline<APIRequestContext>.sleep(for: limit)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else {
                stalled = ExportStalled(limit: limit)
                throw ExportStalled(limit: limit)
            }
        }
    }
}

/// The client took no chunk of an export for this long: the export is stopped and its connection released.
struct ExportStalled: Error {
    let limit: Duration
}

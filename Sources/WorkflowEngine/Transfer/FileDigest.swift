import Crypto
import Foundation

/// The SHA-256 of a file, read a chunk at a time: what identifies "the same file" between two imports.
enum FileDigest {
    static func sha256(_ path: String) throws(WorkflowError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WorkflowError(.notFound, "cannot read \(path): no such file, or no permission to read it")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw WorkflowError(.notFound, "cannot read \(path): it could not be read to the end")
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().hex
    }
}

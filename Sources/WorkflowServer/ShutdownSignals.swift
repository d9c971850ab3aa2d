import Foundation

/// SIGTERM and SIGINT for a server: the first starts a graceful shutdown, a second ends the process at once (exit 128
/// plus the signal's number, as a shell reports it).
///
/// A plain handler, as rsoctl's own (`Interruption`): on Linux a dispatch source only hears a signal every thread
/// blocks, and the event loops started before it do not. The handler does only what a handler may: it writes the
/// signal's number to a pipe, which a thread of this type reads to call back outside the handler.
package final class ShutdownSignals: Sendable {
    nonisolated(unsafe) fileprivate static var pipeToReader: Int32 = -1
    nonisolated(unsafe) fileprivate static var received: Int32 = 0
    private let pipeEnds: (read: Int32, write: Int32)

    private init(pipeEnds: (read: Int32, write: Int32)) {
        self.pipeEnds = pipeEnds
    }

    /// Installs the handler; `onSignal` is told the first signal's name, on a thread of its own.
    static func install(_ onSignal: @escaping @Sendable (String) -> Void) -> ShutdownSignals {
        var ends: [Int32] = [-1, -1]
        _ = ends.withUnsafeMutableBufferPointer { pipe($0.baseAddress!) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        let signals = ShutdownSignals(pipeEnds: (readEnd, writeEnd))
        received = 0
        pipeToReader = writeEnd
        let reader = Thread {
            var number: UInt8 = 0
            while read(readEnd, &number, 1) == 1 {
                onSignal(Int32(number) == SIGINT ? "SIGINT" : "SIGTERM")
            }
            close(readEnd)
        }
        reader.name = "rso-shutdown-signals"
        reader.start()
        signal(SIGTERM, shutdownRequested)
        signal(SIGINT, shutdownRequested)
        unblockInterruptions()
        return signals
    }

    /// A parent may have started this process with SIGINT and SIGTERM blocked (a thread's mask is inherited):
    /// unblocked here, so that at least the calling thread takes them.
    package static func unblockInterruptions() {
        var both = sigset_t()
        sigemptyset(&both)
        sigaddset(&both, SIGINT)
        sigaddset(&both, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &both, nil)
    }

    /// Back to the default action (a signal while the pool closes ends the process); the reader thread ends.
    func uninstall() {
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
        Self.pipeToReader = -1
        close(pipeEnds.write)
    }
}

/// The signal handler: async-signal-safe calls only.
private func shutdownRequested(_ number: Int32) {
    ShutdownSignals.received += 1
    guard ShutdownSignals.received == 1, ShutdownSignals.pipeToReader >= 0 else { _exit(128 + number) }
    var byte = UInt8(truncatingIfNeeded: number)
    _ = write(ShutdownSignals.pipeToReader, &byte, 1)
}

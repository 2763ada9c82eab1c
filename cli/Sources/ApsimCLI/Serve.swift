import ApsimCore
import ArgumentParser
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// `apsim serve`: the world behind a loopback HTTP/1.1 endpoint that every AWS SDK and the AWS CLI
/// can use unchanged (`--endpoint-url http://127.0.0.1:27746`).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve EFS (rest-json) and FSx (JSON 1.1) on one HTTP port, plus control endpoints under /_apsim/.",
        discussion: """
            Any AWS SDK or the AWS CLI works unchanged with --endpoint-url http://HOST:PORT. The account comes from \
            a 12-digit access key ID, the region from the request's SigV4 credential scope, else the configured \
            defaults. Control endpoints: POST /_apsim/<Operation> (Reset, AdvanceClock, InjectFault, ExportState, \
            ...) and GET /_apsim/health. SIGTERM or SIGINT: stop accepting, finish in-flight requests, exit 0.

            The clock is real here by default (it follows the monotonic clock from --start-time, so SDK retries \
            and waiters see time pass); --clock virtual freezes it between apsim:AdvanceClock calls. With \
            --state-file, serve holds the file for as long as it runs: another process that opens it is refused \
            (apsim call waits --lock-timeout seconds first); apsim state export copies it meanwhile.
            """ + "\n\n" + DeclaredOptions.help)

    /// 27746 spells APSIM on a phone keypad (4566 is LocalStack's).
    static let defaultPort = 27746

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "The port to listen on, 0 to 65535 (0: any free port, printed at start).")
    var port = Serve.defaultPort
    @Option(help: "Requests with a larger body get 413.") var maxBodyBytes = JSONLimits.maxBytes
    @Option(help: "trace, debug, info (one line per request: method, path, operation, status, error code, account, region, µs), notice, warning, error or critical.")
    var logLevel = "notice"
    @Option(help: "Worker threads that run calls (default: the number of cores).") var threads: Int?
    @OptionGroup var world: WorldOptions

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be 0 to 65535 (0: any free port), not \(port)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    }

    func run() throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "apsim")
        // SIGTERM and SIGINT are blocked before any thread exists (threads inherit the mask), so
        // they stay pending until the main thread takes them with sigwait: a signal sent the
        // moment the ready line is out is never lost. (A Dispatch signal source installed its
        // handler asynchronously: a SIGTERM right after the ready line was sometimes ignored.)
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        let world = try world.world(defaultClock: "real")  // its clients wait in real time
        try Server(world: world, logger: logger, maxBodyBytes: maxBodyBytes, threads: Swift.max(1, threads ?? System.coreCount))
            .run(host: host, port: port, stopSignals: stopSignals)
    }
}

/// The server: NIO event loops parse HTTP; calls run on a thread pool (a state file's fsync must
/// not stall the event loops); every request goes through `World.http`, the same wire protocol as
/// `apsim_http`.
final class Server: Sendable {
    let world: World
    let logger: Logger
    let maxBodyBytes: Int
    /// Requests being answered (waited for at shutdown).
    let inFlight = NIOLockedValueBox(0)
    let group: MultiThreadedEventLoopGroup
    let pool: NIOThreadPool

    init(world: World, logger: Logger, maxBodyBytes: Int, threads: Int) {
        (self.world, self.logger, self.maxBodyBytes) = (world, logger, maxBodyBytes)
        group = MultiThreadedEventLoopGroup(numberOfThreads: Swift.min(threads, 2))
        pool = NIOThreadPool(numberOfThreads: threads)
    }

    /// Serves until one of `stopSignals` (blocked in every thread) arrives.
    func run(host: String, port: Int, stopSignals: sigset_t) throws {
        pool.start()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(HTTPHandler(server: self))
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            printError("Error: cannot listen on \(host):\(port): \(Server.describe(bindError: error, port: port))")
            throw Failure(code: 1)
        }
        let bound = channel.localAddress?.port ?? port
        // The one line a script waits for.
        print("apsim \(apsimVersion) serving on http://\(host):\(bound)")
        fflush(nil)
        logger.notice("listening", metadata: ["host": "\(host)", "port": "\(bound)"])
        var stopSignals = stopSignals
        var received: Int32 = 0
        while sigwait(&stopSignals, &received) != 0 {}
        logger.notice("shutting down: no new connections; finishing in-flight requests")
        try? channel.close().wait()
        // In-flight calls finish (each has written the state file, if any, before it answers).
        for _ in 0..<1000 where inFlight.withLockedValue({ $0 }) > 0 { usleep(10_000) }
        try? pool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
        logger.notice("stopped")
    }

    /// Why a bind failed, in words (and what to do about it).
    static func describe(bindError error: Error, port: Int) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE: return "the address is already in use (another apsim serve?); choose another --port, or --port 0 for any free port."
            case EACCES: return "permission denied (ports below 1024 need privileges); choose a --port from 1024, or --port 0 for any free port."
            case EADDRNOTAVAIL: return "that address is not one of this machine's; use --host 127.0.0.1, 0.0.0.0 or an address of this machine."
            default: return "\(String(cString: strerror(io.errnoCode))) (errno \(io.errnoCode)); --port 0 picks any free port."
            }
        }
        if error is SocketAddressError || error is SocketAddressError.UnknownHost {
            return "the host cannot be resolved; use an IP address such as 127.0.0.1, or a name of this machine such as localhost."
        }
        return "\(error)"
    }

    /// Answers one complete request (on the thread pool).
    func answer(_ head: HTTPRequestHead, _ body: ByteBuffer?) -> HTTPResponse {
        var bytes = body ?? ByteBuffer()
        let raw = bytes.readBytes(length: bytes.readableBytes) ?? []
        var request = HTTPRequest(method: head.method.rawValue, path: head.uri,
                                  headers: head.headers.map { (name: $0.name, value: $0.value) })
        guard let text = String(validating: raw, as: UTF8.self) else {
            return Wire.refuse(request, RuntimeError.serialization("The request body is not valid UTF-8."))
        }
        request.body = text
        return world.http(request)
    }
}

/// One connection: collects a request, hands it to the pool, writes the response.
final class HTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let server: Server
    var head: HTTPRequestHead?
    var body: ByteBuffer?
    var tooLarge = false
    /// The request's Content-Length was over the limit: 413 went out as soon as its head came,
    /// and its body is read and dropped (the connection then goes on, as with any answer).
    var refusedEarly = false

    init(server: Server) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = nil
            tooLarge = false
            if let length = h.headers.first(name: "Content-Length").flatMap(Int.init), length > server.maxBodyBytes {
                // Answered at once. A client that waits for 100-continue will not send the body,
                // so that connection closes; any other's body is read and dropped.
                head = nil
                refusedEarly = true
                let closing = h.headers["Expect"].contains { $0.lowercased() == "100-continue" }
                write(context, h, tooLargeResponse(), NIODeadline.now(), close: closing)
            }
        case .body(var chunk):
            guard !tooLarge, !refusedEarly else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > server.maxBodyBytes {
                tooLarge = true
                body = nil
            } else if body == nil {
                body = chunk
            } else {
                body?.writeBuffer(&chunk)
            }
        case .end:
            if refusedEarly {
                refusedEarly = false
                return
            }
            guard let head else { return }
            self.head = nil
            let started = NIODeadline.now()
            if tooLarge {
                write(context, head, tooLargeResponse(), started)
                return
            }
            let body = self.body
            self.body = nil
            let server = self.server
            server.inFlight.withLockedValue { $0 += 1 }
            let loop = context.eventLoop
            let contextBox = NIOLoopBound(context, eventLoop: loop)
            server.pool.submit { _ in
                let response = server.answer(head, body)
                loop.execute {
                    self.write(contextBox.value, head, response, started)
                    server.inFlight.withLockedValue { $0 -= 1 }
                }
            }
        }
    }

    /// 413, for a body over --max-body-bytes (chunked, or announced by its Content-Length).
    func tooLargeResponse() -> HTTPResponse {
        let message = "The request body is larger than \(server.maxBodyBytes) bytes."
        var response = HTTPResponse(status: 413, headers: [("Content-Type", "application/json")],
                                    body: #"{"__type":"RequestEntityTooLarge","Message":"\#(message)"}"#)
        response.errorCode = "RequestEntityTooLarge"
        return response
    }

    /// Writes `response`; `close` ends the connection after it, whatever the request asked.
    func write(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ response: HTTPResponse, _ started: NIODeadline,
               close: Bool = false) {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.utf8.count))
        let keepAlive = head.isKeepAlive && !close
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let responseHead = HTTPResponseHead(version: head.version, status: .init(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.utf8.count)
        buffer.writeString(response.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.whenComplete { _ in context.close(promise: nil) } }
        let micros = (NIODeadline.now() - started).nanoseconds / 1000
        if server.logger.logLevel <= .info {
            server.logger.info("\(HTTPHandler.logLine(head.method.rawValue, head.uri, response, micros: micros))")
        }
    }

    /// One request as the info log shows it: `POST /2015-02-01/access-points efs:CreateAccessPoint
    /// 404 FileSystemNotFound 123456789012 us-east-1 412µs` (`-` for what the request did not have).
    static func logLine(_ method: String, _ uri: String, _ response: HTTPResponse, micros: Int64) -> String {
        let none = "-"
        let operation: String = response.operation ?? none, code: String = response.errorCode ?? none
        let account: String = response.account ?? none, region: String = response.region ?? none
        let fields: [String] = [method, uri, operation, String(response.status), code, account, region, String(micros) + "µs"]
        return fields.joined(separator: " ")
    }
}

internal import Logging
internal import NIOSSL
internal import SluiceConfig
internal import Synchronization

/// The listener's TLS context, replaced when its files change: new connections get the new
/// certificate, open ones keep theirs. A replacement that does not load (a key that does not
/// match, a half-written file) is logged and the current context stays.
///
/// TLS 1.2 and 1.3 only, with NIOSSL's default (forward-secret, AEAD) cipher suites, offering
/// HTTP/2 and HTTP/1.1 by ALPN (``TLSListenerChannel``). With a
/// client CA, a client must present a certificate that CA signed.
final class ListenerCertificates: Sendable {
    private struct Loaded {
        var context: NIOSSLContext
        var stamps: [FileStamp?]
    }

    let files: TLSFiles
    private let loaded: Mutex<Loaded>

    /// - Throws: ``TLSLoadingError`` naming the file that could not be used.
    init(files: TLSFiles) throws {
        self.files = files
        loaded = Mutex(try Self.load(files))
    }

    /// The context for a new connection.
    var context: NIOSSLContext { loaded.withLock { $0.context } }

    /// Loads the files again if any changed (`force`: even if none did); says what happened.
    func reload(force: Bool = false, logger: Logger) {
        let stamps = Self.stamps(of: files)
        guard force || loaded.withLock({ $0.stamps != stamps }) else { return }
        do {
            let fresh = try Self.load(files)
            loaded.withLock { $0 = fresh }
            logger.notice("loaded the listener's TLS certificate", metadata: ["cert_file": "\(files.certificateFile)"])
        } catch {
            // Remember the stamps, so a broken pair is reported once rather than on every poll.
            loaded.withLock { $0.stamps = stamps }
            logger.error(
                "the new TLS certificate was not loaded; the previous one stays in use", metadata: ["error": "\(error)"])
        }
    }

    private static func load(_ files: TLSFiles) throws -> Loaded {
        let stamps = stamps(of: files)
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateFile)
        } catch {
            throw TLSLoadingError("cannot read the certificate \(files.certificateFile): \(error)")
        }
        guard !chain.isEmpty else { throw TLSLoadingError("\(files.certificateFile) holds no certificate") }
        do {
            key = try NIOSSLPrivateKey(file: files.keyFile, format: .pem)
        } catch {
            throw TLSLoadingError("cannot read the private key \(files.keyFile): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["h2", "http/1.1"]
        if let clientCA = files.clientCAFile {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
            } catch {
                throw TLSLoadingError("cannot read the client CA \(clientCA): \(error)")
            }
            configuration.certificateVerification = .noHostnameVerification
        }
        do {
            return Loaded(context: try NIOSSLContext(configuration: configuration), stamps: stamps)
        } catch {
            throw TLSLoadingError(
                "the certificate \(files.certificateFile) and key \(files.keyFile) cannot be used together: \(error)")
        }
    }

    private static func stamps(of files: TLSFiles) -> [FileStamp?] {
        [files.certificateFile, files.keyFile, files.clientCAFile].compactMap { $0 }.map(FileStamp.init(path:))
    }
}

/// Why the listener's certificate or key could not be used.
struct TLSLoadingError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

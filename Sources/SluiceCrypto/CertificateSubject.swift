internal import CCrypto

/// The subject of an X.509 certificate, through libcrypto.
public enum CertificateSubject {
    /// The subject of the DER certificate `der` as RFC 2253 writes it (`CN=alice,O=Example`), or
    /// `nil` when `der` is not a certificate.
    public static func distinguishedName(ofDER der: [UInt8]) -> String? {
        der.withUnsafeBufferPointer { bytes -> String? in
            var cursor: UnsafePointer<UInt8>? = bytes.baseAddress
            guard let certificate = d2i_X509(nil, &cursor, bytes.count) else { return nil }
            defer { X509_free(certificate) }
            guard let name = X509_get_subject_name(certificate), let memory = BIO_new(BIO_s_mem()) else { return nil }
            defer { BIO_free(memory) }
            guard X509_NAME_print_ex(memory, name, 0, sluice_xn_flag_rfc2253) >= 0 else { return nil }
            var text = [UInt8](repeating: 0, count: 1024)
            let count = BIO_read(memory, &text, Int32(text.count))
            return count > 0 ? String(decoding: text.prefix(Int(count)), as: UTF8.self) : ""
        }
    }
}

// Certificates for TLS tests, made fresh by each test with OpenSSL: a CA,
// a server certificate for the loopback addresses signed by it, and a client
// certificate for mutual TLS signed by it.
#pragma once

#include <filesystem>
#include <string>

namespace acedt_test {

/// PEM files of one test PKI. Keys are ECDSA P-256 and unencrypted;
/// certificates are valid from an hour ago for two days.
struct TestPki {
    std::filesystem::path ca_certificate;
    std::filesystem::path server_certificate;  // subjectAltName 127.0.0.1, 127.0.0.2 and localhost
    std::filesystem::path server_key;
    std::filesystem::path client_certificate;  // extendedKeyUsage clientAuth
    std::filesystem::path client_key;

    /// Writes ca.pem, server.pem, server-key.pem, client.pem and
    /// client-key.pem into `directory`, which must exist. Throws
    /// std::runtime_error when OpenSSL fails.
    static TestPki create(const std::filesystem::path &directory);
};

/// An RSA key and a self-signed certificate for it, as PEM text, for
/// signing tokens. The certificate allows digital signatures.
struct SigningIdentity {
    std::string key_pem;
    std::string certificate_pem;
    std::string certificate_der;  // the same certificate, DER encoded

    /// Generates a 2048-bit RSA key and a certificate with `common_name`.
    static SigningIdentity create(const std::string &common_name);
};

/// Signs `data` with RSASSA-PKCS1-v1_5 and SHA-256 (JWS "RS256") using the
/// PEM private key. Returns the raw signature.
std::string sign_rs256(const std::string &key_pem, const std::string &data);

}  // namespace acedt_test

#include <acedt_test/pki.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <stdexcept>

namespace acedt_test {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

constexpr long kValidBeforeSeconds = 60 * 60;
constexpr long kValidAfterSeconds = 2 * 24 * 60 * 60;

void check(bool ok, const char *what) {
    if (!ok) {
        throw std::runtime_error(std::string("OpenSSL failed to ") + what);
    }
}

Key make_ec_key() {
    Key key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
    check(key != nullptr, "generate an EC key");
    return key;
}

Key make_rsa_key() {
    Key key(EVP_RSA_gen(2048), &EVP_PKEY_free);
    check(key != nullptr, "generate an RSA key");
    return key;
}

void add_extension(X509 *certificate, X509 *issuer, int nid, const char *value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    X509_EXTENSION *extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    check(extension != nullptr, "build a certificate extension");
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
}

// Makes an unsigned certificate for `key` named `common_name`, issued by
// `issuer` (self-issued when it is null); sign() completes it.
Certificate issue(EVP_PKEY *key, const std::string &common_name, X509 *issuer) {
    Certificate certificate(X509_new(), &X509_free);
    check(certificate != nullptr, "allocate a certificate");
    X509_set_version(certificate.get(), 2);

    unsigned char serial_bytes[16];
    RAND_bytes(serial_bytes, sizeof serial_bytes);
    serial_bytes[0] &= 0x7f;
    BIGNUM *serial = BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr);
    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(certificate.get()));
    BN_free(serial);

    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -kValidBeforeSeconds);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), kValidAfterSeconds);
    X509_set_pubkey(certificate.get(), key);

    X509_NAME *name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(common_name.c_str()),
                               -1, -1, 0);
    X509_set_issuer_name(certificate.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
    return certificate;
}

void sign(X509 *certificate, EVP_PKEY *issuer_key) {
    check(X509_sign(certificate, issuer_key, EVP_sha256()) > 0, "sign a certificate");
}

std::string key_to_pem(EVP_PKEY *key) {
    Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "write a key");
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

std::string certificate_to_pem(X509 *certificate) {
    Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
    check(PEM_write_bio_X509(bio.get(), certificate) == 1, "write a certificate");
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

void write_text(const std::filesystem::path &path, const std::string &text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
        throw std::runtime_error("failed to write " + path.string());
    }
}

}  // namespace

TestPki TestPki::create(const std::filesystem::path &directory) {
    const Key ca_key = make_ec_key();
    const Certificate ca = issue(ca_key.get(), "ace-dt test CA", nullptr);
    add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    sign(ca.get(), ca_key.get());

    const Key server_key = make_ec_key();
    const Certificate server = issue(server_key.get(), "127.0.0.1", ca.get());
    add_extension(server.get(), ca.get(), NID_subject_alt_name, "IP:127.0.0.1,IP:127.0.0.2,DNS:localhost");
    add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_extension(server.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
    sign(server.get(), ca_key.get());

    const Key client_key = make_ec_key();
    const Certificate client = issue(client_key.get(), "ace-dt test client", ca.get());
    add_extension(client.get(), ca.get(), NID_ext_key_usage, "clientAuth");
    add_extension(client.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
    sign(client.get(), ca_key.get());

    TestPki pki;
    pki.ca_certificate = directory / "ca.pem";
    pki.server_certificate = directory / "server.pem";
    pki.server_key = directory / "server-key.pem";
    pki.client_certificate = directory / "client.pem";
    pki.client_key = directory / "client-key.pem";
    write_text(pki.ca_certificate, certificate_to_pem(ca.get()));
    write_text(pki.server_certificate, certificate_to_pem(server.get()));
    write_text(pki.server_key, key_to_pem(server_key.get()));
    write_text(pki.client_certificate, certificate_to_pem(client.get()));
    write_text(pki.client_key, key_to_pem(client_key.get()));
    return pki;
}

SigningIdentity SigningIdentity::create(const std::string &common_name) {
    const Key key = make_rsa_key();
    const Certificate certificate = issue(key.get(), common_name, nullptr);
    add_extension(certificate.get(), certificate.get(), NID_key_usage, "critical,digitalSignature");
    sign(certificate.get(), key.get());

    SigningIdentity identity;
    identity.key_pem = key_to_pem(key.get());
    identity.certificate_pem = certificate_to_pem(certificate.get());
    unsigned char *der = nullptr;
    const int length = i2d_X509(certificate.get(), &der);
    check(length > 0, "encode a certificate");
    identity.certificate_der.assign(reinterpret_cast<char *>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return identity;
}

std::string sign_rs256(const std::string &key_pem, const std::string &data) {
    Bio bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), &BIO_free);
    const Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    check(key != nullptr, "read a private key");

    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    check(EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1, "start a signature");
    std::size_t length = 0;
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.data());
    check(EVP_DigestSign(context.get(), nullptr, &length, bytes, data.size()) == 1, "size a signature");
    std::string signature(length, '\0');
    check(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, bytes,
                         data.size()) == 1,
          "sign");
    signature.resize(length);
    return signature;
}

}  // namespace acedt_test

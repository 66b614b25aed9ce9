// Per-host TLS files in certs.d directories, as docker and containerd read
// them: ROOT/HOST[:PORT]/ca.crt or ca.pem (trusted CAs), and
// client.cert with client.key or cert.pem with key.pem (a client
// certificate for mutual TLS).
#pragma once

#include "http_transport.hpp"

#include <string>
#include <vector>

namespace acedt::oci {

// /etc/containerd/certs.d, /etc/docker/certs.d and, when HOME is set,
// $HOME/.docker/certs.d.
std::vector<std::string> default_certificate_directories();

// The TLS files for `origin` ("https://host[:port]") under each root, in
// order. CA files of every root are collected; the client certificate comes
// from the first directory that has one. Throws Error naming the directory
// when a certificate or key lacks its partner file.
http::TlsOptions find_host_certificates(const std::vector<std::string> &roots, const std::string &origin);

}  // namespace acedt::oci

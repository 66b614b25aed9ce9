// Error type of the OCI library. Every fallible function of the library
// throws acedt::oci::Error (or a subclass) with a message that names the
// failing value; callers at the plugin boundary turn it into an exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace acedt::oci {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The requested manifest, tag or blob does not exist at the source.
class NotFoundError : public Error {
public:
    using Error::Error;
};

// Thrown by long operations that noticed the user pressed Ctrl-C.
class InterruptedError : public Error {
public:
    InterruptedError() : Error("interrupted") {}
};

}  // namespace acedt::oci

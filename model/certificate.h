#pragma once
// Reading the public facts of an X.509 certificate (names, issuer, validity). Private keys are
// never parsed or kept.

#include "model/objects.h"

#include <string_view>

namespace hs::model {

// Parses the first PEM certificate in `pem`. On failure, `error` says why and the rest is empty.
CertificateInfo readCertificate(std::string_view pem);

}  // namespace hs::model

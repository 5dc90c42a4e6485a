#pragma once
// Validation as the Kubernetes API server (and, for Gateway API, the CRD schemas and CEL rules)
// applies it on create. Each finding names the field by its API path so callers can locate it in
// a document (locateField) or show it for a live object.

#include "model/decode.h"

#include <string>
#include <string_view>
#include <vector>

namespace hs::model {

struct Finding {
    Severity severity = Severity::Error;
    std::string field;  // "spec.rules[0].http.paths[1].path"
    std::string message;
    std::string code;  // stable id, e.g. "ingress.path.absolute"
};

std::vector<Finding> validateObject(const AnyObject& object);
std::vector<Finding> validateLegacyEndpoints(const LegacyEndpoints& endpoints);

// The API machinery's name and value checks; each returns an empty string when valid, else the
// reason (the API server's wording, shortened).
namespace names {
std::string dns1123Subdomain(std::string_view s);
std::string dns1123Label(std::string_view s);
std::string dns1035Label(std::string_view s);
std::string wildcardDns1123Subdomain(std::string_view s);
std::string portName(std::string_view s);  // IANA_SVC_NAME
std::string labelKey(std::string_view s);  // qualified name
std::string labelValue(std::string_view s);
bool isIP(std::string_view s);
bool isIPv4(std::string_view s);
bool isIPv6(std::string_view s);
}  // namespace names

}  // namespace hs::model

#pragma once
// API server error responses. Failures come back as meta/v1 Status objects (apimachinery
// pkg/apis/meta/v1/types.go: status, message, reason, details, code) both as HTTP error bodies
// and inside watch streams (`ERROR` events). These functions turn them into Errors whose messages
// say what the user cannot do and why, e.g.
//   cannot list pods in namespace team-b: User "jane" cannot list resource "pods" in API group ""
//   in the namespace "team-b"

#include "kubeclient/result.h"

#include <optional>
#include <string>
#include <string_view>

namespace hs::kube {

struct ApiStatus {
    std::string status;  // Success / Failure
    std::string message;
    std::string reason;  // Forbidden, NotFound, Expired, Gone, Unauthorized, TooManyRequests, ...
    int code = 0;
    std::string detailsKind;
    std::string detailsName;
    std::string detailsGroup;
    int retryAfterSeconds = 0;
};

// Parses a JSON Status object; nullopt when the text is not one.
std::optional<ApiStatus> parseStatus(std::string_view json);

// `what` names the attempted operation for the message: "list pods in namespace team-b",
// "watch ingresses", "get secret shop/shop-tls".
Error statusError(const ApiStatus& status, int httpStatus, const std::string& what);

// An Error from a non-2xx HTTP response whose body may or may not be a Status.
Error httpError(long httpStatus, std::string_view body, const std::string& what);

// The ErrorCode for an HTTP status and Status reason.
ErrorCode errorCodeFor(int httpStatus, std::string_view reason);

}  // namespace hs::kube

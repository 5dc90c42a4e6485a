#include "kubeclient/result.h"

namespace hs::kube {

const char* errorCodeName(ErrorCode c) {
    switch (c) {
    case ErrorCode::Config: return "config";
    case ErrorCode::Credentials: return "credentials";
    case ErrorCode::Tls: return "tls";
    case ErrorCode::Network: return "network";
    case ErrorCode::Timeout: return "timeout";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::Unauthorized: return "unauthorized";
    case ErrorCode::Forbidden: return "forbidden";
    case ErrorCode::NotFound: return "not-found";
    case ErrorCode::Expired: return "expired";
    case ErrorCode::TooManyRequests: return "too-many-requests";
    case ErrorCode::Server: return "server";
    case ErrorCode::BadRequest: return "bad-request";
    case ErrorCode::Protocol: return "protocol";
    case ErrorCode::Internal: return "internal";
    }
    return "internal";
}

bool Error::transient() const {
    switch (code) {
    case ErrorCode::Network:
    case ErrorCode::Timeout:
    case ErrorCode::TooManyRequests:
    case ErrorCode::Server:
    case ErrorCode::Expired:
    case ErrorCode::Protocol:  // a truncated stream reads as garbage; the next attempt usually works
        return true;
    default: return false;
    }
}

Error makeError(ErrorCode code, std::string message) {
    Error e;
    e.code = code;
    e.message = std::move(message);
    return e;
}

}  // namespace hs::kube

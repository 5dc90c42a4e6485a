#pragma once
// Errors as values for the live-cluster client. Every fallible call in kubeclient returns a
// Result<T>: either the value or an Error carrying a user-facing message (located as
// `file:line:col` when it comes from a kubeconfig) and enough structure for callers to react
// (retry on Network, relist on Expired, report and carry on after Forbidden). Exceptions from
// yaml-cpp, libcurl callbacks or the standard library never leave the module.

#include <string>
#include <utility>
#include <variant>

namespace hs::kube {

enum class ErrorCode {
    Config,  // kubeconfig missing, unparsable or invalid
    Credentials,  // a credential could not be obtained (exec plugin failed, token file unreadable)
    Tls,  // certificate verification or client-certificate problems
    Network,  // connection refused/reset, DNS, proxy: worth retrying
    Timeout,  // a request or exec plugin took too long
    Cancelled,  // stop() or an explicit cancel
    Unauthorized,  // HTTP 401 after refreshing credentials
    Forbidden,  // HTTP 403 (RBAC): report what cannot be seen, keep the rest
    NotFound,  // HTTP 404
    Expired,  // HTTP 410 / Status reason Expired or Gone: relist
    TooManyRequests,  // HTTP 429: back off and retry
    Server,  // other 5xx
    BadRequest,  // other 4xx (Invalid, BadRequest, MethodNotAllowed, ...)
    Protocol,  // the server answered something we cannot read
    Internal,  // a bug or resource exhaustion on our side
};

const char* errorCodeName(ErrorCode c);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  // complete, user-facing; never contains a secret
    int httpStatus = 0;  // when the error came from an HTTP response
    std::string reason;  // Status.reason from the API server (Forbidden, Expired, ...)

    // Errors worth retrying with backoff (the condition may clear by itself).
    bool transient() const;
};

Error makeError(ErrorCode code, std::string message);

// A minimal expected<T, Error>. C++20 has no std::expected, and the project forbids exceptions
// across module boundaries, so this is what crosses them.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() & { return std::get<0>(v_); }
    const T& operator*() const& { return std::get<0>(v_); }

    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const& { return error_; }
    Error&& error() && { return std::move(error_); }

private:
    Error error_;
    bool ok_ = true;
};

}  // namespace hs::kube

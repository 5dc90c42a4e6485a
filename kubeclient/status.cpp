#include "kubeclient/status.h"

#include "kubeclient/util.h"

#include <simdjson.h>

namespace hs::kube {

namespace {
std::string getString(simdjson::dom::element e, std::string_view key) {
    std::string_view v;
    if (e[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
    return {};
}
}  // namespace

std::optional<ApiStatus> parseStatus(std::string_view json) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) return std::nullopt;
    if (!root.is_object()) return std::nullopt;
    if (getString(root, "kind") != "Status") return std::nullopt;
    ApiStatus s;
    s.status = getString(root, "status");
    s.message = getString(root, "message");
    s.reason = getString(root, "reason");
    int64_t code = 0;
    if (root["code"].get_int64().get(code) == simdjson::SUCCESS) s.code = static_cast<int>(code);
    simdjson::dom::element details;
    if (root["details"].get(details) == simdjson::SUCCESS && details.is_object()) {
        s.detailsKind = getString(details, "kind");
        s.detailsName = getString(details, "name");
        s.detailsGroup = getString(details, "group");
        int64_t ra = 0;
        if (details["retryAfterSeconds"].get_int64().get(ra) == simdjson::SUCCESS)
            s.retryAfterSeconds = static_cast<int>(ra);
    }
    return s;
}

ErrorCode errorCodeFor(int httpStatus, std::string_view reason) {
    if (reason == "Expired" || reason == "Gone" || httpStatus == 410) return ErrorCode::Expired;
    if (httpStatus == 401 || reason == "Unauthorized") return ErrorCode::Unauthorized;
    if (httpStatus == 403 || reason == "Forbidden") return ErrorCode::Forbidden;
    if (httpStatus == 404 || reason == "NotFound") return ErrorCode::NotFound;
    if (httpStatus == 429 || reason == "TooManyRequests") return ErrorCode::TooManyRequests;
    if (httpStatus == 504 || reason == "Timeout") return ErrorCode::Timeout;
    if (httpStatus >= 500) return ErrorCode::Server;
    if (httpStatus >= 400) return ErrorCode::BadRequest;
    return ErrorCode::Protocol;
}

Error statusError(const ApiStatus& st, int httpStatus, const std::string& what) {
    int code = st.code ? st.code : httpStatus;
    Error e;
    e.code = errorCodeFor(code, st.reason);
    e.httpStatus = code;
    e.reason = st.reason;
    std::string msg = st.message;
    switch (e.code) {
    case ErrorCode::Forbidden: {
        // "pods is forbidden: User \"jane\" cannot list ..." — the prefix repeats what `what` says.
        auto pos = msg.find(" is forbidden: ");
        if (pos != std::string::npos) msg = msg.substr(pos + 15);
        e.message = "cannot " + what + ": " + (msg.empty() ? std::string("forbidden") : msg);
        break;
    }
    case ErrorCode::Unauthorized:
        e.message = "cannot " + what + ": the API server rejected the credentials (401 Unauthorized" +
            (msg.empty() || msg == "Unauthorized" ? std::string(")") : "): " + msg);
        break;
    case ErrorCode::Expired:
        e.message = "cannot " + what + ": the resource version is too old (410 " +
            (st.reason.empty() ? std::string("Gone") : st.reason) + ")" + (msg.empty() ? "" : ": " + msg);
        break;
    case ErrorCode::NotFound:
        e.message = "cannot " + what + ": not found" + (msg.empty() ? "" : " (" + msg + ")");
        break;
    default:
        e.message = "cannot " + what + ": " + std::to_string(code) + (st.reason.empty() ? "" : " " + st.reason) +
            (msg.empty() ? "" : ": " + msg);
    }
    return e;
}

Error httpError(long httpStatus, std::string_view body, const std::string& what) {
    if (auto st = parseStatus(body)) return statusError(*st, static_cast<int>(httpStatus), what);
    ApiStatus st;
    st.code = static_cast<int>(httpStatus);
    // Not a Status (a proxy's HTML page, plain text): show a short, single-line excerpt.
    std::string excerpt(trimSpace(body.substr(0, 200)));
    for (char& c : excerpt)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (body.size() > 200) excerpt += "…";
    st.message = excerpt;
    return statusError(st, static_cast<int>(httpStatus), what);
}

}  // namespace hs::kube

#include "app/gui/request_form.h"

namespace hs::gui {

namespace {

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

BuiltRequest buildRequest(const RequestForm& form) {
    BuiltRequest out;
    std::string url = trimmed(form.url);
    if (url.empty()) {
        out.error = "Type a URL, e.g. https://shop.example.com/api/v2/orders";
        return out;
    }
    sim::ParsedUrl p = sim::parseUrl(url);
    if (!p.error.empty()) {
        out.error = "URL: " + p.error;
        return out;
    }
    out.request = std::move(p.request);
    std::string method = trimmed(form.method);
    if (!method.empty()) out.request.method = method;
    std::string_view rest = form.headers;
    int lineNo = 0;
    while (!rest.empty()) {
        auto nl = rest.find('\n');
        std::string line = trimmed(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        ++lineNo;
        if (line.empty()) continue;
        auto colon = line.find(':');
        if (colon == std::string::npos || colon == 0) {
            out.error = "Header line " + std::to_string(lineNo) + " \"" + line + "\": expected Name: value";
            return out;
        }
        std::string name = trimmed(std::string_view(line).substr(0, colon));
        std::string value = trimmed(std::string_view(line).substr(colon + 1));
        if (sim::iequals(name, "host"))
            out.request.host = value;
        else
            out.request.headers.push_back({name, value});
    }
    std::string cookies;
    std::string_view c = form.cookies;
    while (!c.empty()) {
        auto semi = c.find(';');
        std::string one = trimmed(c.substr(0, semi));
        c = semi == std::string_view::npos ? std::string_view{} : c.substr(semi + 1);
        if (one.empty()) continue;
        if (one.find('=') == std::string::npos || one.front() == '=') {
            out.error = "Cookie \"" + one + "\": expected name=value";
            return out;
        }
        cookies += (cookies.empty() ? "" : "; ") + one;
    }
    if (!cookies.empty()) out.request.headers.push_back({"Cookie", cookies});
    std::string ip = trimmed(form.clientIP);
    if (!ip.empty()) out.request.clientIP = ip;
    return out;
}

std::string outcomeSummary(const sim::Decision& d) {
    std::string s = sim::outcomeName(d.outcome);
    if (d.status) s += ' ' + std::to_string(d.status);
    if (!d.redirectLocation.empty()) s += " → " + d.redirectLocation;
    if (!d.service.empty())
        s += " · Service " + d.service + (d.servicePort ? ":" + std::to_string(d.servicePort) : std::string());
    if (d.canary) s += " (canary)";
    if (!d.endpoint.empty()) s += " · " + d.endpoint;
    if (!d.pod.empty()) s += " · Pod " + d.pod;
    if (!d.node.empty()) s += " on " + d.node;
    if (!d.upstreamPath.empty()) s += " · upstream path " + d.upstreamPath;
    return s;
}

}  // namespace hs::gui

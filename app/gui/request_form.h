#pragma once
// What the request panel's fields mean, as plain C++ (no widgets): the typed URL, method,
// header lines, cookies and client address become a sim::Request the way `hopscope-cli route`
// builds one (the URL through sim::parseUrl, a Host header replacing the URL's host), and a
// Decision becomes the one-line summary the panel and the CLI both show.

#include "simulator/decision.h"
#include "simulator/request.h"

#include <string>

namespace hs::gui {

struct RequestForm {
    std::string url;
    std::string method = "GET";
    std::string headers;  // one "Name: value" per line; blank lines ignored
    std::string cookies;  // "name=value; other=value"
    std::string clientIP;  // empty = the engine's default
};

struct BuiltRequest {
    sim::Request request;
    std::string error;  // non-empty: which field is wrong and how to fix it
};

BuiltRequest buildRequest(const RequestForm& form);

// "routed · Service shop/api:80 · 10.244.1.12:8080 · Pod shop/api-1 on node-a", "redirect 308 → https://…"
std::string outcomeSummary(const sim::Decision& d);

}  // namespace hs::gui

#pragma once
// A request as Hopscope routes it: what a client sends (method, scheme, Host, request target,
// headers, cookies) plus where it comes from (client IP, arrival time). Built from a URL typed
// by hand, a trace line, or a HAR entry.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hs::sim {

struct Header {
    std::string name;  // as sent
    std::string value;
};

struct Request {
    std::string method = "GET";
    std::string scheme = "http";  // "http" or "https": which listener the request arrived on
    std::string host;  // the Host header as sent (may carry a port); empty = no Host
    std::string sni;  // TLS server name (https); empty = derive from host
    std::string target = "/";  // request-target as sent: "/path?query" (origin form)
    std::vector<Header> headers;  // all other headers (Cookie, X-Canary, ...)
    std::string clientIP = "203.0.113.10";
    std::int64_t timeNs = 0;  // arrival time, for replays (integer nanoseconds)

    std::string_view path() const;  // target up to '?' or '#'
    std::string_view query() const;  // after '?', without the fragment; empty when none
    // Header value by case-insensitive name (first occurrence), nullptr when absent.
    const std::string* header(std::string_view name) const;
    // Cookie value by exact name from the Cookie header(s); nullopt when absent.
    std::optional<std::string_view> cookie(std::string_view name) const;
    // Query argument by exact name (first occurrence, raw), nullopt when absent.
    std::optional<std::string_view> arg(std::string_view name) const;
    // The host without port and trailing dot, lowercased (nginx's $host before server match).
    std::string hostName() const;
    // The same into `out`, reusing its capacity (the router's fast path allocates nothing).
    void hostName(std::string& out) const;
    std::optional<std::uint16_t> hostPort() const;
    void setHeader(std::string name, std::string value);  // replaces an existing one
};

struct ParsedUrl {
    Request request;
    std::string error;  // non-empty when the URL could not be used
};

// Parses "https://shop.example.com:8443/api/v2?x=1", "shop.example.com/api" (http assumed) or
// "/api" (no host). Whitespace and control characters are rejected with a reason.
ParsedUrl parseUrl(std::string_view url);

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);
std::string toLower(std::string_view s);

}  // namespace hs::sim

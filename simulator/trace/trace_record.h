#pragma once
// One unit of a trace (a log line, a CSV row, a HAR entry) as a reader hands it out: a request to
// route, or a line that could not be used (bad) or carries no request (skipped), with the reason.
// Records are reused from line to line, so their strings keep their capacity (no allocation per
// line once warm).

#include "simulator/fast_string.h"
#include "simulator/request.h"

#include <cstdint>
#include <string>

namespace hs::trace {

// What the trace says the real controller did (ingress-nginx's access log knows the upstream it
// chose; a HAR knows the status). Empty strings / 0 / -1 mean "not recorded".
struct Recorded {
    int status = 0;  // $status
    std::string upstream;  // $proxy_upstream_name; "-" when nginx chose none
    std::string alternative;  // $proxy_alternative_upstream_name (the canary used); "" when none
    std::string upstreamAddr;  // $upstream_addr as logged: "10.0.0.1:80", "a, b" after retries, "-"
    std::string upstreamStatus;  // $upstream_status as logged
    std::string ingress;  // $namespace/$ingress_name
    std::string service;  // $namespace/$service_name
    std::int64_t requestTimeNs = -1;  // $request_time (HAR: entry time)
    std::string requestId;  // $req_id / $request_id

    void clear() {
        status = 0;
        upstream.clear();
        alternative.clear();
        upstreamAddr.clear();
        upstreamStatus.clear();
        ingress.clear();
        service.clear();
        requestTimeNs = -1;
        requestId.clear();
    }
};

// Which request and recorded fields a trace format carries at all (per reader, not per line).
struct FormatFields {
    bool time = false;
    bool host = false;  // otherwise the host is inferred or given with --host
    bool scheme = false;  // otherwise --scheme (default https)
    bool status = false;
    bool upstream = false;  // $proxy_upstream_name: verify can compare upstreams
    bool alternative = false;  // $proxy_alternative_upstream_name
    bool upstreamAddr = false;  // $upstream_addr
    bool ingress = false;
    bool service = false;
};

struct TraceRecord {
    enum class Kind : std::uint8_t { Request, Bad, Skipped };
    Kind kind = Kind::Request;
    std::uint64_t line = 0;  // 1-based line in the (decompressed) file; HAR: where the entry starts
    std::string why;  // Bad / Skipped: the reason, one line, no location prefix

    sim::Request request;
    bool hasTime = false;  // request.timeNs is the trace's timestamp (Unix epoch, ns)
    bool hasHost = false;  // request.host came from the trace (else inferred later)
    bool hasScheme = false;  // request.scheme came from the trace
    bool hasClient = false;  // request.clientIP came from the trace
    Recorded recorded;

    // Sets a request header by position, reusing the slot's strings (readers call it for
    // headers 0..n-1, then trimHeaders(n)).
    void setHeader(std::size_t i, std::string_view name, std::string_view value) {
        auto& h = request.headers;
        if (i >= h.size()) {
            i = h.size();
            if (spareHeaders_.empty()) {
                h.push_back({std::string(name), std::string(value)});
                return;
            }
            h.push_back(std::move(spareHeaders_.back()));
            spareHeaders_.pop_back();
        }
        if (std::string_view(h[i].name) != name) h[i].name.assign(name);  // same name line after line
        sim::setText(h[i].value, value);
    }
    // Drops the headers from n on; their strings are kept for the next lines' headers (a log
    // whose lines have a Referer or not would otherwise free and allocate one every other line).
    void trimHeaders(std::size_t n) {
        auto& h = request.headers;
        while (h.size() > n) {
            spareHeaders_.push_back(std::move(h.back()));
            h.pop_back();
        }
    }

private:
    std::vector<sim::Header> spareHeaders_;
};

}  // namespace hs::trace

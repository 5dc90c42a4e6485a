#pragma once
// Helpers for the trace and replay tests: gzip in memory, reading every record of a trace, and
// sample lines of each format.

#include "simulator/trace/trace_reader.h"

#include <zlib.h>

#include <cstring>
#include <string>
#include <vector>

namespace hs::testing {

// gzip-compresses `text` (one member, deterministic header).
inline std::string gzip(const std::string& text) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, text.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

struct ReadAll {
    std::string openError;
    std::string inputError;
    trace::TraceFormat format = trace::TraceFormat::Auto;
    std::vector<trace::TraceRecord> records;
    std::size_t requests() const {
        std::size_t n = 0;
        for (const auto& r : records) n += r.kind == trace::TraceRecord::Kind::Request;
        return n;
    }
    std::size_t count(trace::TraceRecord::Kind k) const {
        std::size_t n = 0;
        for (const auto& r : records) n += r.kind == k;
        return n;
    }
};

inline ReadAll readAll(const std::string& bytes, trace::TraceOptions options = {},
                       const std::string& name = "test.log") {
    ReadAll out;
    auto opened = trace::openTraceBytes(bytes, name, options);
    if (!opened.reader) {
        out.openError = opened.error;
        return out;
    }
    out.format = opened.reader->format();
    trace::TraceRecord rec;
    while (opened.reader->next(rec)) out.records.push_back(rec);
    out.inputError = opened.reader->inputError();
    return out;
}

// ingress-nginx's default format, as the controller writes it.
inline const char* kUpstreamLine =
    "203.0.113.7 - - [25/Nov/2026:08:00:01 +0000] \"GET /api/v2/orders?page=2 HTTP/1.1\" 200 512 \"https://shop.example.com/\" "
    "\"Mozilla/5.0 (X11)\" 312 0.021 [shop-api-80] [] 10.244.25.195:9000 512 0.020 200 7f3e1c0a2b4d5e6f7a8b9c0d1e2f3a4b";
inline const char* kCanaryLine =
    "198.51.100.4 - - [25/Nov/2026:08:00:01 +0000] \"GET /api/v2/cart HTTP/2.0\" 200 77 \"-\" \"curl/8.5.0\" 90 0.004 "
    "[shop-api-80] [shop-api-canary-80] 10.244.90.197:9000 77 0.004 200 0123456789abcdef0123456789abcdef";
inline const char* kRetryLine =
    "198.51.100.5 - - [25/Nov/2026:08:00:02 +0000] \"POST /api/v2/cart HTTP/1.1\" 200 10 \"-\" \"curl/8.5.0\" 90 1.004 "
    "[shop-api-80] [] 10.244.1.1:9000, 10.244.25.195:9000 0, 10 1.000, 0.004 502, 200 0123456789abcdef0123456789abcdef";
inline const char* kRedirectLine =
    "192.0.2.9 - - [25/Nov/2026:08:00:03 +0000] \"GET /cart/ HTTP/1.1\" 308 164 \"-\" \"curl/8.5.0\" 80 0.000 "
    "[shop-storefront-http] [] - - - - 0123456789abcdef0123456789abcdef";
inline const char* kCombinedLine =
    "203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://www.example.com/start.html\" "
    "\"Mozilla/4.08 [en] (Win98; I ;Nav)\"";

}  // namespace hs::testing

#pragma once
// Trace readers: a file (plain or gzip) of recorded or synthetic requests, read one record at a
// time with constant memory whatever its size. Formats (docs/traces.md):
//
//   jsonl          Hopscope's JSON Lines: one request object per line
//   csv            Hopscope's CSV: a header row naming the columns, one request per row
//   ingress-nginx  ingress-nginx's default access log (log_format upstreaminfo)
//   nginx          nginx's `combined` access log
//   custom         any layout, given as an nginx log_format string (--log-format)
//   har            HAR 1.2 (a browser's network export)
//
// Every line (HAR: every entry) becomes exactly one record: a request, or a bad or skipped line
// with the reason. Nothing is dropped silently, so totals always add up.

#include "simulator/trace/line_reader.h"
#include "simulator/trace/trace_record.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hs::trace {

enum class TraceFormat : std::uint8_t { Auto, Jsonl, Csv, IngressNginx, NginxCombined, Custom, Har };
const char* formatName(TraceFormat f);
// "auto", "jsonl", "csv", "ingress-nginx", "nginx" (= combined), "combined", "custom", "har".
std::optional<TraceFormat> formatFromName(std::string_view name);

struct TraceOptions {
    TraceFormat format = TraceFormat::Auto;
    std::string logFormat;  // an nginx log_format string (implies TraceFormat::Custom)
    std::size_t maxLineBytes = LineReader::kDefaultMaxLine;
    std::string defaultScheme = "https";  // when a format does not record the scheme
    std::string defaultClientIP = "203.0.113.10";  // when a format does not record the client
};

class TraceReader {
public:
    virtual ~TraceReader() = default;

    // The next record, or false at the end of the trace. `rec` is reused by the caller.
    virtual bool next(TraceRecord& rec) = 0;

    virtual TraceFormat format() const = 0;
    virtual const FormatFields& fields() const = 0;
    // Timestamp resolution (1 s for $time_local), so the replay can spread arrivals inside it.
    virtual std::int64_t timeResolutionNs() const { return 1; }
    // Notes about the format worth showing once ("$body_bytes_sent ... are not used").
    virtual std::vector<std::string> notes() const { return {}; }
    // Why reading stopped early (truncated gzip, read error); empty after a clean end.
    virtual std::string inputError() const = 0;
    virtual bool compressed() const = 0;
    const std::string& name() const { return name_; }

protected:
    std::string name_;
};

struct OpenResult {
    std::unique_ptr<TraceReader> reader;
    std::string error;  // why the trace cannot be read at all (no such file, unknown format)
};

// Opens a trace file ("-" = standard input), detecting the format when options.format is Auto.
OpenResult openTrace(const std::string& path, const TraceOptions& options);
// The same over bytes in memory (tests).
OpenResult openTraceBytes(std::string bytes, const std::string& name, const TraceOptions& options);

}  // namespace hs::trace

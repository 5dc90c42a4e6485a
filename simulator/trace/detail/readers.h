#pragma once
// Internals of the trace readers: the line-based base class and one factory per format.

#include "simulator/trace/nginx_log_format.h"
#include "simulator/trace/trace_reader.h"

#include <memory>
#include <string>

namespace hs::trace::detail {

// A reader over the lines of a file: blank lines are skipped, over-long lines are bad; the
// subclass parses the rest.
class LineTraceReader : public TraceReader {
public:
    LineTraceReader(std::unique_ptr<ByteSource> source, const TraceOptions& options);
    bool next(TraceRecord& rec) final;
    std::string inputError() const override { return source_->error(); }
    bool compressed() const override { return source_->compressed(); }
    LineReader& lines() { return lines_; }

protected:
    // Parses a non-blank line into `rec` (kind, why, request, recorded). The base has already set
    // rec.line and reset the client IP to the default.
    virtual void parseLine(std::string_view line, TraceRecord& rec) = 0;
    // Lines starting with '#' are comments (Skipped) in Hopscope's own formats.
    virtual bool allowsComments() const { return false; }

    std::unique_ptr<ByteSource> source_;
    LineReader lines_;
    TraceOptions options_;
};

std::unique_ptr<TraceReader> makeNginxReader(std::unique_ptr<ByteSource> source, const TraceOptions& options,
                                             TraceFormat format, LogFormat logFormat);
std::unique_ptr<TraceReader> makeJsonlReader(std::unique_ptr<ByteSource> source, const TraceOptions& options);
std::unique_ptr<TraceReader> makeCsvReader(std::unique_ptr<ByteSource> source, const TraceOptions& options);
std::unique_ptr<TraceReader> makeHarReader(std::unique_ptr<ByteSource> source, const TraceOptions& options);

// Splits "https://host:8443/p?q" (or "/p?q") into the request's scheme, host and target.
// Returns an error text, or empty.
std::string applyUrl(std::string_view url, sim::Request& r, bool& hasHost, bool& hasScheme);

// True when a JSON object on one line has a top-level key "log" whose value is an object (a HAR
// written without line breaks). Used by detection.
bool looksLikeHarLine(std::string_view line);
// True when the line is one complete JSON object (JSON Lines).
bool isJsonObjectLine(std::string_view line);

}  // namespace hs::trace::detail

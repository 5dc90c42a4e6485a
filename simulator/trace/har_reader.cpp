// HAR 1.2 (a browser's network export), read entry by entry: a streaming scan finds
// log.entries[] and cuts out one entry at a time, leaving out response bodies, request bodies
// and browser-private fields ("content", "postData", "_…"), so memory stays small however big the
// file and its bodies are. Each entry is then parsed with simdjson.
#include "simulator/trace/detail/readers.h"
#include "simulator/trace/time_parse.h"

#include <simdjson.h>

#include <cstring>

namespace hs::trace::detail {

namespace {

constexpr std::size_t kMaxDepth = 256;
constexpr std::size_t kMaxEntryBytes = 8 * 1024 * 1024;  // after bodies are left out

class HarReader final : public TraceReader {
public:
    HarReader(std::unique_ptr<ByteSource> source, const TraceOptions& options)
        : source_(std::move(source)), options_(options) {
        name_ = source_->name();
        buf_.resize(256 * 1024);
        fields_.time = fields_.host = fields_.scheme = fields_.status = true;
    }
    TraceFormat format() const override { return TraceFormat::Har; }
    const FormatFields& fields() const override { return fields_; }
    std::int64_t timeResolutionNs() const override { return 1'000'000; }
    std::string inputError() const override {
        if (!source_->error().empty()) return source_->error();
        if (finished_ && !sawEntries_ && structureError_.empty())
            return "no log.entries array found: is this a HAR file?";
        return structureError_;
    }
    bool compressed() const override { return source_->compressed(); }

    bool next(TraceRecord& rec) override {
        if (finished_) return false;
        while (true) {
            if (pos_ == len_) {
                len_ = source_->read(buf_.data(), buf_.size());
                pos_ = 0;
                if (len_ == 0) {
                    finished_ = true;
                    if (capturing_) {
                        capturing_ = false;
                        rec.line = entryLine_;
                        rec.kind = TraceRecord::Kind::Bad;
                        rec.why = "the file ends inside this entry (truncated?)";
                        return true;
                    }
                    return false;
                }
            }
            while (pos_ < len_) {
                char c = buf_[pos_++];
                if (scan(c)) {  // an entry is complete
                    parseEntry(rec);
                    return true;
                }
                if (!structureError_.empty()) {
                    finished_ = true;
                    return false;
                }
            }
        }
    }

private:
    void append(char c) {
        if (!capturing_ || skipping_) return;
        if (entry_.size() >= kMaxEntryBytes) {
            tooBig_ = true;
            return;
        }
        entry_.push_back(c);
    }

    static bool skipKey(std::string_view k) {
        return k == "content" || k == "postData" || (!k.empty() && k.front() == '_');
    }

    // Feeds one byte; true when it completed an entry.
    bool scan(char c) {
        if (c == '\n') ++line_;
        if (inString_) {
            append(c);
            if (escape_) {
                escape_ = false;
                if (str_.size() < 64) str_.push_back(c);
                return false;
            }
            if (c == '\\') {
                escape_ = true;
                return false;
            }
            if (c == '"') {
                inString_ = false;
                lastString_ = str_;
                return false;
            }
            if (str_.size() < 64) str_.push_back(c);
            return false;
        }
        if (skipping_ && depth_ == skipDepth_ && (c == ',' || c == '}')) skipping_ = false;
        switch (c) {
        case '"':
            inString_ = true;
            str_.clear();
            append(c);
            return false;
        case '{':
        case '[': {
            if (depth_ + 1 >= kMaxDepth) {
                structureError_ =
                    "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels at line " + std::to_string(line_);
                return false;
            }
            bool entriesStart =
                c == '[' && depth_ == 2 && key1_ == "log" && key2_ == "entries" && isObject_[1] && isObject_[2];
            bool entryStart = c == '{' && inEntries_ && depth_ == 3 && !capturing_;
            ++depth_;
            isObject_[depth_] = c == '{';
            if (entriesStart) {
                inEntries_ = true;
                sawEntries_ = true;
            }
            if (entryStart) {
                capturing_ = true;
                tooBig_ = false;
                entry_.clear();
                entryLine_ = line_;
            }
            append(c);
            return false;
        }
        case '}':
        case ']': {
            append(c);
            if (depth_ == 0) {
                structureError_ = "unbalanced `" + std::string(1, c) + "` at line " + std::to_string(line_);
                return false;
            }
            --depth_;
            if (depth_ == 1) key2_.clear();
            if (c == ']' && depth_ == 2 && inEntries_) inEntries_ = false;
            if (c == '}' && depth_ == 3 && capturing_) {
                capturing_ = false;
                return true;
            }
            return false;
        }
        case ':':
            append(c);
            if (isObject_[depth_]) {
                if (depth_ == 1)
                    key1_ = lastString_;
                else if (depth_ == 2)
                    key2_ = lastString_;
                if (capturing_ && !skipping_ && skipKey(lastString_)) {
                    for (char n : std::string_view("null")) entry_.push_back(n);
                    skipping_ = true;
                    skipDepth_ = depth_;
                }
            }
            return false;
        default: append(c); return false;
        }
    }

    // The string member `key` of `obj`; false when it is absent or not a string.
    static bool getStr(simdjson::dom::element obj, const char* key, std::string_view& out) {
        return !obj[key].get(out);
    }

    void parseEntry(TraceRecord& rec) {
        rec.line = entryLine_ == 0 ? 1 : entryLine_;
        rec.why.clear();
        rec.recorded.clear();
        rec.hasTime = rec.hasHost = rec.hasScheme = false;
        auto bad = [&](std::string why) {
            rec.kind = TraceRecord::Kind::Bad;
            rec.why = std::move(why);
        };
        if (tooBig_)
            return bad("entry larger than " + std::to_string(kMaxEntryBytes / (1024 * 1024)) +
                       " MiB even without bodies: skipped");
        simdjson::dom::element e;
        auto ec = parser_.parse(entry_.data(), entry_.size()).get(e);
        if (ec) return bad(std::string("entry is not valid JSON: ") + simdjson::error_message(ec));
        simdjson::dom::element req;
        if (e["request"].get(req) || !req.is_object()) return bad("entry has no request object");
        sim::Request& r = rec.request;
        r.method.assign("GET");
        r.scheme.clear();
        r.host.clear();
        r.sni.clear();
        r.target.clear();
        r.timeNs = 0;
        r.clientIP.assign(options_.defaultClientIP);
        std::string_view started;
        if (getStr(e, "startedDateTime", started)) {
            auto ns = parseIso8601(started);
            if (!ns) return bad("startedDateTime `" + std::string(started.substr(0, 40)) + "` is not an ISO 8601 time");
            r.timeNs = *ns;
            rec.hasTime = true;
        }
        double ms = 0;
        if (!e["time"].get(ms) && ms >= 0) rec.recorded.requestTimeNs = static_cast<std::int64_t>(ms * 1e6 + 0.5);
        std::string_view method, url;
        if (getStr(req, "method", method) && !method.empty()) r.method.assign(method);
        if (!getStr(req, "url", url)) return bad("entry has no request.url");
        // A browser's export also lists what never reached a server (data: images, blob:
        // downloads, extension pages): no request. WebSockets start with an HTTP GET the
        // controller routes like any other: ws and wss are http and https.
        const std::string_view scheme = url.substr(0, url.find(':'));
        for (std::string_view local : {"data", "blob", "about", "chrome", "chrome-extension", "moz-extension",
                                       "safari-extension", "file", "javascript"}) {
            if (sim::iequals(scheme, local)) {
                rec.kind = TraceRecord::Kind::Skipped;
                rec.why = std::string(local) + ": URL (the browser's own, never sent to a server)";
                return;
            }
        }
        std::string wsUrl;
        if (sim::iequals(scheme, "ws") || sim::iequals(scheme, "wss")) {
            wsUrl = (scheme.size() == 3 ? "https" : "http") + std::string(url.substr(scheme.size()));
            url = wsUrl;
        }
        std::string err = applyUrl(url, r, rec.hasHost, rec.hasScheme);
        if (!err.empty()) return bad("request.url: " + err);
        std::size_t headers = 0;
        bool cookieHeader = false;
        simdjson::dom::array hs;
        if (!req["headers"].get(hs)) {
            for (auto h : hs) {
                std::string_view name, value;
                if (!getStr(h, "name", name) || !getStr(h, "value", value)) continue;
                if (sim::iequals(name, "host") || name == ":authority") {
                    r.host.assign(value);
                    rec.hasHost = true;
                    continue;
                }
                if (!name.empty() && name.front() == ':') continue;  // HTTP/2 pseudo-headers
                if (sim::iequals(name, "cookie")) cookieHeader = true;
                rec.setHeader(headers++, name, value);
            }
        }
        if (!cookieHeader) {
            simdjson::dom::array cs;
            cookie_.clear();
            if (!req["cookies"].get(cs))
                for (auto c : cs) {
                    std::string_view name, value;
                    if (!getStr(c, "name", name) || !getStr(c, "value", value)) continue;
                    if (!cookie_.empty()) cookie_ += "; ";
                    cookie_.append(name).append(1, '=').append(value);
                }
            if (!cookie_.empty()) rec.setHeader(headers++, "Cookie", cookie_);
        }
        rec.trimHeaders(headers);
        std::int64_t status = 0;
        if (!e["response"]["status"].get(status) && status >= 100 && status <= 999)
            rec.recorded.status = static_cast<int>(status);
        rec.kind = TraceRecord::Kind::Request;
        if (!rec.hasScheme) rec.request.scheme.assign(options_.defaultScheme);
    }

    std::unique_ptr<ByteSource> source_;
    TraceOptions options_;
    FormatFields fields_;
    std::vector<char> buf_;
    std::size_t pos_ = 0, len_ = 0;
    bool finished_ = false;
    // scanner state
    std::size_t depth_ = 0;
    bool isObject_[kMaxDepth] = {};
    bool inString_ = false, escape_ = false;
    std::string str_, lastString_, key1_, key2_;
    bool inEntries_ = false, sawEntries_ = false;
    bool capturing_ = false, skipping_ = false, tooBig_ = false;
    std::size_t skipDepth_ = 0;
    std::uint64_t line_ = 1, entryLine_ = 0;
    std::string entry_;
    std::string structureError_;
    std::string cookie_;
    simdjson::dom::parser parser_;
};

}  // namespace

std::unique_ptr<TraceReader> makeHarReader(std::unique_ptr<ByteSource> source, const TraceOptions& options) {
    return std::make_unique<HarReader>(std::move(source), options);
}

}  // namespace hs::trace::detail

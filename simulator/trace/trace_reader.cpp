#include "simulator/trace/trace_reader.h"

#include "simulator/trace/detail/readers.h"

#include <algorithm>
#include <cstring>

namespace hs::trace {

const char* formatName(TraceFormat f) {
    switch (f) {
    case TraceFormat::Auto: return "auto";
    case TraceFormat::Jsonl: return "jsonl";
    case TraceFormat::Csv: return "csv";
    case TraceFormat::IngressNginx: return "ingress-nginx";
    case TraceFormat::NginxCombined: return "nginx";
    case TraceFormat::Custom: return "custom";
    case TraceFormat::Har: return "har";
    }
    return "auto";
}

std::optional<TraceFormat> formatFromName(std::string_view name) {
    for (TraceFormat f : {TraceFormat::Auto, TraceFormat::Jsonl, TraceFormat::Csv, TraceFormat::IngressNginx,
                          TraceFormat::NginxCombined, TraceFormat::Custom, TraceFormat::Har})
        if (name == formatName(f)) return f;
    if (name == "combined") return TraceFormat::NginxCombined;
    if (name == "upstreaminfo") return TraceFormat::IngressNginx;
    if (name == "json" || name == "ndjson") return TraceFormat::Jsonl;
    return std::nullopt;
}

namespace detail {

LineTraceReader::LineTraceReader(std::unique_ptr<ByteSource> source, const TraceOptions& options)
    : source_(std::move(source)), lines_(*source_, options.maxLineBytes), options_(options) {
    name_ = source_->name();
}

bool LineTraceReader::next(TraceRecord& rec) {
    std::string_view line;
    LineReader::Status st = lines_.next(line);
    if (st == LineReader::Status::End) return false;
    rec.line = lines_.lineNumber();
    if (st == LineReader::Status::TooLong) {
        rec.kind = TraceRecord::Kind::Bad;
        rec.why = "line of " + std::to_string(lines_.skippedLength()) + " bytes is longer than the limit of " +
            std::to_string(lines_.maxLineBytes()) + " bytes (--max-line-bytes): skipped without reading it";
        return true;
    }
    std::size_t b = 0;
    while (b < line.size() && (line[b] == ' ' || line[b] == '\t')) ++b;
    if (b == line.size()) {
        rec.kind = TraceRecord::Kind::Skipped;
        rec.why = "blank line";
        return true;
    }
    if (allowsComments() && line[b] == '#') {
        rec.kind = TraceRecord::Kind::Skipped;
        rec.why = "comment";
        return true;
    }
    rec.hasClient = false;
    parseLine(line, rec);
    if (rec.kind == TraceRecord::Kind::Request) {
        // defaults for what the line does not say (compared first: usually already in place)
        if (!rec.hasScheme && rec.request.scheme != options_.defaultScheme)
            rec.request.scheme.assign(options_.defaultScheme);
        if (!rec.hasClient && rec.request.clientIP != options_.defaultClientIP)
            rec.request.clientIP.assign(options_.defaultClientIP);
    }
    return true;
}

std::string applyUrl(std::string_view url, sim::Request& r, bool& hasHost, bool& hasScheme) {
    if (url.empty()) return "empty URL";
    for (char c : url)
        if (static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == 0x7f)
            return "URL contains a space or a control character";
    if (url.front() == '/') {
        r.target.assign(url);
        return {};
    }
    auto sep = url.find("://");
    if (sep == std::string_view::npos)
        return "URL `" + std::string(url.substr(0, 60)) + "` has no scheme (http:// or https://) and is not a path";
    std::string_view scheme = url.substr(0, sep);
    if (scheme == "https" || scheme == "HTTPS")
        r.scheme.assign("https");
    else if (scheme == "http" || scheme == "HTTP")
        r.scheme.assign("http");
    else
        return "URL scheme `" + std::string(scheme.substr(0, 20)) + "` is neither http nor https";
    hasScheme = true;
    std::string_view rest = url.substr(sep + 3);
    std::size_t slash = 0;
    while (slash < rest.size() && rest[slash] != '/' && rest[slash] != '?' && rest[slash] != '#') ++slash;
    std::string_view authority = rest.substr(0, slash);
    if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    if (authority.empty()) return "URL has no host";
    r.host.assign(authority);
    hasHost = true;
    std::string_view target = rest.substr(slash);
    if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
    if (target.empty() || target.front() != '/') {
        r.target.assign("/");
        r.target.append(target);
    } else {
        r.target.assign(target);
    }
    return {};
}

// `kubectl logs --timestamps` puts an RFC 3339 time (UTC, "Z", any fraction) and a space before
// every line: its length, or 0.
std::size_t timestampPrefixLength(std::string_view l) {
    auto digits = [&](std::size_t at, std::size_t n) {
        if (l.size() < at + n) return false;
        for (std::size_t i = at; i < at + n; ++i)
            if (l[i] < '0' || l[i] > '9') return false;
        return true;
    };
    if (!digits(0, 4) || l.size() < 21 || l[4] != '-' || !digits(5, 2) || l[7] != '-' || !digits(8, 2) ||
        l[10] != 'T' || !digits(11, 2) || l[13] != ':' || !digits(14, 2) || l[16] != ':' || !digits(17, 2))
        return 0;
    std::size_t i = 19;
    if (l[i] == '.') {
        ++i;
        const std::size_t from = i;
        while (i < l.size() && l[i] >= '0' && l[i] <= '9') ++i;
        if (i == from) return 0;
    }
    if (l.size() < i + 2 || l[i] != 'Z' || l[i + 1] != ' ') return 0;
    return i + 2;
}

// What kubectl logs puts before each line of the container's own: `--prefix`'s source
// ("[pod/ingress-nginx-controller-5c8d66c76d-x2x9k/controller] ") and then `--timestamps`' time.
// Their length, or 0.
std::size_t kubectlPrefixLength(std::string_view l) {
    std::size_t k = 0;
    if (l.substr(0, 5) == "[pod/") {
        const std::size_t close = l.find("] ");
        if (close != std::string_view::npos && l.substr(0, close).find(' ') == std::string_view::npos) k = close + 2;
    }
    return k + timestampPrefixLength(l.substr(k));
}

// What else an ingress-nginx controller Pod prints beside its access log (`kubectl logs` mixes
// them): klog lines ("I1205 10:00:00.000112       7 main.go:205] ..."), nginx's error log
// ("2026/12/05 10:00:00 [error] 31#31: ..."), and the start-up banner.
bool controllerMessage(std::string_view l) {
    auto digit = [&](std::size_t i) { return i < l.size() && l[i] >= '0' && l[i] <= '9'; };
    // klog: [IWEF]mmdd hh:mm:ss.uuuuuu
    if (l.size() > 22 && (l[0] == 'I' || l[0] == 'W' || l[0] == 'E' || l[0] == 'F') && digit(1) && digit(2) &&
        digit(3) && digit(4) && l[5] == ' ' && digit(6) && digit(7) && l[8] == ':' && digit(9) && digit(10) &&
        l[11] == ':' && digit(12) && digit(13) && l[14] == '.')
        return true;
    // nginx error log: yyyy/mm/dd hh:mm:ss [level]
    if (l.size() > 22 && digit(0) && digit(1) && digit(2) && digit(3) && l[4] == '/' && l[7] == '/' && l[10] == ' ' &&
        l[13] == ':' && l[16] == ':' && l[19] == ' ' && l[20] == '[')
        return true;
    // the banner
    if (l.size() >= 10 && l.find_first_not_of('-') == std::string_view::npos) return true;
    for (std::string_view b :
         {"NGINX Ingress controller", "  Release:", "  Build:", "  Repository:", "  nginx version:"})
        if (l.substr(0, b.size()) == b) return true;
    return false;
}

namespace {

// Parses an nginx log line that may carry kubectl's prefix (kubectlPrefixLength). `stripping`
// says the previous lines had one: then the line is tried with it taken off first, so a whole
// `kubectl logs --timestamps` file costs one parse a line; it is updated to what this line
// needed. A line that parses neither way keeps the message of the parse as it stands.
[[gnu::always_inline]] inline void parseMaybePrefixed(const LogFormat& f, std::string_view line, TraceRecord& rec,
                                                      LogFormat::Scratch& sc, bool& stripping) {
    // the prefix is looked for only when it was there before or the line does not parse: a plain
    // log pays nothing for it
    if (const std::size_t k = stripping ? kubectlPrefixLength(line) : 0) {
        f.parse(line.substr(k), rec, sc);
        if (rec.kind != TraceRecord::Kind::Bad) return;
    }
    f.parse(line, rec, sc);
    if (rec.kind != TraceRecord::Kind::Bad) {
        stripping = false;
        return;
    }
    if (const std::size_t k = stripping ? 0 : kubectlPrefixLength(line)) {
        std::string why = std::move(rec.why);
        f.parse(line.substr(k), rec, sc);
        stripping = rec.kind != TraceRecord::Kind::Bad;
        if (!stripping) rec.why = std::move(why);
    }
}

// The bytes detection looked at, then the rest of the source.
class PrefixedSource final : public ByteSource {
public:
    PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> inner)
        : prefix_(std::move(prefix)), inner_(std::move(inner)) {
        name_ = inner_->name();
    }
    std::size_t read(char* out, std::size_t n) override {
        if (pos_ < prefix_.size()) {
            std::size_t k = std::min(n, prefix_.size() - pos_);
            std::memcpy(out, prefix_.data() + pos_, k);
            pos_ += k;
            if (pos_ == prefix_.size()) std::string().swap(prefix_), pos_ = SIZE_MAX;
            return k;
        }
        return inner_->read(out, n);
    }
    bool compressed() const override { return inner_->compressed(); }
    const std::string& error() const override { return inner_->error(); }

private:
    std::string prefix_;
    std::size_t pos_ = 0;
    std::unique_ptr<ByteSource> inner_;
};

class NginxReader final : public LineTraceReader {
public:
    NginxReader(std::unique_ptr<ByteSource> source, const TraceOptions& options, TraceFormat format, LogFormat f)
        : LineTraceReader(std::move(source), options), format_(format), log_(std::move(f)) {}
    TraceFormat format() const override { return format_; }
    const FormatFields& fields() const override { return log_.fields(); }
    std::int64_t timeResolutionNs() const override { return log_.timeResolutionNs(); }
    std::vector<std::string> notes() const override {
        std::vector<std::string> out;
        if (format_ == TraceFormat::Custom) out.push_back("log format: " + log_.text());
        if (!log_.fields().host)
            out.push_back(
                "the log records no Host ($host or $http_host): hosts are inferred from the upstream and path, or taken from --host");
        if (!log_.fields().scheme)
            out.push_back("the log records no scheme ($scheme, $server_port): requests are taken as " +
                          options_.defaultScheme + " (--scheme)");
        return out;
    }

protected:
    void parseLine(std::string_view line, TraceRecord& rec) override {
        parseMaybePrefixed(log_, line, rec, scratch_, stripping_);
        if (rec.kind != TraceRecord::Kind::Bad) return;
        const std::string_view rest = line.substr(kubectlPrefixLength(line));
        if (rest.find_first_not_of(" \t") == std::string_view::npos) {
            rec.kind = TraceRecord::Kind::Skipped;  // only kubectl's prefix
            rec.why = "blank line";
        } else if (controllerMessage(rest)) {
            rec.kind = TraceRecord::Kind::Skipped;
            rec.why = "a message of the controller, not an access-log line (kubectl logs mixes them in)";
        }
    }

private:
    TraceFormat format_;
    LogFormat log_;
    LogFormat::Scratch scratch_;
    bool stripping_ = false;  // lines carry kubectl's --prefix or --timestamps prefix
};

LogFormat builtin(std::string_view text) {
    std::string err;
    return *LogFormat::compile(text, err);
}

std::string shorten(std::string_view s, std::size_t n = 100) {
    std::string out;
    for (char c : s.substr(0, n))
        out.push_back(static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f ? '?' : c);
    if (s.size() > n) out += "…";
    return out;
}

bool csvHeader(std::string_view line) {
    if (line.find(',') == std::string_view::npos) return false;
    std::string lower;
    for (char c : line) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    auto hasCol = [&](std::string_view name) {
        std::size_t p = 0;
        while ((p = lower.find(name, p)) != std::string::npos) {
            bool startOk = p == 0 || lower[p - 1] == ',' || lower[p - 1] == '"';
            std::size_t e = p + name.size();
            bool endOk = e == lower.size() || lower[e] == ',' || lower[e] == '"';
            if (startOk && endOk) return true;
            ++p;
        }
        return false;
    };
    return hasCol("url") || hasCol("path") || hasCol("target");
}

OpenResult openFrom(std::unique_ptr<ByteSource> source, const TraceOptions& options) {
    OpenResult out;
    TraceFormat format = options.format;
    if (!options.logFormat.empty()) {
        if (format != TraceFormat::Auto && format != TraceFormat::Custom && format != TraceFormat::NginxCombined &&
            format != TraceFormat::IngressNginx) {
            out.error = std::string("--log-format describes an nginx log; it cannot be combined with --format ") +
                formatName(format);
            return out;
        }
        std::string err;
        auto f = LogFormat::compile(options.logFormat, err);
        if (!f) {
            out.error = "--log-format: " + err;
            return out;
        }
        out.reader = detail::makeNginxReader(std::move(source), options, TraceFormat::Custom, std::move(*f));
        return out;
    }
    switch (format) {
    case TraceFormat::IngressNginx:
        out.reader = detail::makeNginxReader(std::move(source), options, format, builtin(kIngressNginxLogFormat));
        return out;
    case TraceFormat::NginxCombined:
        out.reader = detail::makeNginxReader(std::move(source), options, format, builtin(kCombinedLogFormat));
        return out;
    case TraceFormat::Custom: out.error = "--format custom needs --log-format '<nginx log_format string>'"; return out;
    case TraceFormat::Jsonl: out.reader = detail::makeJsonlReader(std::move(source), options); return out;
    case TraceFormat::Csv: out.reader = detail::makeCsvReader(std::move(source), options); return out;
    case TraceFormat::Har: out.reader = detail::makeHarReader(std::move(source), options); return out;
    case TraceFormat::Auto: break;
    }

    // Detection: read the first bytes, look at their lines, then hand them back in front of the
    // rest of the source.
    // The lines that decide: the first 12 that are not blank and not a controller's own message
    // (a `kubectl logs` of the controller starts with its banner and start-up lines).
    std::string prefix;
    std::vector<std::string_view> lines;
    std::size_t messages = 0;
    // `last`: the bytes end there (end of file, or the 256 KiB looked at), so a last line without
    // a newline counts too
    auto split = [&](bool last) {
        lines.clear();
        messages = 0;
        std::string_view rest = prefix;
        while (!rest.empty() && lines.size() < 12) {
            auto nl = rest.find('\n');
            if (nl == std::string_view::npos && !last) break;
            std::string_view l = rest.substr(0, nl);
            if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
            if (l.find_first_not_of(" \t") == std::string_view::npos) {
                // blank
            } else if (controllerMessage(l.substr(kubectlPrefixLength(l)))) {
                ++messages;
            } else {
                lines.push_back(l);
            }
            if (nl == std::string_view::npos) break;
            rest.remove_prefix(nl + 1);
        }
    };
    {
        std::string chunk(64 * 1024, '\0');
        while (prefix.size() < 256 * 1024) {
            std::size_t n = source->read(chunk.data(), chunk.size());
            if (n == 0) break;
            prefix.append(chunk.data(), n);
            split(false);
            if (lines.size() >= 12) break;
        }
        split(true);
    }
    // Decide while `lines` still point into `prefix` (moving a short string would move its bytes).
    std::string name = source->name();
    std::string inputError = source->error();
    if (lines.empty()) {
        if (messages && prefix.size() >= 256 * 1024)
            out.error = name + ": its first 256 KiB (" + std::to_string(messages) +
                " lines) are the ingress-nginx controller's own messages (klog, nginx's error log, the banner); give "
                "--format ingress-nginx or --log-format to read on past them";
        else if (messages)
            out.error = name + ": its " + std::to_string(messages) +
                " lines are the ingress-nginx controller's own messages (klog, nginx's error log, the banner), "
                "no access-log line";
        else
            out.error = inputError.empty() ? name + " is empty: there are no requests to replay"
                                           : name + ": " + inputError + "; no complete line could be read";
        return out;
    }
    enum class Pick { Jsonl, Har, Upstream, Combined, Csv, Unknown } pick = Pick::Unknown;
    std::string_view first = lines.front();
    std::string_view firstTrim = first.substr(first.find_first_not_of(" \t"));
    LogFormat upstreaminfo = builtin(kIngressNginxLogFormat), combined = builtin(kCombinedLogFormat);
    std::string whyUpstream;
    if ((firstTrim.front() == '{' || firstTrim.front() == '[') && kubectlPrefixLength(first) == 0) {
        // JSON Lines when most lines are one object each (a damaged first line does not make it
        // a HAR); a HAR on one line has a "log" object; else a pretty-printed HAR
        std::size_t objects = 0;
        for (auto l : lines) objects += detail::isJsonObjectLine(l);
        if (detail::looksLikeHarLine(firstTrim))
            pick = Pick::Har;
        else if (objects > 0 && objects * 2 >= lines.size())
            pick = Pick::Jsonl;
        else
            pick = Pick::Har;
    } else {
        std::size_t okUpstream = 0, okCombined = 0;
        TraceRecord rec;
        LogFormat::Scratch sc;
        // a line may carry kubectl's prefix, taken off as the readers do
        auto parses = [&](const LogFormat& f, std::string_view l) {
            bool stripping = false;
            parseMaybePrefixed(f, l, rec, sc, stripping);
            return rec.kind != TraceRecord::Kind::Bad;
        };
        for (auto l : lines) {
            if (parses(upstreaminfo, l))
                ++okUpstream;
            else if (whyUpstream.empty())
                whyUpstream = rec.why;
            if (parses(combined, l)) ++okCombined;
        }
        if (okUpstream > 0 && okUpstream * 2 >= lines.size())
            pick = Pick::Upstream;
        else if (okCombined > 0 && okCombined * 2 >= lines.size())
            pick = Pick::Combined;
        else if (csvHeader(first))
            pick = Pick::Csv;
    }
    if (pick == Pick::Unknown) {
        out.error = "cannot tell the format of " + name +
            ": its first lines are neither JSON Lines, HAR, CSV with a header row (url or path column), an "
            "ingress-nginx access log (" +
            whyUpstream + ") nor an nginx combined log. First line: `" + shorten(first) +
            "`. Give --format, or --log-format '<the nginx log_format your controller uses>'";
        return out;
    }
    auto wrapped = std::make_unique<PrefixedSource>(std::move(prefix), std::move(source));
    switch (pick) {
    case Pick::Jsonl: out.reader = detail::makeJsonlReader(std::move(wrapped), options); break;
    case Pick::Har: out.reader = detail::makeHarReader(std::move(wrapped), options); break;
    case Pick::Upstream:
        out.reader =
            detail::makeNginxReader(std::move(wrapped), options, TraceFormat::IngressNginx, std::move(upstreaminfo));
        break;
    case Pick::Combined:
        out.reader =
            detail::makeNginxReader(std::move(wrapped), options, TraceFormat::NginxCombined, std::move(combined));
        break;
    case Pick::Csv: out.reader = detail::makeCsvReader(std::move(wrapped), options); break;
    case Pick::Unknown: break;
    }
    return out;
}

}  // namespace

std::unique_ptr<TraceReader> makeNginxReader(std::unique_ptr<ByteSource> source, const TraceOptions& options,
                                             TraceFormat format, LogFormat logFormat) {
    return std::make_unique<NginxReader>(std::move(source), options, format, std::move(logFormat));
}

}  // namespace detail

OpenResult openTrace(const std::string& path, const TraceOptions& options) {
    std::string error;
    auto source = ByteSource::open(path, error);
    if (!source) return {nullptr, error};
    return detail::openFrom(std::move(source), options);
}

OpenResult openTraceBytes(std::string bytes, const std::string& name, const TraceOptions& options) {
    return detail::openFrom(ByteSource::fromMemory(std::move(bytes), name), options);
}

}  // namespace hs::trace

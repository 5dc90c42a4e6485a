// Hopscope's CSV traces: RFC 4180 fields, a header row naming the columns (docs/traces.md).
#include "simulator/trace/detail/readers.h"
#include "simulator/trace/time_parse.h"

#include <charconv>

namespace hs::trace::detail {

namespace {

enum class Col : std::uint8_t {
    Ignore,
    Time,
    TimeNs,
    Method,
    Url,
    Scheme,
    Host,
    Target,
    Client,
    Sni,
    Header,
    Cookie,
    Cookies,
    Status,
    Upstream,
    Alternative,
    UpstreamAddr,
    UpstreamStatus,
    Ingress,
    Service,
    RequestTime,
    RequestId,
};

struct Column {
    Col col = Col::Ignore;
    std::string name;  // header / cookie name
};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

class CsvReader final : public LineTraceReader {
public:
    CsvReader(std::unique_ptr<ByteSource> source, const TraceOptions& options)
        : LineTraceReader(std::move(source), options) {
        // fields() is asked before reading: look at the header row now (it stays buffered).
        for (auto l : lines_.peek(20))
            if (l.find_first_not_of(" \t") != std::string_view::npos && l.front() != '#') {
                readHeader(l);
                break;
            }
    }
    TraceFormat format() const override { return TraceFormat::Csv; }
    const FormatFields& fields() const override { return fields_; }
    std::vector<std::string> notes() const override { return notes_; }

protected:
    bool allowsComments() const override { return true; }

    void parseLine(std::string_view line, TraceRecord& rec) override {
        rec.why.clear();
        if (!headerConsumed_) {
            headerConsumed_ = true;
            readHeader(line);
            rec.kind = TraceRecord::Kind::Skipped;
            rec.why = "CSV header row";
            if (!headerError_.empty()) {
                rec.kind = TraceRecord::Kind::Bad;
                rec.why = headerError_;
            }
            return;
        }
        if (!headerError_.empty()) {
            rec.kind = TraceRecord::Kind::Bad;
            rec.why = "no usable CSV header: " + headerError_;
            return;
        }
        std::string err = split(line);
        if (!err.empty()) return bad(rec, err);
        if (cells_ != columns_.size())
            return bad(rec,
                       std::to_string(cells_) + " fields, but the header names " + std::to_string(columns_.size()) +
                           " columns");
        rec.kind = TraceRecord::Kind::Request;
        rec.hasTime = rec.hasHost = rec.hasScheme = false;
        rec.recorded.clear();
        sim::Request& r = rec.request;
        r.method.assign("GET");
        r.scheme.clear();
        r.host.clear();
        r.sni.clear();
        r.target.clear();
        r.timeNs = 0;
        std::size_t headers = 0;
        cookie_.clear();
        bool haveTarget = false;
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            const std::string& v = fieldValues_[i];
            const Column& c = columns_[i];
            if (v.empty() && c.col != Col::Host) continue;
            switch (c.col) {
            case Col::Ignore: break;
            case Col::Time: {
                auto ns = parseIso8601(v);
                if (!ns) ns = parseDecimalSeconds(v);
                if (!ns)
                    return bad(rec,
                               "time `" + v.substr(0, 40) + "` is neither an RFC 3339 time nor seconds since 1970");
                r.timeNs = *ns;
                rec.hasTime = true;
                break;
            }
            case Col::TimeNs: {
                std::int64_t n = 0;
                auto res = std::from_chars(v.data(), v.data() + v.size(), n);
                if (res.ec != std::errc() || res.ptr != v.data() + v.size())
                    return bad(rec, "time_ns `" + v + "` is not an integer");
                r.timeNs = n;
                rec.hasTime = true;
                break;
            }
            case Col::Method: r.method.assign(v); break;
            case Col::Url: {
                std::string e = applyUrl(v, r, rec.hasHost, rec.hasScheme);
                if (!e.empty()) return bad(rec, "url: " + e);
                haveTarget = true;
                break;
            }
            case Col::Scheme:
                if (v != "http" && v != "https") return bad(rec, "scheme must be http or https");
                r.scheme.assign(v);
                rec.hasScheme = true;
                break;
            case Col::Host:
                r.host.assign(v);
                rec.hasHost = true;  // an empty cell: the request had no Host
                break;
            case Col::Target:
                if (v.front() != '/' && v != "*") return bad(rec, "path must start with /");
                r.target.assign(v);
                haveTarget = true;
                break;
            case Col::Client:
                r.clientIP.assign(v);
                rec.hasClient = true;
                break;
            case Col::Sni: r.sni.assign(v); break;
            case Col::Header: rec.setHeader(headers++, c.name, v); break;
            case Col::Cookie:
                if (!cookie_.empty()) cookie_ += "; ";
                cookie_.append(c.name).append(1, '=').append(v);
                break;
            case Col::Cookies:
                if (!cookie_.empty()) cookie_ += "; ";
                cookie_.append(v);
                break;
            case Col::Status: {
                int st = 0;
                auto res = std::from_chars(v.data(), v.data() + v.size(), st);
                if (res.ec != std::errc() || res.ptr != v.data() + v.size() || st < 100 || st > 999)
                    return bad(rec, "status `" + v + "` is not an HTTP status");
                rec.recorded.status = st;
                break;
            }
            case Col::Upstream: rec.recorded.upstream.assign(v); break;
            case Col::Alternative:
                if (v != "-") rec.recorded.alternative.assign(v);
                break;
            case Col::UpstreamAddr: rec.recorded.upstreamAddr.assign(v); break;
            case Col::UpstreamStatus: rec.recorded.upstreamStatus.assign(v); break;
            case Col::Ingress: rec.recorded.ingress.assign(v); break;
            case Col::Service: rec.recorded.service.assign(v); break;
            case Col::RequestTime:
                if (auto d = parseSecondsDuration(v))
                    rec.recorded.requestTimeNs = *d;
                else
                    return bad(rec, "request_time `" + v + "` is not seconds");
                break;
            case Col::RequestId: rec.recorded.requestId.assign(v); break;
            }
        }
        if (!haveTarget) return bad(rec, "no url or path in the row");
        if (!cookie_.empty()) rec.setHeader(headers++, "Cookie", cookie_);
        rec.trimHeaders(headers);
    }

private:
    static void bad(TraceRecord& rec, std::string why) {
        rec.kind = TraceRecord::Kind::Bad;
        rec.why = std::move(why);
    }

    // Splits a CSV line into fieldValues_[0..cells_).
    std::string split(std::string_view line) {
        cells_ = 0;
        std::size_t i = 0;
        while (true) {
            if (cells_ >= fieldValues_.size()) fieldValues_.emplace_back();
            std::string& out = fieldValues_[cells_++];
            out.clear();
            if (i < line.size() && line[i] == '"') {
                ++i;
                while (true) {
                    if (i >= line.size()) return "unterminated quoted field (CSV fields cannot span lines here)";
                    if (line[i] == '"') {
                        if (i + 1 < line.size() && line[i + 1] == '"') {
                            out.push_back('"');
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    out.push_back(line[i++]);
                }
                if (i < line.size() && line[i] != ',')
                    return "text after a closing quote at column " + std::to_string(i + 1);
            } else {
                std::size_t e = line.find(',', i);
                if (e == std::string_view::npos) e = line.size();
                out.assign(line.substr(i, e - i));
                i = e;
            }
            if (i >= line.size()) break;
            ++i;  // the comma
        }
        return {};
    }

    void readHeader(std::string_view line) {
        columns_.clear();
        fields_ = FormatFields{};
        notes_.clear();
        std::string err = split(line);
        if (!err.empty()) {
            headerError_ = "header row: " + err;
            return;
        }
        bool target = false;
        for (std::size_t i = 0; i < cells_; ++i) {
            std::string raw = fieldValues_[i];
            std::string n = lower(raw);
            Column c;
            if (n.rfind("header:", 0) == 0) {
                c.col = Col::Header;
                c.name = raw.substr(7);
                if (lower(c.name) == "host") c.col = Col::Host;
            } else if (n.rfind("cookie:", 0) == 0) {
                c.col = Col::Cookie;
                c.name = raw.substr(7);
            } else if (n == "time")
                c.col = Col::Time, fields_.time = true;
            else if (n == "time_ns")
                c.col = Col::TimeNs, fields_.time = true;
            else if (n == "method")
                c.col = Col::Method;
            else if (n == "url")
                c.col = Col::Url, target = true, fields_.host = fields_.scheme = true;
            else if (n == "scheme")
                c.col = Col::Scheme, fields_.scheme = true;
            else if (n == "host")
                c.col = Col::Host, fields_.host = true;
            else if (n == "path" || n == "target")
                c.col = Col::Target, target = true;
            else if (n == "client" || n == "client_ip")
                c.col = Col::Client;
            else if (n == "sni")
                c.col = Col::Sni;
            else if (n == "cookies")
                c.col = Col::Cookies;
            else if (n == "status" || n == "recorded_status")
                c.col = Col::Status, fields_.status = true;
            else if (n == "upstream" || n == "recorded_upstream")
                c.col = Col::Upstream, fields_.upstream = true;
            else if (n == "alternative" || n == "recorded_alternative")
                c.col = Col::Alternative, fields_.alternative = true;
            else if (n == "upstream_addr" || n == "recorded_upstream_addr")
                c.col = Col::UpstreamAddr, fields_.upstreamAddr = true;
            else if (n == "upstream_status")
                c.col = Col::UpstreamStatus;
            else if (n == "ingress" || n == "recorded_ingress")
                c.col = Col::Ingress, fields_.ingress = true;
            else if (n == "service" || n == "recorded_service")
                c.col = Col::Service, fields_.service = true;
            else if (n == "request_time")
                c.col = Col::RequestTime;
            else if (n == "request_id")
                c.col = Col::RequestId;
            else
                notes_.push_back("CSV column `" + raw + "` is not one Hopscope reads: ignored");
            columns_.push_back(std::move(c));
        }
        if (!target)
            headerError_ = "the header row has no url, path or target column (the first row must name the columns)";
        else
            headerError_.clear();
    }

    std::vector<Column> columns_;
    std::vector<std::string> fieldValues_;
    std::size_t cells_ = 0;
    bool headerConsumed_ = false;
    std::string headerError_;
    FormatFields fields_;
    std::vector<std::string> notes_;
    std::string cookie_;
};

}  // namespace

std::unique_ptr<TraceReader> makeCsvReader(std::unique_ptr<ByteSource> source, const TraceOptions& options) {
    return std::make_unique<CsvReader>(std::move(source), options);
}

}  // namespace hs::trace::detail

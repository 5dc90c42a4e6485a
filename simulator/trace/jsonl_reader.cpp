// Hopscope's JSON Lines traces: one JSON object per line (docs/traces.md).
#include "simulator/trace/detail/readers.h"
#include "simulator/trace/time_parse.h"

#include <simdjson.h>

#include <set>

namespace hs::trace::detail {

namespace od = simdjson::ondemand;

bool isJsonObjectLine(std::string_view line) {
    simdjson::dom::parser p;
    simdjson::padded_string padded(line);
    simdjson::dom::element e;
    return !p.parse(padded).get(e) && e.is_object();
}

bool looksLikeHarLine(std::string_view line) {
    simdjson::dom::parser p;
    simdjson::padded_string padded(line);
    simdjson::dom::element e;
    if (p.parse(padded).get(e) || !e.is_object()) return false;
    simdjson::dom::element log;
    return !e["log"].get(log) && log.is_object();
}

namespace {

class JsonlReader final : public LineTraceReader {
public:
    JsonlReader(std::unique_ptr<ByteSource> source, const TraceOptions& options)
        : LineTraceReader(std::move(source), options) {
        fields_.time = true;
        fields_.scheme = true;
        surveyKeys(lines_.peek(50));  // the first lines (they stay in the buffer)
    }
    TraceFormat format() const override { return TraceFormat::Jsonl; }
    const FormatFields& fields() const override { return fields_; }
    std::vector<std::string> notes() const override { return notes_; }

protected:
    bool allowsComments() const override { return true; }

    void parseLine(std::string_view line, TraceRecord& rec) override {
        rec.kind = TraceRecord::Kind::Request;
        rec.why.clear();
        rec.hasTime = rec.hasHost = rec.hasScheme = false;
        rec.recorded.clear();
        sim::Request& r = rec.request;
        r.method.assign("GET");
        r.scheme.clear();
        r.host.clear();
        r.sni.clear();
        r.target.clear();
        r.timeNs = 0;
        cookie_.clear();
        std::size_t headers = 0;
        bool haveTarget = false;
        std::string err = parse(line, rec, headers, haveTarget);
        if (!err.empty()) {
            rec.kind = TraceRecord::Kind::Bad;
            rec.why = std::move(err);
            return;
        }
        if (!haveTarget) {
            rec.kind = TraceRecord::Kind::Bad;
            rec.why = "no \"url\" (or \"path\"/\"target\") in the object";
            return;
        }
        if (!cookie_.empty()) rec.setHeader(headers++, "Cookie", cookie_);
        rec.trimHeaders(headers);
    }

private:
    static std::string sjError(simdjson::error_code e) { return simdjson::error_message(e); }

    // The first lines' keys: which recorded fields exist (verify compares those), whether they
    // name hosts (else the report shows how hosts were found, as for a log without $host), and
    // the keys this format does not read — an nginx access log written as JSON (escape=json)
    // looks like JSON Lines but names its fields itself.
    void surveyKeys(const std::vector<std::string_view>& first) {
        static const std::set<std::string_view> known = {"time", "timeNs",  "method",  "url",     "scheme",
                                                         "host", "path",    "target",  "client",  "clientIP",
                                                         "sni",  "headers", "cookies", "recorded"};
        std::set<std::string> unknown;
        bool hosts = false, any = false;
        simdjson::dom::parser p;
        for (std::string_view line : first) {
            simdjson::padded_string padded(line);
            simdjson::dom::object o;
            if (p.parse(padded).get(o)) continue;
            any = true;
            for (auto [key, value] : o) {
                if (key == "host" || key == "headers") hosts = true;
                std::string_view url;
                if (key == "url" && !value.get(url) && url.find("://") != std::string_view::npos) hosts = true;
                if (!known.count(key) && unknown.size() < 64) unknown.emplace(key);
                simdjson::dom::object recorded;
                if (key != "recorded" || value.get(recorded)) continue;
                for (auto [rk, rv] : recorded) {
                    if (rv.is_null()) continue;
                    fields_.upstream |= rk == "upstream";
                    fields_.alternative |= rk == "alternative";
                    fields_.upstreamAddr |= rk == "upstreamAddr";
                    fields_.status |= rk == "status";
                    fields_.ingress |= rk == "ingress";
                    fields_.service |= rk == "service";
                }
            }
        }
        fields_.host = hosts || !any;
        if (unknown.empty()) return;
        std::string list;
        std::size_t shown = 0;
        for (const auto& k : unknown)
            if (shown++ < 12) list += (list.empty() ? "" : ", ") + k;
        if (unknown.size() > 12) list += " and " + std::to_string(unknown.size() - 12) + " more";
        notes_.push_back("keys this format does not read: " + list +
                         " (JSON Lines reads url/path/target, host, method, scheme, time, timeNs, client, sni, "
                         "headers, cookies and recorded; docs/traces.md)");
        if (!hosts)
            notes_.push_back(
                "no line names a host (\"host\", or \"url\" with one): requests have none unless --host "
                "gives it. An nginx access log written as JSON? Give its log_format with --log-format "
                "(and escape=json) to read it field by field");
    }

    std::string parse(std::string_view line, TraceRecord& rec, std::size_t& headers, bool& haveTarget) {
        sim::Request& r = rec.request;
        od::document doc;
        auto ec = parser_.iterate(line.data(), line.size(), line.size() + LineReader::kPadding).get(doc);
        if (ec) return "not JSON: " + sjError(ec);
        od::object obj;
        if ((ec = doc.get_object().get(obj)))
            return ec == simdjson::INCORRECT_TYPE ? "not a JSON object (each line must be one {...})"
                                                  : "not JSON: " + sjError(ec);
        for (auto field : obj) {
            std::string_view key;
            if ((ec = field.unescaped_key().get(key))) return "not JSON: " + sjError(ec);
            od::value v;
            if ((ec = field.value().get(v))) return "not JSON: " + sjError(ec);
            std::string_view sv;
            if (key == "time") {
                od::json_type t;
                if ((ec = v.type().get(t))) return "\"time\": " + sjError(ec);
                if (t == od::json_type::string) {
                    if ((ec = v.get_string().get(sv))) return "\"time\": " + sjError(ec);
                    auto ns = parseIso8601(sv);
                    if (!ns) ns = parseDecimalSeconds(sv);
                    if (!ns)
                        return "\"time\" `" + std::string(sv.substr(0, 40)) +
                            "` is neither an RFC 3339 time nor seconds since 1970";
                    r.timeNs = *ns;
                } else if (t == od::json_type::number) {
                    std::string_view raw = v.raw_json_token();
                    while (!raw.empty() && (raw.back() == ' ' || raw.back() == ',' || raw.back() == '}'))
                        raw.remove_suffix(1);
                    auto ns = parseDecimalSeconds(raw);
                    if (!ns)
                        return "\"time\" " + std::string(raw) +
                            " is not seconds since 1970 (exponents are not accepted)";
                    r.timeNs = *ns;
                } else {
                    return "\"time\" must be a string or a number";
                }
                rec.hasTime = true;
            } else if (key == "timeNs") {
                std::int64_t n = 0;
                if ((ec = v.get_int64().get(n))) return "\"timeNs\" must be an integer: " + sjError(ec);
                r.timeNs = n;
                rec.hasTime = true;
            } else if (key == "method") {
                if ((ec = v.get_string().get(sv))) return "\"method\" must be a string";
                r.method.assign(sv);
            } else if (key == "url") {
                if ((ec = v.get_string().get(sv))) return "\"url\" must be a string";
                std::string e = applyUrl(sv, r, rec.hasHost, rec.hasScheme);
                if (!e.empty()) return "\"url\": " + e;
                haveTarget = true;
            } else if (key == "scheme") {
                if ((ec = v.get_string().get(sv)) || (sv != "http" && sv != "https"))
                    return "\"scheme\" must be \"http\" or \"https\"";
                r.scheme.assign(sv);
                rec.hasScheme = true;
            } else if (key == "host") {
                if (v.is_null()) {
                    rec.hasHost = true;  // explicitly no Host header
                    continue;
                }
                if ((ec = v.get_string().get(sv))) return "\"host\" must be a string or null";
                r.host.assign(sv);
                rec.hasHost = true;
            } else if (key == "path" || key == "target") {
                if ((ec = v.get_string().get(sv))) return "\"" + std::string(key) + "\" must be a string";
                if (sv.empty() || (sv.front() != '/' && sv != "*"))
                    return "\"" + std::string(key) + "\" must start with /";
                r.target.assign(sv);
                haveTarget = true;
            } else if (key == "client" || key == "clientIP") {
                if ((ec = v.get_string().get(sv))) return "\"" + std::string(key) + "\" must be a string";
                r.clientIP.assign(sv);
                rec.hasClient = true;
            } else if (key == "sni") {
                if ((ec = v.get_string().get(sv))) return "\"sni\" must be a string";
                r.sni.assign(sv);
            } else if (key == "headers") {
                std::string e = headersFrom(v, rec, headers);
                if (!e.empty()) return e;
            } else if (key == "cookies") {
                od::object c;
                if ((ec = v.get_object().get(c))) return "\"cookies\" must be an object of name: value";
                for (auto kv : c) {
                    std::string_view name, value;
                    if ((ec = kv.unescaped_key().get(name)) || (ec = kv.value().get_string().get(value)))
                        return "\"cookies\": values must be strings";
                    if (!cookie_.empty()) cookie_ += "; ";
                    cookie_.append(name).append(1, '=').append(value);
                }
            } else if (key == "recorded") {
                std::string e = recordedFrom(v, rec.recorded);
                if (!e.empty()) return e;
            }
            // other keys: ignored (documented), so traces can carry their own annotations
        }
        return {};
    }

    std::string headersFrom(od::value v, TraceRecord& rec, std::size_t& headers) {
        simdjson::error_code ec;
        od::json_type t;
        if ((ec = v.type().get(t))) return "\"headers\": " + sjError(ec);
        auto add = [&](std::string_view name, std::string_view value) {
            if (sim::iequals(name, "host")) {
                rec.request.host.assign(value);
                rec.hasHost = true;
            } else {
                rec.setHeader(headers++, name, value);
            }
        };
        if (t == od::json_type::object) {
            od::object o;
            if ((ec = v.get_object().get(o))) return "\"headers\": " + sjError(ec);
            for (auto kv : o) {
                std::string_view name, value;
                if ((ec = kv.unescaped_key().get(name))) return "\"headers\": " + sjError(ec);
                name_.assign(name);
                if ((ec = kv.value().get_string().get(value)))
                    return "\"headers\": the value of " + name_ + " must be a string";
                add(name_, value);
            }
            return {};
        }
        if (t != od::json_type::array)
            return "\"headers\" must be an object {name: value} or an array of [name, value]";
        od::array a;
        if ((ec = v.get_array().get(a))) return "\"headers\": " + sjError(ec);
        for (auto item : a) {
            od::value iv;
            if ((ec = item.get(iv))) return "\"headers\": " + sjError(ec);
            od::json_type it;
            if ((ec = iv.type().get(it))) return "\"headers\": " + sjError(ec);
            std::string_view name, value;
            if (it == od::json_type::array) {
                od::array pair;
                if ((ec = iv.get_array().get(pair))) return "\"headers\": " + sjError(ec);
                int k = 0;
                for (auto e : pair) {
                    std::string_view s;
                    if ((ec = e.get_string().get(s))) return "\"headers\": [name, value] must be strings";
                    if (k == 0)
                        name_.assign(s);
                    else if (k == 1)
                        value_.assign(s);
                    ++k;
                }
                if (k != 2) return "\"headers\": each [name, value] needs exactly two strings";
            } else if (it == od::json_type::object) {
                od::object o;
                if ((ec = iv.get_object().get(o))) return "\"headers\": " + sjError(ec);
                bool hasName = false, hasValue = false;
                for (auto kv : o) {
                    std::string_view k, s;
                    if ((ec = kv.unescaped_key().get(k))) return "\"headers\": " + sjError(ec);
                    bool isName = k == "name", isValue = k == "value";
                    if (!isName && !isValue) continue;
                    if ((ec = kv.value().get_string().get(s))) return "\"headers\": name and value must be strings";
                    if (isName)
                        name_.assign(s), hasName = true;
                    else
                        value_.assign(s), hasValue = true;
                }
                if (!hasName || !hasValue) return "\"headers\": each {name, value} needs both";
            } else {
                return "\"headers\" must be an object {name: value} or an array of [name, value]";
            }
            (void)name;
            (void)value;
            add(name_, value_);
        }
        return {};
    }

    std::string recordedFrom(od::value v, Recorded& rec) {
        simdjson::error_code ec;
        od::object o;
        if ((ec = v.get_object().get(o))) return "\"recorded\" must be an object";
        for (auto kv : o) {
            std::string_view k, s;
            if ((ec = kv.unescaped_key().get(k))) return "\"recorded\": " + sjError(ec);
            od::value x;
            if ((ec = kv.value().get(x))) return "\"recorded\": " + sjError(ec);
            if (k == "status") {
                std::int64_t n = 0;
                if ((ec = x.get_int64().get(n)) || n < 100 || n > 999)
                    return "\"recorded.status\" must be an HTTP status number";
                rec.status = static_cast<int>(n);
                continue;
            }
            if (k == "requestTime") {
                double d = 0;
                if ((ec = x.get_double().get(d)) || d < 0) return "\"recorded.requestTime\" must be seconds (a number)";
                rec.requestTimeNs = static_cast<std::int64_t>(d * 1e9 + 0.5);
                continue;
            }
            std::string* dst = k == "upstream" ? &rec.upstream
                : k == "alternative"           ? &rec.alternative
                : k == "upstreamAddr"          ? &rec.upstreamAddr
                : k == "upstreamStatus"        ? &rec.upstreamStatus
                : k == "ingress"               ? &rec.ingress
                : k == "service"               ? &rec.service
                : k == "requestId"             ? &rec.requestId
                                               : nullptr;
            if (!dst) continue;
            if (x.is_null()) continue;
            if ((ec = x.get_string().get(s))) return "\"recorded." + std::string(k) + "\" must be a string";
            dst->assign(s);
        }
        if (!rec.upstream.empty()) fields_.upstream = true;
        return {};
    }

    od::parser parser_;
    FormatFields fields_;
    std::vector<std::string> notes_;
    std::string cookie_, name_, value_;
};

}  // namespace

std::unique_ptr<TraceReader> makeJsonlReader(std::unique_ptr<ByteSource> source, const TraceOptions& options) {
    return std::make_unique<JsonlReader>(std::move(source), options);
}

}  // namespace hs::trace::detail

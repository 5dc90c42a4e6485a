#include "simulator/trace/nginx_log_format.h"

#include "simulator/fast_string.h"
#include "simulator/trace/time_parse.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hs::trace {

namespace {

bool isVarChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool isTokenChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

// "x_forwarded_for" -> "X-Forwarded-For"
std::string headerName(std::string_view var) {
    std::string out;
    bool up = true;
    for (char c : var) {
        if (c == '_') {
            out.push_back('-');
            up = true;
        } else {
            out.push_back(up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
            up = false;
        }
    }
    return out;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// The first `c` in [p, e): eight bytes at a time (most log fields are short, where a memchr call
// costs more than the search), memchr for long runs.
// When `backslash` is given, it is set if a '\\' occurs before the match (the value needs
// unescaping): found in the same pass instead of another one.
// Always inlined: the upstreaminfo fast path calls it 16 times a line with no `backslash` (the
// branches on it then vanish), and the call itself cost as much as a short field's search.
[[gnu::always_inline]] inline const char* findByte(const char* p, const char* e, char c, bool* backslash = nullptr) {
#if defined(__SSE2__)
    // 16 bytes per step: a field shorter than that (most are) ends in the first step, so the
    // loop exit is predictable
    const __m128i pat = _mm_set1_epi8(c);
    const __m128i bsl = _mm_set1_epi8('\\');
    while (e - p >= 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, pat)));
        if (backslash) {
            auto b = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, bsl)));
            if (b && (!m || std::countr_zero(b) < std::countr_zero(m))) *backslash = true;
        }
        if (m) return p + std::countr_zero(m);
        p += 16;
    }
#endif
    if (backslash) {
        for (const char* q = p; q < e; ++q) {
            if (*q == c) return q;
            if (*q == '\\') *backslash = true;
        }
        return nullptr;
    }
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const std::uint64_t pattern = ones * static_cast<unsigned char>(c);
    const char* swarEnd = e - p > 64 ? p + 64 : e;
    while (swarEnd - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        std::uint64_t x = w ^ pattern;
        std::uint64_t t = (x - ones) & ~x & highs;  // the lowest set bit marks the first match
        if (t) return p + (std::countr_zero(t) >> 3);
        p += 8;
    }
    if (swarEnd != e) return static_cast<const char*>(std::memchr(p, c, static_cast<std::size_t>(e - p)));
    for (; p < e; ++p)
        if (*p == c) return p;
    return nullptr;
}

// A piece of a line for a message: at most `n` bytes, bytes outside printable ASCII as \xHH.
std::string printable(std::string_view v, std::size_t n = 40) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : v.substr(0, n)) {
        if (c >= 0x20 && c < 0x7f) {
            out.push_back(static_cast<char>(c));
        } else {
            out += "\\x";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    if (v.size() > n) out += "…";
    return out;
}

// "-" is how nginx logs an empty variable.
bool dash(std::string_view v) { return v.empty() || (v.size() == 1 && v[0] == '-'); }

}  // namespace

void unescapeNginx(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '\\' && i + 1 < in.size()) {
            char n = in[i + 1];
            if (n == 'x' && i + 3 < in.size()) {
                int hi = hexValue(in[i + 2]), lo = hexValue(in[i + 3]);
                if (hi >= 0 && lo >= 0) {
                    out.push_back(static_cast<char>(hi * 16 + lo));
                    i += 3;
                    continue;
                }
            }
            if (n == '"' || n == '\\') {
                out.push_back(n);
                ++i;
                continue;
            }
        }
        out.push_back(c);
    }
}

void unescapeJson(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c != '\\' || i + 1 >= in.size()) {
            out.push_back(c);
            continue;
        }
        char n = in[++i];
        switch (n) {
        case 'n': out.push_back('\n'); break;
        case 't': out.push_back('\t'); break;
        case 'r': out.push_back('\r'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'u': {
            std::uint32_t cp = 0;
            bool ok = i + 4 < in.size();
            for (int k = 1; ok && k <= 4; ++k) {
                int h = hexValue(in[i + static_cast<std::size_t>(k)]);
                if (h < 0)
                    ok = false;
                else
                    cp = cp * 16 + static_cast<std::uint32_t>(h);
            }
            if (!ok) {
                out += "\\u";
                break;
            }
            i += 4;
            appendUtf8(out, cp);
            break;
        }
        default: out.push_back(n);  // \" \\ \/
        }
    }
}

std::optional<LogFormat> LogFormat::compile(std::string_view format, std::string& error) {
    LogFormat f;
    std::string_view s = format;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    for (auto [prefix, esc] : {std::pair{"escape=json", Escape::Json}, std::pair{"escape=default", Escape::Default},
                               std::pair{"escape=none", Escape::None}}) {
        std::string_view p = prefix;
        if (s.substr(0, p.size()) == p) {
            f.escape_ = esc;
            s.remove_prefix(p.size());
            while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
        }
    }
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    if (s.empty()) {
        error = "the log format is empty";
        return std::nullopt;
    }
    f.text_ = std::string(s);
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '$' && i + 1 < s.size() && (isVarChar(s[i + 1]) || s[i + 1] == '{')) {
            std::string name;
            if (s[i + 1] == '{') {
                auto close = s.find('}', i + 2);
                if (close == std::string_view::npos) {
                    error = "unclosed ${ in the log format at column " + std::to_string(i + 1);
                    return std::nullopt;
                }
                name = std::string(s.substr(i + 2, close - i - 2));
                i = close + 1;
            } else {
                std::size_t e = i + 1;
                while (e < s.size() && isVarChar(s[e])) ++e;
                name = std::string(s.substr(i + 1, e - i - 1));
                i = e;
            }
            if (!f.tokens_.empty() && !f.tokens_.back().literal) {
                error = "$" + f.tokens_.back().text + " and $" + name +
                    " follow each other without text in between: their values cannot be told apart";
                return std::nullopt;
            }
            Token t;
            t.text = name;
            using V = Var;
            if (name == "remote_addr" || name == "the_real_ip" || name == "proxy_protocol_addr" ||
                name == "realip_remote_addr")
                t.var = V::RemoteAddr;
            else if (name == "time_local")
                t.var = V::TimeLocal;
            else if (name == "time_iso8601")
                t.var = V::TimeIso;
            else if (name == "msec")
                t.var = V::Msec;
            else if (name == "request")
                t.var = V::Request;
            else if (name == "request_method")
                t.var = V::RequestMethod;
            else if (name == "request_uri")
                t.var = V::RequestUri;
            else if (name == "uri" || name == "document_uri")
                t.var = V::Uri;
            else if (name == "args" || name == "query_string")
                t.var = V::Args;
            else if (name == "status")
                t.var = V::Status;
            else if (name == "http_host")
                t.var = V::HttpHost;
            else if (name == "host")
                t.var = V::Host;
            else if (name == "scheme")
                t.var = V::Scheme;
            else if (name == "server_port")
                t.var = V::ServerPort;
            else if (name == "ssl_server_name")
                t.var = V::SslServerName;
            else if (name.rfind("http_", 0) == 0 && name.size() > 5) {
                t.var = V::Header;
                t.header = name == "http_cookie" ? "Cookie" : headerName(std::string_view(name).substr(5));
            } else if (name.rfind("cookie_", 0) == 0 && name.size() > 7) {
                t.var = V::Cookie;
                t.header = name.substr(7);
            } else if (name == "request_time")
                t.var = V::RequestTime;
            else if (name == "proxy_upstream_name")
                t.var = V::UpstreamName;
            else if (name == "proxy_alternative_upstream_name")
                t.var = V::AltUpstreamName;
            else if (name == "upstream_addr")
                t.var = V::UpstreamAddr;
            else if (name == "upstream_status")
                t.var = V::UpstreamStatus;
            else if (name == "req_id" || name == "request_id")
                t.var = V::ReqId;
            else if (name == "namespace")
                t.var = V::Namespace;
            else if (name == "ingress_name")
                t.var = V::IngressName;
            else if (name == "service_name")
                t.var = V::ServiceName;
            else {
                t.var = V::Ignore;
                if (std::find(f.ignored_.begin(), f.ignored_.end(), "$" + name) == f.ignored_.end())
                    f.ignored_.push_back("$" + name);
            }
            t.list = name.rfind("upstream_", 0) == 0;
            switch (t.var) {
            case V::TimeLocal:
            case V::TimeIso: f.fields_.time = true; break;
            case V::Msec:
                f.fields_.time = true;
                f.timeResolution_ = 1'000'000;
                break;
            case V::Request: f.hasRequestLine_ = true; break;
            case V::RequestUri: f.hasRequestUri_ = true; break;
            case V::Uri: f.hasUri_ = true; break;
            case V::Args: f.hasArgs_ = true; break;
            case V::Status: f.fields_.status = true; break;
            case V::HttpHost:
            case V::Host: f.fields_.host = true; break;
            case V::Scheme: f.fields_.scheme = true; break;
            case V::UpstreamName: f.fields_.upstream = true; break;
            case V::AltUpstreamName: f.fields_.alternative = true; break;
            case V::UpstreamAddr: f.fields_.upstreamAddr = true; break;
            default: break;
            }
            f.tokens_.push_back(std::move(t));
            continue;
        }
        std::size_t e = i + 1;
        while (e < s.size() && !(s[e] == '$' && e + 1 < s.size() && (isVarChar(s[e + 1]) || s[e + 1] == '{'))) ++e;
        if (!f.tokens_.empty() && f.tokens_.back().literal)
            f.tokens_.back().text.append(s.substr(i, e - i));
        else {
            Token t;
            t.literal = true;
            t.text = std::string(s.substr(i, e - i));
            f.tokens_.push_back(std::move(t));
        }
        i = e;
    }
    bool hasNs = false, hasIng = false, hasSvc = false;
    for (const auto& t : f.tokens_) {
        hasNs |= t.var == Var::Namespace && !t.literal;
        hasIng |= t.var == Var::IngressName && !t.literal;
        hasSvc |= t.var == Var::ServiceName && !t.literal;
    }
    for (std::size_t k = 0; k < f.tokens_.size(); ++k) {
        Token& t = f.tokens_[k];
        if (t.literal) continue;
        if (k + 1 == f.tokens_.size()) {
            t.last = true;
        } else {
            const std::string& lit = f.tokens_[k + 1].text;  // a literal: variables never follow each other
            t.delim = lit[0];
            t.delimRest = lit.substr(1);
            t.restLen = t.delimRest.size() <= 4 ? static_cast<std::uint8_t>(t.delimRest.size()) : 255;
            for (std::size_t r = 0; r < t.delimRest.size() && r < 4; ++r) t.rest[r] = t.delimRest[r];
        }
    }
    f.fields_.ingress = hasNs && hasIng;
    f.fields_.service = hasNs && hasSvc;
    if (!f.hasRequestLine_ && !f.hasRequestUri_ && !f.hasUri_) {
        error = "the log format records no request ($request, $request_uri or $uri): there is nothing to route";
        return std::nullopt;
    }
    f.upstreamInfo_ = f.escape_ == Escape::Default && f.text_ == kIngressNginxLogFormat;
    return f;
}

void LogFormat::parse(std::string_view line, TraceRecord& rec, Scratch& sc) const {
    if (upstreamInfo_ && parseUpstreamInfo(line, rec, sc)) return;
    parseInterpreted(line, rec, sc);
}

bool LogFormat::parseUpstreamInfo(std::string_view line, TraceRecord& rec, Scratch& sc) const {
    const char* const base = line.data();
    const std::size_t n = line.size();
    // With a backslash a value may need unescaping: the interpreter's case.
    if (std::memchr(base, '\\', n)) return false;
    std::size_t pos = 0;
    // The value from `pos` to the first `c`, which must be followed by `rest` (the literal after
    // the variable); steps over the literal. False when that first `c` is not followed by `rest`
    // (the interpreter would look further) or there is none (a bad line).
    auto field = [&](char c, std::string_view rest, std::string_view& v) __attribute__((always_inline)) {
        const char* hit = pos < n ? findByte(base + pos, base + n, c) : nullptr;
        if (!hit) return false;
        const auto at = static_cast<std::size_t>(hit - base);
        if (n - at - 1 < rest.size()) return false;
        for (std::size_t k = 0; k < rest.size(); ++k)  // one or two bytes, known here
            if (base[at + 1 + k] != rest[k]) return false;
        v = std::string_view(base + pos, at - pos);
        pos = at + 1 + rest.size();
        return true;
    };
    // An $upstream_* list value ending at a space: false where the interpreter's list rules would
    // look past that space ("a, b", "a : b").
    auto listField = [&](std::string_view & v) __attribute__((always_inline)) {
        const char* hit = pos < n ? findByte(base + pos, base + n, ' ') : nullptr;
        if (!hit) return false;
        const auto at = static_cast<std::size_t>(hit - base);
        if ((at > pos && base[at - 1] == ',') || (at + 2 < n && base[at + 1] == ':' && base[at + 2] == ' ') ||
            (at >= pos + 2 && base[at - 1] == ':' && base[at - 2] == ' '))
            return false;
        v = std::string_view(base + pos, at - pos);
        pos = at + 1;
        return true;
    };
    // $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
    // "$http_user_agent" $request_length $request_time [$proxy_upstream_name]
    // [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length
    // $upstream_response_time $upstream_status $req_id
    std::string_view remoteAddr, ignored, time, request, status, referer, agent, requestTime, upstream, alternative,
        upstreamAddr, upstreamStatus, reqId;
    if (!field(' ', "- ", remoteAddr) || !field(' ', "[", ignored) || !field(']', " \"", time) ||
        !field('"', " ", request) || !field(' ', "", status) || !field(' ', "\"", ignored) ||
        !field('"', " \"", referer) || !field('"', " ", agent) || !field(' ', "", ignored) ||
        !field(' ', "[", requestTime) || !field(']', " [", upstream) || !field(']', " ", alternative) ||
        !listField(upstreamAddr) || !listField(ignored) || !listField(ignored) || !listField(upstreamStatus))
        return false;
    reqId = std::string_view(base + pos, n - pos);  // pos <= n: the last field ended before the end

    // the values, checked as the interpreter checks them (any problem: its message)
    std::int64_t timeNs;
    const bool sameTime =
        time.size() == sc.lastTime.size() && std::memcmp(time.data(), sc.lastTime.data(), time.size()) == 0;
    if (sameTime) {
        timeNs = sc.lastTimeNs;
    } else if (auto t = parseTimeLocal(time)) {
        timeNs = *t;
    } else {
        return false;
    }
    if (dash(request)) return false;  // skipped
    const auto sp1 = request.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0) return false;
    // (string_view's substr checks its position and may throw: not inlined; these are in range)
    const std::string_view method(request.data(), sp1);
    if (!std::all_of(method.begin(), method.end(), isTokenChar)) return false;
    std::string_view target(request.data() + sp1 + 1, request.size() - sp1 - 1);
    if (auto sp2 = target.rfind(' '); sp2 != std::string_view::npos && target.size() - sp2 - 1 >= 5 &&
        std::memcmp(target.data() + sp2 + 1, "HTTP/", 5) == 0)
        target = std::string_view(target.data(), sp2);
    if (target.empty() || target.front() != '/') return false;  // "*", absolute-form, no target
    // $status: three digits, 100..999 (anything else: the interpreter's message)
    if (status.size() != 3 || status[0] < '1' || status[0] > '9' || status[1] < '0' || status[1] > '9' ||
        status[2] < '0' || status[2] > '9')
        return false;
    const int st = (status[0] - '0') * 100 + (status[1] - '0') * 10 + (status[2] - '0');

    // a request: the record as the interpreter leaves it
    rec.kind = TraceRecord::Kind::Request;
    rec.why.clear();
    rec.hasTime = true;
    rec.hasHost = rec.hasScheme = false;
    sim::Request& r = rec.request;
    if (!dash(remoteAddr)) {
        sim::setText(r.clientIP, remoteAddr);
        rec.hasClient = true;
    }
    if (!sameTime) {
        sc.lastTime.assign(time);
        sc.lastTimeNs = timeNs;
    }
    r.timeNs = timeNs;
    sim::setText(r.method, method);
    sim::setText(r.target, target);
    r.host.clear();
    r.sni.clear();
    std::size_t headers = 0;
    if (!dash(referer)) rec.setHeader(headers++, "Referer", referer);
    if (!dash(agent)) rec.setHeader(headers++, "User-Agent", agent);
    rec.trimHeaders(headers);
    sc.cookie.clear();
    Recorded& rc = rec.recorded;
    rc.status = st;
    const auto d = parseSecondsDuration(requestTime);
    rc.requestTimeNs = d ? *d : -1;
    sim::setText(rc.upstream, upstream.empty() ? std::string_view("-") : upstream);
    if (dash(alternative))
        rc.alternative.clear();
    else
        sim::setText(rc.alternative, alternative);
    sim::setText(rc.upstreamAddr, upstreamAddr);
    sim::setText(rc.upstreamStatus, upstreamStatus);
    if (dash(reqId))
        rc.requestId.clear();
    else
        sim::setText(rc.requestId, reqId);
    rc.ingress.clear();
    rc.service.clear();
    return true;
}

void LogFormat::parseInterpreted(std::string_view line, TraceRecord& rec, Scratch& sc) const {
    rec.kind = TraceRecord::Kind::Request;
    rec.why.clear();
    rec.hasTime = rec.hasHost = rec.hasScheme = false;
    rec.recorded.clear();
    sim::Request& r = rec.request;
    r.method.clear();  // GET unless the line says; the scheme is set by the reader when not here
    r.host.clear();
    r.sni.clear();
    r.target.clear();
    r.timeNs = 0;
    std::size_t headers = 0;
    sc.cookie.clear();
    std::string_view ns, ingressName, serviceName;
    std::string_view port;
    bool haveRequest = false;
    std::string_view uriValue, argsValue;
    std::string notHttp;  // why $request is not an HTTP request line (decided once $status is known)

    auto bad = [&](std::string why) {
        rec.kind = TraceRecord::Kind::Bad;
        rec.why = std::move(why);
    };
    // Unescaped value: the raw slice when it has no backslash, else `sc.value`.
    bool backslash = false;  // the current value contains a '\\' (known from the delimiter search)
    bool backslashKnown = false;
    auto unescaped = [&](std::string_view v) -> std::string_view {
        if (escape_ == Escape::None) return v;
        if (backslashKnown ? !backslash : std::memchr(v.data(), '\\', v.size()) == nullptr) return v;
        if (escape_ == Escape::Json)
            unescapeJson(v, sc.value);
        else
            unescapeNginx(v, sc.value);
        return sc.value;
    };

    std::size_t pos = 0;
    const std::size_t n = line.size();
    const char* const base = line.data();
    // Most lines have no backslash at all: then no value needs unescaping, and the delimiter search
    // need not look for backslashes (one memchr over the line instead of a second compare per
    // 16 bytes of every value).
    const bool mayEscape = escape_ != Escape::None && std::memchr(base, '\\', n) != nullptr;
    for (std::size_t ti = 0; ti < tokens_.size(); ++ti) {
        const Token& t = tokens_[ti];
        if (t.literal) {
            const std::size_t len = t.text.size();
            bool ok = n - pos >= len;
            for (std::size_t k = 0; ok && k < len; ++k) ok = base[pos + k] == t.text[k];
            if (!ok) {
                std::string found = printable(line.substr(pos), 12);
                return bad("expected `" + t.text + "` at column " + std::to_string(pos + 1) +
                           (pos >= n ? ", but the line ends there" : ", found `" + found + "`") +
                           " (is this the log format the file was written with?)");
            }
            pos += len;
            continue;
        }
        std::size_t end = n;
        backslash = false;
        backslashKnown = !t.last || !mayEscape;
        if (!t.last) {
            // the value ends where the next literal starts: its first byte by memchr, then the rest
            std::size_t from = pos;
            const std::size_t restLen = t.delimRest.size();
            while (true) {
                const char* hit =
                    from < n ? findByte(base + from, base + n, t.delim, mayEscape ? &backslash : nullptr) : nullptr;
                if (!hit)
                    return bad("the line ends inside $" + t.text + " (no `" + std::string(1, t.delim) +
                               std::string(t.delimRest) + "` after column " + std::to_string(pos + 1) + ")");
                std::size_t at = static_cast<std::size_t>(hit - base);
                bool match = n - at - 1 >= restLen;
                if (match && t.restLen != 255) {
                    for (std::size_t k = 0; k < t.restLen; ++k) match &= base[at + 1 + k] == t.rest[k];
                } else {
                    for (std::size_t k = 0; match && k < restLen; ++k) match = base[at + 1 + k] == t.delimRest[k];
                }
                if (!match) {
                    from = at + 1;
                    continue;
                }
                // $upstream_* lists: "a, b" and "a : b" contain the space that ends the field.
                if (t.list && t.delim == ' ' &&
                    ((at > pos && base[at - 1] == ',') || (at + 2 < n && base[at + 1] == ':' && base[at + 2] == ' ') ||
                     (at >= pos + 2 && base[at - 1] == ':' && base[at - 2] == ' '))) {
                    from = at + 1;
                    continue;
                }
                // JSON escaping: an escaped quote is part of the value.
                if (escape_ == Escape::Json && t.delim == '"') {
                    std::size_t bs = 0;
                    while (at - bs > pos && base[at - bs - 1] == '\\') ++bs;
                    if (bs % 2 == 1) {
                        from = at + 1;
                        continue;
                    }
                }
                end = at;
                break;
            }
        }
        std::string_view v(base + pos, end - pos);
        pos = end;
        if (!t.last) {
            // the literal after the value was matched while finding its end: step over it
            pos += 1 + t.delimRest.size();
            ++ti;
        }
        switch (t.var) {
        case Var::Ignore: break;
        case Var::RemoteAddr:
            if (!dash(v)) {
                r.clientIP.assign(v);
                rec.hasClient = true;
            }
            break;
        case Var::TimeLocal:
            if (v.size() == sc.lastTime.size() && std::memcmp(v.data(), sc.lastTime.data(), v.size()) == 0) {
                r.timeNs = sc.lastTimeNs;
                rec.hasTime = true;
            } else if (auto ns2 = parseTimeLocal(v)) {
                r.timeNs = *ns2;
                rec.hasTime = true;
                sc.lastTime.assign(v);
                sc.lastTimeNs = *ns2;
            } else {
                return bad("$time_local `" + printable(v) + "` is not a time like 10/Oct/2000:13:55:36 -0700");
            }
            break;
        case Var::TimeIso:
            if (auto ns2 = parseIso8601(v)) {
                r.timeNs = *ns2;
                rec.hasTime = true;
            } else {
                return bad("$time_iso8601 `" + printable(v) + "` is not an ISO 8601 time");
            }
            break;
        case Var::Msec:
            if (auto ns2 = parseDecimalSeconds(v)) {
                r.timeNs = *ns2;
                rec.hasTime = true;
            } else {
                return bad("$msec `" + printable(v) + "` is not seconds since 1970");
            }
            break;
        case Var::Request: {
            if (dash(v)) {
                rec.kind = TraceRecord::Kind::Skipped;
                rec.why =
                    "no request line: the client closed the connection before sending a request (nginx logs \"-\")";
                return;
            }
            std::string_view req = unescaped(v);
            auto sp1 = req.find(' ');
            if (sp1 == std::string_view::npos || sp1 == 0) {
                notHttp = "request line `" + printable(req, 60) + "` is not METHOD TARGET PROTOCOL";
                break;
            }
            std::string_view method = req.substr(0, sp1);
            if (!std::all_of(method.begin(), method.end(), isTokenChar)) {
                notHttp = "request line does not start with an HTTP method (TLS or binary data on a plain-HTTP port?)";
                break;
            }
            std::string_view rest = req.substr(sp1 + 1);
            auto sp2 = rest.rfind(' ');
            if (sp2 != std::string_view::npos && rest.substr(sp2 + 1).rfind("HTTP/", 0) == 0)
                rest = rest.substr(0, sp2);
            if (rest.empty()) {
                notHttp = "request line has no target";
                break;
            }
            r.method.assign(method);
            if (rest.front() == '/' || rest == "*") {
                r.target.assign(rest);
            } else if (rest.rfind("http://", 0) == 0 || rest.rfind("https://", 0) == 0) {
                // absolute-form (a proxy-style request): the authority is the host
                bool https = rest[4] == 's';
                std::string_view after = rest.substr(https ? 8 : 7);
                auto slash = after.find('/');
                std::string_view authority = after.substr(0, slash);
                if (!rec.hasHost) {
                    r.host.assign(authority);
                    rec.hasHost = !authority.empty();
                }
                if (!rec.hasScheme) {
                    r.scheme.assign(https ? "https" : "http");
                    rec.hasScheme = true;
                }
                if (slash == std::string_view::npos)
                    r.target.assign("/");
                else
                    r.target.assign(after.substr(slash));
            } else {
                notHttp = "request target `" + printable(rest, 60) + "` is neither a path nor an absolute URL";
                break;
            }
            haveRequest = true;
            break;
        }
        case Var::RequestMethod:
            if (!dash(v)) r.method.assign(v);
            break;
        case Var::RequestUri:
            if (!dash(v) && !haveRequest) {
                r.target.assign(unescaped(v));
                haveRequest = true;
            }
            break;
        case Var::Uri: uriValue = v; break;
        case Var::Args: argsValue = v; break;
        case Var::Status: {
            int st = 0;
            auto res = std::from_chars(v.data(), v.data() + v.size(), st);
            if (res.ec != std::errc() || res.ptr != v.data() + v.size() || st < 100 || st > 999)
                return bad("$status `" + printable(v, 20) + "` is not an HTTP status");
            rec.recorded.status = st;
            break;
        }
        case Var::HttpHost:
        case Var::Host:
            // $host is "_" (the catch-all's server_name) for requests without a Host header
            if (!dash(v) && !(t.var == Var::Host && v == "_")) {
                r.host.assign(unescaped(v));
                rec.hasHost = true;
            } else if (t.var == Var::Host || t.var == Var::HttpHost) {
                rec.hasHost = true;  // recorded: the request had no Host
            }
            break;
        case Var::Scheme:
            if (v == "http" || v == "https") {
                r.scheme.assign(v);
                rec.hasScheme = true;
            }
            break;
        case Var::ServerPort: port = v; break;
        case Var::SslServerName:
            if (!dash(v)) r.sni.assign(v);
            break;
        case Var::Header:
            if (!dash(v)) {
                std::string_view hv = unescaped(v);
                rec.setHeader(headers++, t.header, hv);
            }
            break;
        case Var::Cookie:
            if (!dash(v)) {
                if (!sc.cookie.empty()) sc.cookie += "; ";
                sc.cookie.append(t.header).append(1, '=').append(v);
            }
            break;
        case Var::RequestTime:
            if (auto d = parseSecondsDuration(v)) rec.recorded.requestTimeNs = *d;
            break;
        case Var::UpstreamName: rec.recorded.upstream.assign(v.empty() ? std::string_view("-") : v); break;
        case Var::AltUpstreamName:
            if (!dash(v)) rec.recorded.alternative.assign(v);
            break;
        case Var::UpstreamAddr: rec.recorded.upstreamAddr.assign(v); break;
        case Var::UpstreamStatus: rec.recorded.upstreamStatus.assign(v); break;
        case Var::ReqId:
            if (!dash(v)) rec.recorded.requestId.assign(v);
            break;
        case Var::Namespace: ns = v; break;
        case Var::IngressName: ingressName = v; break;
        case Var::ServiceName: serviceName = v; break;
        }
    }
    if (pos != n)
        return bad(std::to_string(n - pos) + " unexpected characters after the last field (`" +
                   printable(line.substr(pos), 20) + "`): is this the log format the file was written with?");
    if (!notHttp.empty()) {
        // nginx refuses such a line itself (400) before any routing: a scanner, TLS on the HTTP
        // port. Nothing to replay, and nothing wrong with the log. Any other status: the line
        // does not say what was requested.
        if (rec.recorded.status != 400) return bad(std::move(notHttp));
        rec.kind = TraceRecord::Kind::Skipped;
        rec.why = "not an HTTP request (nginx answered 400 before routing): " + notHttp;
        return;
    }
    if (!haveRequest) {
        if (!dash(uriValue)) {
            r.target.assign(unescaped(uriValue));
            if (!dash(argsValue)) r.target.append(1, '?').append(argsValue);
            haveRequest = true;
        } else {
            return bad("the line records no request path");
        }
    }
    if (r.method.empty()) r.method.assign("GET");
    if (!sc.cookie.empty()) {
        bool merged = false;
        for (std::size_t i = 0; i < headers; ++i)
            if (r.headers[i].name == "Cookie") {
                r.headers[i].value.append("; ").append(sc.cookie);
                merged = true;
            }
        if (!merged) rec.setHeader(headers++, "Cookie", sc.cookie);
    }
    rec.trimHeaders(headers);
    if (!dash(port)) {
        if (!rec.hasScheme && (port == "443" || port == "80")) {
            r.scheme.assign(port == "443" ? "https" : "http");
            rec.hasScheme = true;
        }
        bool defaultPort =
            rec.hasScheme && ((port == "443" && r.scheme == "https") || (port == "80" && r.scheme == "http"));
        if (rec.hasHost && !r.host.empty() && !defaultPort && r.host.find(':') == std::string::npos &&
            r.host.front() != '[')
            r.host.append(1, ':').append(port);
    }
    if (!ns.empty() && !dash(ns)) {
        if (!dash(ingressName)) rec.recorded.ingress.assign(ns).append(1, '/').append(ingressName);
        if (!dash(serviceName)) rec.recorded.service.assign(ns).append(1, '/').append(serviceName);
    }
}

}  // namespace hs::trace

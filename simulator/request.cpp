#include "simulator/request.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hs::sim {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string toLower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view Request::path() const {
    // Not find_first_of: libstdc++'s calls memchr once per character (hot in replays). Sixteen
    // bytes at a time where SSE2 is there: the last (overlapping) sixteen for the rest, a short
    // target copied into a zero-padded block.
    std::string_view t = target;
#if defined(__SSE2__)
    const __m128i q = _mm_set1_epi8('?'), h = _mm_set1_epi8('#');
    auto find = [&](const char* p) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, h))));
    };
    const std::size_t n = t.size();
    if (n < 16) {
        alignas(16) char block[16] = {};
        std::memcpy(block, t.data(), n);
        const unsigned m = find(block);
        return m ? t.substr(0, static_cast<std::size_t>(std::countr_zero(m))) : t;
    }
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        if (const unsigned m = find(t.data() + i))
            return t.substr(0, i + static_cast<std::size_t>(std::countr_zero(m)));
    if (i < n)
        if (const unsigned m = find(t.data() + n - 16))
            return t.substr(0, n - 16 + static_cast<std::size_t>(std::countr_zero(m)));
    return t;
#else
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i] == '?' || t[i] == '#') return t.substr(0, i);
    return t;
#endif
}

std::string_view Request::query() const {
    std::string_view t = target;
    auto q = t.find('?');
    if (q == std::string_view::npos) return {};
    std::string_view rest = t.substr(q + 1);
    auto h = rest.find('#');
    return h == std::string_view::npos ? rest : rest.substr(0, h);
}

const std::string* Request::header(std::string_view name) const {
    if (name.size() == 4 && iequals(name, "host")) return host.empty() ? nullptr : &host;
    for (const auto& h : headers)  // sizes first: most names differ in length (hot in replays)
        if (h.name.size() == name.size() && iequals(h.name, name)) return &h.value;
    return nullptr;
}

void Request::setHeader(std::string name, std::string value) {
    for (auto& h : headers)
        if (iequals(h.name, name)) {
            h.value = std::move(value);
            return;
        }
    headers.push_back({std::move(name), std::move(value)});
}

std::optional<std::string_view> Request::cookie(std::string_view name) const {
    for (const auto& h : headers) {
        if (!iequals(h.name, "cookie")) continue;
        std::string_view v = h.value;
        while (!v.empty()) {
            auto semi = v.find(';');
            std::string_view pair = v.substr(0, semi);
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            auto eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
            if (semi == std::string_view::npos) break;
            v.remove_prefix(semi + 1);
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> Request::arg(std::string_view name) const {
    std::string_view q = query();
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view pair = q.substr(0, amp);
        auto eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        if (key == name) return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

std::string Request::hostName() const {
    std::string out;
    hostName(out);
    return out;
}

void Request::hostName(std::string& out) const {
    std::string_view h = host;
    if (!h.empty() && h.front() == '[') {  // IPv6 literal
        auto close = h.find(']');
        h = close == std::string_view::npos ? h : h.substr(0, close + 1);
    } else {
        auto colon = h.rfind(':');
        if (colon != std::string_view::npos) h = h.substr(0, colon);
        while (!h.empty() && h.back() == '.') h.remove_suffix(1);
    }
    out.assign(h);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

std::optional<std::uint16_t> Request::hostPort() const {
    std::string_view h = host;
    std::size_t from = 0;
    if (!h.empty() && h.front() == '[') from = h.find(']');
    if (from == std::string_view::npos) return std::nullopt;
    auto colon = h.find(':', from);
    if (colon == std::string_view::npos) return std::nullopt;
    std::uint16_t p = 0;
    auto r = std::from_chars(h.data() + colon + 1, h.data() + h.size(), p);
    if (r.ec != std::errc() || r.ptr != h.data() + h.size()) return std::nullopt;
    return p;
}

ParsedUrl parseUrl(std::string_view url) {
    ParsedUrl out;
    Request& r = out.request;
    while (!url.empty() && (url.front() == ' ' || url.front() == '\t')) url.remove_prefix(1);
    while (!url.empty() && (url.back() == ' ' || url.back() == '\t' || url.back() == '\n' || url.back() == '\r'))
        url.remove_suffix(1);
    if (url.empty()) {
        out.error = "empty URL";
        return out;
    }
    for (char c : url)
        if (static_cast<unsigned char>(c) < 0x20 || c == ' ' || c == 0x7f) {
            out.error = "URL contains a space or a control character; percent-encode it";
            return out;
        }
    std::string_view rest = url;
    auto schemeEnd = rest.find("://");
    if (schemeEnd != std::string_view::npos && rest.find('/') > schemeEnd) {
        std::string scheme = toLower(rest.substr(0, schemeEnd));
        if (scheme != "http" && scheme != "https") {
            out.error = "scheme must be http or https, not " + scheme;
            return out;
        }
        r.scheme = scheme;
        rest.remove_prefix(schemeEnd + 3);
    } else if (!rest.empty() && rest.front() == '/') {
        r.target = std::string(rest);
        return out;  // no host: the request carries no Host header
    }
    auto pathStart = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, pathStart);
    if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);  // userinfo
    if (authority.empty()) {
        out.error = "URL has no host";
        return out;
    }
    r.host = std::string(authority);
    std::string_view target = pathStart == std::string_view::npos ? std::string_view() : rest.substr(pathStart);
    if (target.empty() || target.front() != '/')
        r.target = "/" + std::string(target);
    else
        r.target = std::string(target);
    if (auto hash = r.target.find('#'); hash != std::string::npos) r.target.resize(hash);  // never sent
    if (r.scheme == "https") r.sni = r.hostName();
    return out;
}

}  // namespace hs::sim

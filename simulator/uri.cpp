#include "simulator/uri.h"
#include "simulator/fast_string.h"

#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace hs::sim {

const char* uriErrorText(UriError e) {
    switch (e) {
    case UriError::None: return "";
    case UriError::BadPercentEncoding: return "invalid percent-encoding in the path";
    case UriError::NulByte: return "the path decodes to a NUL byte";
    case UriError::AboveRoot: return "`..` climbs above the root";
    case UriError::NotAbsolute: return "the path does not start with /";
    }
    return "";
}

namespace {
int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(c | 0x20);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
// No '%', "//" or "/." in `raw`: nothing to decode, merge or resolve. Sixteen bytes at a time
// where SSE2 is there: each block settles the pairs that start in its first fifteen bytes; the
// last sixteen (overlapping) settle the rest; a short path is copied into a zero-padded block.
bool plainPath(std::string_view raw) {
    const char* p = raw.data();
    const std::size_t n = raw.size();
#ifdef __SSE2__
    const __m128i pct = _mm_set1_epi8('%'), slash = _mm_set1_epi8('/'), dot = _mm_set1_epi8('.');
    auto clean = [&](const char* q) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
        const auto pcts = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, pct)));
        const auto slashes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, slash)));
        const auto dots = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, dot)));
        return !pcts && !(slashes & ((slashes | dots) >> 1) & 0x7FFFu);
    };
    if (n < 16) {
        alignas(16) char block[16] = {};
        std::memcpy(block, p, n);
        return clean(block);
    }
    for (std::size_t k = 0; k + 16 <= n; k += 15)
        if (!clean(p + k)) return false;
    return clean(p + n - 16);
#else
    for (std::size_t k = 0; k < n; ++k) {
        if (p[k] == '%') return false;
        if (p[k] == '/' && k + 1 < n && (p[k + 1] == '/' || p[k + 1] == '.')) return false;
    }
    return true;
#endif
}
}  // namespace

UriError normalizeUri(std::string_view raw, std::string& out) {
    if (raw.empty() || raw.front() != '/') {
        out.clear();
        return UriError::NotAbsolute;
    }
    // Fast path (replays): without '%', "//" and "/." there is nothing to decode, merge or resolve,
    // so $uri is the path itself.
    if (plainPath(raw)) {
        setText(out, raw);
        return UriError::None;
    }
    out.clear();
    out.reserve(raw.size());
    // One pass: decode, merge slashes, resolve dot segments. `out` always starts with '/'.
    std::size_t i = 0;
    auto next = [&](char& c) -> UriError {
        if (raw[i] != '%') {
            c = raw[i++];
            return UriError::None;
        }
        if (i + 2 >= raw.size()) return UriError::BadPercentEncoding;  // truncated "%4" at the end
        int hi = hexValue(raw[i + 1]), lo = hexValue(raw[i + 2]);
        if (hi < 0 || lo < 0) return UriError::BadPercentEncoding;
        c = static_cast<char>(hi * 16 + lo);
        i += 3;
        if (c == '\0') return UriError::NulByte;
        return UriError::None;
    };
    while (i < raw.size()) {
        char c;
        if (UriError e = next(c); e != UriError::None) return e;
        if (c == '/') {
            // merge slashes
            if (!out.empty() && out.back() == '/') continue;
            out.push_back('/');
            continue;
        }
        out.push_back(c);
        // When a segment ends (next char is '/' or end), check for "." and ".."
        bool segmentEnds = i >= raw.size();
        if (!segmentEnds) {
            // peek the next decoded char without consuming
            std::size_t save = i;
            char n;
            UriError e = next(n);
            i = save;
            if (e != UriError::None) return e;
            segmentEnds = n == '/';
        }
        if (!segmentEnds) continue;
        std::size_t slash = out.rfind('/');
        std::string_view seg(out.data() + slash + 1, out.size() - slash - 1);
        if (seg == ".") {
            out.resize(slash + 1);
        } else if (seg == "..") {
            if (slash == 0) return UriError::AboveRoot;
            std::size_t prev = out.rfind('/', slash - 1);
            out.resize(prev + 1);
        }
    }
    return UriError::None;
}

}  // namespace hs::sim

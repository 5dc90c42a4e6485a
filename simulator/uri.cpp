#include "simulator/uri.h"

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
}  // namespace

UriError normalizeUri(std::string_view raw, std::string& out) {
    out.clear();
    if (raw.empty() || raw.front() != '/') return UriError::NotAbsolute;
    // Fast path (replays): without '%', "//" and "/." there is nothing to decode, merge or resolve,
    // so $uri is the path itself.
    bool plain = true;
    for (std::size_t k = 0; plain && k < raw.size(); ++k) {
        char c = raw[k];
        if (c == '%')
            plain = false;
        else if (c == '/' && k + 1 < raw.size() && (raw[k + 1] == '/' || raw[k + 1] == '.'))
            plain = false;
    }
    if (plain) {
        out.assign(raw);
        return UriError::None;
    }
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

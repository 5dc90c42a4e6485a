#include "simulator/trace/time_parse.h"

#include <cstdio>

namespace hs::trace {

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[at + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

int monthFromName(std::string_view m) {
    static const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; ++i)
        if (m == names[i]) return i + 1;
    return 0;
}

bool validDate(int y, int mo, int d, int h, int mi, int s) {
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    // years whose nanoseconds since 1970 fit in 64 bits (1678–2261)
    return y >= 1678 && y <= 2261 && mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1] && h <= 23 && mi <= 59 &&
        s <= 60;
}

std::int64_t toNs(int y, int mo, int d, int h, int mi, int s) {
    std::int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return ((days * 24 + h) * 60 + mi) * 60 * kSecond + static_cast<std::int64_t>(s) * kSecond;
}

// "+hh:mm", "+hhmm", "Z" at `at`; sets the offset in seconds and `at` past it.
bool zone(std::string_view s, std::size_t& at, std::int64_t& offset) {
    if (at >= s.size()) return false;
    if (s[at] == 'Z' || s[at] == 'z') {
        offset = 0;
        ++at;
        return true;
    }
    if (s[at] != '+' && s[at] != '-') return false;
    int sign = s[at] == '-' ? -1 : 1;
    int hh = 0, mm = 0;
    if (!digits(s, at + 1, 2, hh)) return false;
    std::size_t p = at + 3;
    if (p < s.size() && s[p] == ':') ++p;
    if (!digits(s, p, 2, mm)) return false;
    if (hh > 23 || mm > 59) return false;
    offset = sign * (hh * 3600 + mm * 60);
    at = p + 2;
    return true;
}

}  // namespace

std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> parseTimeLocal(std::string_view s) {
    // 10/Oct/2000:13:55:36 -0700
    int d = 0, y = 0, h = 0, mi = 0, sec = 0;
    if (s.size() < 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ')
        return std::nullopt;
    if (!digits(s, 0, 2, d) || !digits(s, 7, 4, y) || !digits(s, 12, 2, h) || !digits(s, 15, 2, mi) ||
        !digits(s, 18, 2, sec))
        return std::nullopt;
    int mo = monthFromName(s.substr(3, 3));
    if (!mo || !validDate(y, mo, d, h, mi, sec)) return std::nullopt;
    std::size_t at = 21;
    std::int64_t offset = 0;
    if (!zone(s, at, offset) || at != s.size()) return std::nullopt;
    return toNs(y, mo, d, h, mi, sec) - offset * kSecond;
}

std::optional<std::int64_t> parseIso8601(std::string_view s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
        s[16] != ':')
        return std::nullopt;
    if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h) ||
        !digits(s, 14, 2, mi) || !digits(s, 17, 2, sec))
        return std::nullopt;
    if (!validDate(y, mo, d, h, mi, sec)) return std::nullopt;
    std::size_t at = 19;
    std::int64_t frac = 0;
    if (at < s.size() && (s[at] == '.' || s[at] == ',')) {
        ++at;
        std::int64_t scale = kSecond / 10;
        std::size_t start = at;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
            frac += (s[at] - '0') * scale;
            scale /= 10;
            ++at;
        }
        if (at == start) return std::nullopt;
    }
    std::int64_t offset = 0;
    if (at < s.size()) {
        if (!zone(s, at, offset) || at != s.size()) return std::nullopt;
    }
    return toNs(y, mo, d, h, mi, sec) + frac - offset * kSecond;
}

std::optional<std::int64_t> parseDecimalSeconds(std::string_view s) {
    if (s.empty()) return std::nullopt;
    bool neg = false;
    std::size_t i = 0;
    if (s[0] == '-') {
        neg = true;
        ++i;
    }
    std::int64_t whole = 0;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        whole = whole * 10 + (s[i] - '0');
        // Beyond year 2255: not a timestamp. Checked after each digit, so whole * kSecond below
        // cannot overflow (before: 11,883,411,981 s passed the check one digit early and the
        // multiplication overflowed — undefined behaviour found by fuzz_trace).
        if (whole > 9'000'000'000LL) return std::nullopt;
        ++i;
    }
    if (i == start) return std::nullopt;
    // the fraction as an integer of its first nine digits (ns), scaled once at the end
    std::int64_t frac = 0;
    int digits = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
            if (digits < 9) {
                frac = frac * 10 + (s[i] - '0');
                ++digits;
            }
    }
    if (i != s.size()) return std::nullopt;
    static constexpr std::int64_t kScale[10] = {1'000'000'000, 100'000'000, 10'000'000, 1'000'000, 100'000,
                                                10'000,        1'000,       100,        10,        1};
    std::int64_t v = whole * kSecond + frac * kScale[digits];
    return neg ? -v : v;
}

std::optional<std::int64_t> parseSecondsDuration(std::string_view s) {
    auto v = parseDecimalSeconds(s);
    if (!v || *v < 0) return std::nullopt;
    return v;
}

std::string formatIso8601Ms(std::int64_t ns) {
    std::int64_t secs = ns >= 0 ? ns / kSecond : (ns - kSecond + 1) / kSecond;
    std::int64_t ms = (ns - secs * kSecond) / 1'000'000;
    std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    std::int64_t rem = secs - days * 86400;
    // civil_from_days
    std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03lldZ", static_cast<long long>(y), m, d,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60),
                  static_cast<long long>(ms));
    return buf;
}

}  // namespace hs::trace

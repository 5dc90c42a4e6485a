#include "simulator/fast_string.h"

namespace hs::sim {

namespace {

// A longer value, or one that does not fit in what `s` holds: apart from the common case so that
// setText's own path needs no saved registers (a leaf of about fifteen instructions).
[[gnu::noinline]] void setTextSlow(std::string& s, std::string_view v) {
    const std::size_t n = v.size();
    if (n > s.size()) {  // `v` cannot point into a shorter `s`: empty it and append
        s.clear();
        s.append(v.data(), n);
    } else {
        std::memmove(s.data(), v.data(), n);
        s.erase(s.begin() + static_cast<std::ptrdiff_t>(n), s.end());
    }
}

}  // namespace

void setText(std::string& s, std::string_view v) {
    const std::size_t n = v.size();
    if (n > s.size() || n > 32) return setTextSlow(s, v);
    // every load before any store: `v` may point into `s`
    char* d = s.data();
    const char* p = v.data();
    if (n >= 8) {
        if (n <= 16) {
            std::uint64_t a, b;
            std::memcpy(&a, p, 8);
            std::memcpy(&b, p + n - 8, 8);
            std::memcpy(d, &a, 8);
            std::memcpy(d + n - 8, &b, 8);
        } else {
            struct Block {
                char b[16];
            } a, b;
            std::memcpy(&a, p, 16);
            std::memcpy(&b, p + n - 16, 16);
            std::memcpy(d, &a, 16);
            std::memcpy(d + n - 16, &b, 16);
        }
    } else if (n >= 4) {
        std::uint32_t a, b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        std::memcpy(d, &a, 4);
        std::memcpy(d + n - 4, &b, 4);
    } else if (n) {
        const char a = p[0], b = p[n / 2], c = p[n - 1];
        d[0] = a;
        d[n / 2] = b;
        d[n - 1] = c;
    }
    s.erase(s.begin() + static_cast<std::ptrdiff_t>(n), s.end());  // sets the length (erase(pos) checks pos)
}

}  // namespace hs::sim

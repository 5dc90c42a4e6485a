#pragma once
// Two string helpers for the per-request path of replays (the router, the trace readers, the
// replay engine), where a line costs about a microsecond and every call shows:
//  - fastHash: a non-cryptographic hash for short keys (names, route keys, Host headers), eight
//    bytes at a time with a multiply-xorshift mix — several times faster than std::hash's byte
//    loop. Never reaches an output.
//  - setText: `s = v` for a std::string reused from request to request.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace hs::sim {

inline std::uint64_t fastHash(std::string_view s) noexcept {
    constexpr std::uint64_t k = 0x9E3779B97F4A7C15ULL;
    std::uint64_t h = s.size() * k;
    const char* p = s.data();
    std::size_t n = s.size();
    while (n >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * k;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    if (n) {
        std::uint64_t w = 0;
        std::memcpy(&w, p, n);
        h = (h ^ w) * k;
        h ^= h >> 32;
    }
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    return h;
}

// `s = v`, keeping s's buffer. std::string::assign always goes through the general replace
// (about sixty instructions of bookkeeping around the copy, measured with callgrind) and memmove
// is a call of its own for the few bytes most fields hold; a replay copies some twenty short
// strings a request. When `v` is at most 32 bytes and no longer than what `s` holds (the same
// field of the previous request, usually), this is a copy in two overlapping moves and a length
// update; otherwise an append to the emptied string (a plain copy while the buffer has room).
// `v` may point into `s`.
void setText(std::string& s, std::string_view v);

}  // namespace hs::sim

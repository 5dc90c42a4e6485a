#pragma once
// A fast, non-cryptographic string hash for the replay's lookup tables (names, route keys), with
// transparent lookup by string_view. Keys are short (10–100 bytes): eight bytes at a time with a
// multiply-xorshift mix beats std::hash's byte loop several times over. Never reaches an output.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hs::replay::detail {

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

struct FastHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return static_cast<std::size_t>(fastHash(s)); }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, FastHash, std::equal_to<>>;

}  // namespace hs::replay::detail

#pragma once
// A fast, non-cryptographic string hash for the replay's lookup tables (names, route keys), with
// transparent lookup by string_view. Keys are short (10–100 bytes): eight bytes at a time with a
// multiply-xorshift mix beats std::hash's byte loop several times over. Never reaches an output.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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

// Strings → dense ids 0..n-1 in an open-addressing table (power-of-two size, linear probing):
// one hash, a mask and usually one comparison per lookup, no division, no node per entry. For
// the replay's per-line lookups (route keys, upstream names, endpoints, locations).
class FlatIndex {
public:
    static constexpr std::uint32_t kNone = UINT32_MAX;

    std::uint32_t find(std::string_view key) const {
        if (keys_.empty()) return kNone;
        std::uint64_t h = fastHash(key);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.id == kNone) return kNone;
            if (s.hash == h && keys_[s.id] == key) return s.id;
        }
    }
    // The id of `key`, adding it (as the next id) when new.
    std::uint32_t insert(std::string_view key) {
        if ((keys_.size() + 1) * 2 > slots_.size()) grow();
        std::uint64_t h = fastHash(key);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            Slot& s = slots_[i];
            if (s.id == kNone) {
                s.hash = h;
                s.id = static_cast<std::uint32_t>(keys_.size());
                keys_.emplace_back(key);
                return s.id;
            }
            if (s.hash == h && keys_[s.id] == key) return s.id;
        }
    }
    std::size_t size() const { return keys_.size(); }
    const std::string& key(std::uint32_t id) const { return keys_[id]; }
    void clear() {
        keys_.clear();
        slots_.clear();
        mask_ = 0;
    }

private:
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t id = kNone;
    };
    void grow() {
        std::size_t n = slots_.empty() ? 16 : slots_.size() * 2;
        slots_.assign(n, Slot{});
        mask_ = n - 1;
        for (std::uint32_t id = 0; id < keys_.size(); ++id) {
            std::uint64_t h = fastHash(keys_[id]);
            std::size_t i = h & mask_;
            while (slots_[i].id != kNone) i = (i + 1) & mask_;
            slots_[i] = {h, id};
        }
    }
    std::vector<std::string> keys_;
    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
};

}  // namespace hs::replay::detail

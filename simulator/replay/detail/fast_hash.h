#pragma once
// The replay's lookup tables (names, route keys) on sim::fastHash, with transparent lookup by
// string_view.

#include "simulator/fast_string.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace hs::replay::detail {

using sim::fastHash;

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

// Non-zero 64-bit keys → 32-bit values in an open-addressing table (power-of-two size, linear
// probing): the replay's routes by Decision::routeRef.
class IdMap {
public:
    static constexpr std::uint32_t kNone = UINT32_MAX;

    std::uint32_t find(std::uint64_t key) const {
        if (slots_.empty()) return kNone;
        for (std::size_t i = mix(key) & mask_;; i = (i + 1) & mask_) {
            if (slots_[i].key == key) return slots_[i].value;
            if (slots_[i].key == 0) return kNone;
        }
    }
    void insert(std::uint64_t key, std::uint32_t value) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        for (std::size_t i = mix(key) & mask_;; i = (i + 1) & mask_) {
            if (slots_[i].key == key || slots_[i].key == 0) {
                size_ += slots_[i].key == 0;
                slots_[i] = {key, value};
                return;
            }
        }
    }
    void clear() {
        slots_.clear();
        size_ = 0;
        mask_ = 0;
    }

private:
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t value = kNone;
    };
    static std::uint64_t mix(std::uint64_t k) {
        k ^= k >> 31;
        k *= 0x9E3779B97F4A7C15ULL;
        return k ^ (k >> 29);
    }
    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
        mask_ = slots_.size() - 1;
        size_ = 0;
        for (const Slot& s : old)
            if (s.key) insert(s.key, s.value);
    }
    std::vector<Slot> slots_;
    std::size_t size_ = 0, mask_ = 0;
};

}  // namespace hs::replay::detail

#pragma once
// A small cache of string keys seen lately and a value for each, direct-mapped: the key's hash
// picks its one slot. Replays send a handful of hosts and upstreams over and over; one hash and
// one comparison cost less than the work a remembered value saves (the ingress-nginx session's
// Host memo, host inference).

#include "simulator/fast_string.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hs::sim {

template <class Value, std::size_t N = 32>
class RecentMemo {
    static_assert((N & (N - 1)) == 0, "N must be a power of two");

public:
    struct Lookup {
        const Value* hit = nullptr;  // the value remembered for the key
        bool admit = false;  // a miss worth remembering: the caller calls remember()
    };

    // A key is admitted the second time running that it misses in its slot: a handful of keys
    // seen over and over settle in after two requests, while a stream of ever-different keys (a
    // thousand hosts in turn) costs one hash and one comparison per request and never a copy.
    Lookup lookup(std::string_view key) {
        const std::uint64_t h = fastHash(key);
        Entry& e = entries_[slot(h)];
        if (e.used && std::string_view(e.key) == key) return {&e.value, false};
        const bool again = e.candidate == h;
        e.candidate = h;
        return {nullptr, again};
    }

    // The entry for an admitted key, to fill in place: strings in the value keep their buffers,
    // so nothing is allocated once they have grown (the routing hot path allocates nothing).
    Value& remember(std::string_view key) {
        Entry& e = entries_[slot(fastHash(key))];
        e.used = true;
        e.key.assign(key);
        return e.value;
    }

private:
    static std::size_t slot(std::uint64_t h) { return static_cast<std::size_t>(h) & (N - 1); }
    struct Entry {
        bool used = false;
        std::uint64_t candidate = 0;  // the hash of the last key that missed here
        std::string key;
        Value value{};
    };
    std::array<Entry, N> entries_;
};

}  // namespace hs::sim

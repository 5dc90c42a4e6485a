#pragma once
// What a layout remembers about itself so the next one can stay close to it: for every node id,
// its lane, its rank in the lane and its vertical position. Passing the memo of the previous
// layout to computeLayout() keeps unchanged nodes in the same relative order and near the same
// place, and slots new nodes in next to their neighbours.

#include "app/graph/graph.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hs::graph {

class LayoutMemo {
public:
    struct Entry {
        Lane lane = Lane::Route;
        std::uint32_t order = 0;  // rank within the lane, 0 = top (bend points included)
        double y = 0;  // vertical centre
        bool bend = false;  // a bend point of a lane-skipping edge, not a node
    };

    // The entry for a node id, or nullptr.
    const Entry* find(std::string_view id) const;
    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }

    void insert(std::string id, const Entry& e);
    void reserve(std::size_t n) { entries_.reserve(n); }

    // Visits every entry, in no particular order; callers must not let that order reach an output.
    template <class F>
    void forEach(F&& f) const {
        for (const auto& [id, e] : entries_) f(std::string_view(id), e);
    }

    // The memo key of the bend point an edge from -> to has in `lane`.
    static std::string bendKey(std::string_view from, std::string_view to, Lane lane);

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

// How far a layout moved from the one before it, compared by node id (bend points ignored).
struct Stability {
    std::size_t common = 0;  // nodes in both layouts, in the same lane
    std::size_t moved = 0;  // of those, nodes whose centre moved more than one slot
    std::size_t swaps = 0;  // pairs of common nodes of one lane whose relative order flipped
    double maxShift = 0;  // the largest vertical move of a common node
};

// `slot` is the height of one row: a node's height plus the gap between nodes.
Stability compareLayouts(const LayoutMemo& before, const LayoutMemo& after, double slot);

}  // namespace hs::graph

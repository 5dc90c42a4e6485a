#include "app/graph/layout_memo.h"

#include "app/graph/detail/fenwick.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace hs::graph {

const LayoutMemo::Entry* LayoutMemo::find(std::string_view id) const {
    auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : &it->second;
}

void LayoutMemo::insert(std::string id, const Entry& e) { entries_.insert_or_assign(std::move(id), e); }

std::string LayoutMemo::bendKey(std::string_view from, std::string_view to, Lane lane) {
    // Ids never hold control characters, so the key cannot collide with a node id.
    std::string key;
    key.reserve(from.size() + to.size() + 4);
    key += '\x01';
    key += from;
    key += '\x1f';
    key += to;
    key += '\x1f';
    key += static_cast<char>('0' + static_cast<int>(lane));
    return key;
}

Stability compareLayouts(const LayoutMemo& before, const LayoutMemo& after, double slot) {
    Stability s;
    // (rank before, rank after) of the common nodes, per lane.
    std::array<std::vector<std::pair<std::uint32_t, std::uint32_t>>, kLaneCount> ranks;
    before.forEach([&](std::string_view id, const LayoutMemo::Entry& b) {
        if (b.bend) return;
        const LayoutMemo::Entry* a = after.find(id);
        if (!a || a->bend || a->lane != b.lane) return;
        ++s.common;
        double shift = std::abs(a->y - b.y);
        s.maxShift = std::max(s.maxShift, shift);
        if (shift > slot) ++s.moved;
        ranks[static_cast<int>(b.lane)].emplace_back(b.order, a->order);
    });
    detail::Fenwick tree;
    for (auto& lane : ranks) {
        std::sort(lane.begin(), lane.end());
        std::uint32_t maxRank = 0;
        for (const auto& r : lane) maxRank = std::max(maxRank, r.second);
        tree.reset(std::size_t{maxRank} + 1);
        for (const auto& r : lane) {
            s.swaps += tree.greater(r.second);
            tree.add(r.second);
        }
    }
    return s;
}

}  // namespace hs::graph

#pragma once
// A Fenwick (binary indexed) tree of counts over [0, n): the core of every crossing count.

#include <cstdint>
#include <vector>

namespace hs::graph::detail {

class Fenwick {
public:
    // Empties the tree and sizes it for indexes [0, n); keeps the allocation.
    void reset(std::size_t n) {
        tree_.assign(n + 1, 0);
        total_ = 0;
    }
    void add(std::uint32_t i) {
        for (std::size_t k = std::size_t{i} + 1; k < tree_.size(); k += k & (~k + 1)) ++tree_[k];
        ++total_;
    }
    // How many added indexes are greater than i.
    std::uint64_t greater(std::uint32_t i) const {
        std::uint64_t atMost = 0;
        for (std::size_t k = std::size_t{i} + 1; k > 0; k -= k & (~k + 1)) atMost += tree_[k];
        return total_ - atMost;
    }

private:
    std::vector<std::uint32_t> tree_;
    std::uint64_t total_ = 0;
};

}  // namespace hs::graph::detail

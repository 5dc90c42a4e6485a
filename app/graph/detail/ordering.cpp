#include "app/graph/detail/ordering.h"

#include "app/graph/detail/fenwick.h"
#include "app/graph/detail/isotonic.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <tuple>

namespace hs::graph::detail {

namespace {

constexpr int kPatience = 2;  // sweeps without a better count before giving up
constexpr int kMaxTransposePasses = 24;  // per layer and call
constexpr int kBlockFailures = 2;  // rejected block moves in a row before giving up on one
constexpr int kFinalRounds = 6;  // block moves + transposition over all layers, at the end
constexpr std::uint32_t kNone = 0xffffffffu;

// Neighbour lists are short (a Pod has one or two Services): insertion sort beats std::sort there.
template <class It>
void sortShort(It first, It last) {
    if (last - first > 16) {
        std::sort(first, last);
        return;
    }
    for (It i = first; i != last; ++i)
        for (It j = i; j != first && *j < *(j - 1); --j) std::iter_swap(j, j - 1);
}

// Pairs (a, b) with a from A, b from B and a > b; both sorted ascending. O(|A| + |B|).
std::uint64_t crossPairs(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
    std::uint64_t c = 0;
    std::size_t j = 0;
    for (std::uint32_t x : b) {
        while (j < a.size() && a[j] <= x) ++j;
        c += a.size() - j;
    }
    return c;
}

// Crossings between layers l and l + 1.
std::uint64_t countPair(const LayeredGraph& lg, const Ordering& o, std::uint32_t l, Fenwick& tree,
                        std::vector<std::uint32_t>& ends) {
    std::uint64_t total = 0;
    tree.reset(o.layers[l + 1].size());
    for (std::uint32_t u : o.layers[l]) {
        ends.clear();
        for (std::uint32_t w : lg.downs(u)) ends.push_back(o.pos[w]);
        sortShort(ends.begin(), ends.end());
        for (std::uint32_t p : ends) {
            total += tree.greater(p);
            tree.add(p);
        }
    }
    return total;
}

class Orderer {
public:
    explicit Orderer(const OrderingInput& in) : in_(in), g_(*in.graph), lg_(*in.layered) {}

    Ordering run() {
        const std::uint32_t layers = lg_.layerCount();
        o_.layers.assign(layers, {});
        o_.pos.assign(lg_.vertexCount(), 0);
        if (in_.initial == InitialOrder::Input)
            initialInput();
        else
            initialTraversal();
        locked_.assign(lg_.vertexCount(), 0);
        if (!in_.previousRank.empty()) applyPrevious();
        pairCount_.assign(layers, 0);
        pairDirty_.assign(layers, 1);
        for (std::uint32_t l = 0; l < layers; ++l) updatePos(l);

        std::int64_t best = total();
        o_.initialCrossings = best;
        if (in_.maxSweeps <= 0 || layers < 2) {
            o_.crossings = best;
            return std::move(o_);
        }
        // Block moves would reorder the vertices of a previous layout: not with one.
        const bool blocks = in_.moveBlocks && !anyLocked_;
        std::vector<std::vector<std::uint32_t>> bestLayers = o_.layers;
        int stale = 0;
        int sweeps = in_.maxSweeps;
        if (in_.sweepWork > 0) {
            const std::size_t work = std::size_t{lg_.vertexCount()} + lg_.downList.size();
            sweeps = std::min(
                sweeps,
                static_cast<int>(std::clamp<std::size_t>(in_.sweepWork / std::max<std::size_t>(work, 1), 4, 1000)));
        }
        for (int sweep = 0; sweep < sweeps && best > 0; ++sweep) {
            for (std::uint32_t l = 1; l < layers; ++l) {
                reorder(l, true);
                if (in_.transpose) transposeLayer(l);
            }
            for (std::uint32_t l = layers - 1; l-- > 0;) {
                reorder(l, false);
                if (in_.transpose) transposeLayer(l);
            }
            ++o_.sweeps;
            std::int64_t c = total();
            if (blocks) c = moveBlocks(c);
            if (c < best) {
                best = c;
                bestLayers = o_.layers;
                stale = 0;
            } else if (++stale >= kPatience) {
                break;
            }
        }
        o_.layers = std::move(bestLayers);
        for (std::uint32_t l = 0; l < layers; ++l) updatePos(l);
        for (int round = 0; round < kFinalRounds && best > 0; ++round) {
            std::int64_t before = best;
            if (blocks) best = moveBlocks(best);
            if (in_.transpose) {
                for (std::uint32_t l = 0; l < layers; ++l) transposeLayer(l);
                best = total();
            }
            if (best >= before) break;
        }
        o_.crossings = best;
        return std::move(o_);
    }

private:
    // After layer l changed: positions, and the counts next to it are stale.
    void updatePos(std::uint32_t l) {
        const auto& layer = o_.layers[l];
        for (std::uint32_t i = 0; i < layer.size(); ++i) o_.pos[layer[i]] = i;
        if (l > 0) pairDirty_[l - 1] = 1;
        pairDirty_[l] = 1;
    }

    // Total crossings, recounting only the layer pairs that changed.
    std::int64_t total() {
        std::uint64_t sum = 0;
        for (std::uint32_t l = 0; l + 1 < lg_.layerCount(); ++l) {
            if (pairDirty_[l]) pairCount_[l] = countPair(lg_, o_, l, tree_, ends_);
            pairDirty_[l] = 0;
            sum += pairCount_[l];
        }
        return static_cast<std::int64_t>(sum);
    }

    // Sort key of a vertex for the traversal: namespace, label, id. A bend vertex sorts like the
    // lower end of its edge.
    std::vector<std::uint32_t> traversalRanks() const {
        std::vector<std::uint32_t> byKey(lg_.realCount);
        std::iota(byKey.begin(), byKey.end(), 0u);
        std::sort(byKey.begin(), byKey.end(), [&](std::uint32_t a, std::uint32_t b) {
            const GraphNode& x = g_.nodes[a];
            const GraphNode& y = g_.nodes[b];
            return std::tie(x.ns, x.label, x.id, a) < std::tie(y.ns, y.label, y.id, b);
        });
        std::vector<std::uint32_t> rank(lg_.vertexCount());
        for (std::uint32_t i = 0; i < byKey.size(); ++i) rank[byKey[i]] = i;
        for (std::uint32_t v = lg_.realCount; v < lg_.vertexCount(); ++v)
            rank[v] = rank[lg_.chains[lg_.bendEdge[v - lg_.realCount]].bottom];
        return rank;
    }

    // Depth first, one namespace after the other (cluster-scoped entries first); within a
    // namespace from its earliest lane, children below before parents above, each group by name.
    // The walk does not cross into another namespace, so a shared entry does not drag every
    // namespace's Ingresses into the first one's band. A tree comes out planar.
    void initialTraversal() {
        const std::uint32_t n = lg_.vertexCount();
        const std::vector<std::uint32_t> rank = traversalRanks();
        std::vector<std::uint32_t> band(n, kNone);  // namespace number; bend vertices belong to all
        {
            std::vector<std::uint32_t> byRank(lg_.realCount);
            for (std::uint32_t v = 0; v < lg_.realCount; ++v) byRank[rank[v]] = v;
            std::uint32_t id = 0;
            for (std::uint32_t i = 0; i < lg_.realCount; ++i) {
                if (i > 0 && g_.nodes[byRank[i]].ns != g_.nodes[byRank[i - 1]].ns) ++id;
                band[byRank[i]] = id;
            }
        }
        auto sameBand = [&](std::uint32_t a, std::uint32_t b) {
            return band[a] == kNone || band[b] == kNone || band[a] == band[b];
        };
        auto byRank = [&](std::uint32_t a, std::uint32_t b) { return std::tie(rank[a], a) < std::tie(rank[b], b); };
        std::vector<std::uint32_t> begin(std::size_t{n} + 1, 0), list;
        list.reserve(lg_.downList.size() + lg_.upList.size());
        for (std::uint32_t v = 0; v < n; ++v) {
            for (auto side : {lg_.downs(v), lg_.ups(v)}) {
                std::size_t at = list.size();
                for (std::uint32_t w : side)
                    if (sameBand(v, w)) list.push_back(w);
                std::sort(list.begin() + static_cast<std::ptrdiff_t>(at), list.end(), byRank);
            }
            begin[v + 1] = static_cast<std::uint32_t>(list.size());
        }
        std::vector<std::uint32_t> roots(n);
        std::iota(roots.begin(), roots.end(), 0u);
        std::sort(roots.begin(), roots.end(), [&](std::uint32_t a, std::uint32_t b) {
            return std::tie(band[a], lg_.layer[a], rank[a], a) < std::tie(band[b], lg_.layer[b], rank[b], b);
        });
        std::vector<char> seen(n, 0);
        std::vector<std::pair<std::uint32_t, std::uint32_t>> stack;  // vertex, next neighbour
        auto visit = [&](std::uint32_t v) {
            seen[v] = 1;
            o_.layers[lg_.layer[v]].push_back(v);
            stack.emplace_back(v, begin[v]);
        };
        for (std::uint32_t r : roots) {
            if (seen[r]) continue;
            visit(r);
            while (!stack.empty()) {
                auto& [v, next] = stack.back();
                if (next == begin[v + 1]) {
                    stack.pop_back();
                    continue;
                }
                std::uint32_t w = list[next++];
                if (!seen[w]) visit(w);
            }
        }
    }

    void initialInput() {
        for (std::uint32_t v = 0; v < lg_.vertexCount(); ++v) o_.layers[lg_.layer[v]].push_back(v);
    }

    // Vertices of the previous layout first, in their previous order; new ones after them in
    // initial order, to be slotted in by the sweeps.
    void applyPrevious() {
        for (std::uint32_t v = 0; v < lg_.vertexCount(); ++v) locked_[v] = in_.previousRank[v] >= 0 ? 1 : 0;
        for (auto& layer : o_.layers) {
            auto known =
                std::stable_partition(layer.begin(), layer.end(), [&](std::uint32_t v) { return locked_[v] != 0; });
            std::stable_sort(layer.begin(), known, [&](std::uint32_t a, std::uint32_t b) {
                return in_.previousRank[a] < in_.previousRank[b];
            });
        }
        anyLocked_ = std::any_of(locked_.begin(), locked_.end(), [](char c) { return c != 0; });
    }

    std::size_t degree(std::uint32_t v) const { return lg_.ups(v).size() + lg_.downs(v).size(); }

    // The sort key of v for a sweep coming from above (up) or below; false if v has no neighbour
    // to go by and should stay where it is.
    bool key(std::uint32_t v, bool up, double& out) {
        if (in_.heuristic == OrderHeuristic::Balanced) {
            double sum = 0, weights = 0;
            for (auto side : {lg_.ups(v), lg_.downs(v)})
                for (std::uint32_t w : side) {
                    double weight = 1.0 / static_cast<double>(degree(w));
                    sum += weight * (o_.pos[w] + 0.5) / static_cast<double>(o_.layers[lg_.layer[w]].size());
                    weights += weight;
                }
            if (weights == 0) return false;
            out = sum / weights;
            return true;
        }
        auto nb = up ? lg_.ups(v) : lg_.downs(v);
        if (nb.empty()) return false;
        if (in_.heuristic == OrderHeuristic::Barycenter || nb.size() <= 2) {
            double sum = 0;
            for (std::uint32_t w : nb) sum += o_.pos[w];
            out = sum / static_cast<double>(nb.size());
            return true;
        }
        scratch_.clear();
        for (std::uint32_t w : nb) scratch_.push_back(o_.pos[w]);
        std::sort(scratch_.begin(), scratch_.end());
        std::size_t m = scratch_.size() / 2;
        out = scratch_.size() % 2 ? scratch_[m] : (static_cast<double>(scratch_[m - 1]) + scratch_[m]) / 2;
        return true;
    }

    // Sorts layer l by key. Vertices without a key keep their place; with a previous layout, its
    // vertices keep their relative order and only new ones move.
    void reorder(std::uint32_t l, bool up) {
        auto& layer = o_.layers[l];
        const std::size_t n = layer.size();
        if (n < 2) return;
        if (anyLocked_) {
            reorderLocked(l, up);
            return;
        }
        movable_.clear();
        has_.assign(n, 0);
        for (std::uint32_t i = 0; i < n; ++i) {
            double k;
            if (key(layer[i], up, k)) {
                movable_.emplace_back(k, i);
                has_[i] = 1;
            }
        }
        if (movable_.empty()) return;
        std::sort(movable_.begin(), movable_.end());
        out_.resize(n);
        std::size_t j = 0;
        for (std::uint32_t i = 0; i < n; ++i) out_[i] = has_[i] ? layer[movable_[j++].second] : layer[i];
        layer.swap(out_);
        updatePos(l);
    }

    void reorderLocked(std::uint32_t l, bool up) {
        auto& layer = o_.layers[l];
        const std::size_t n = layer.size();
        // The frame: previous vertices, and new ones without a key (they stay where they are).
        frame_.clear();
        frameKey_.clear();
        movable_.clear();
        for (std::uint32_t i = 0; i < n; ++i) {
            double k = 0;
            bool has = key(layer[i], up, k);
            if (locked_[layer[i]] || !has) {
                frame_.push_back(layer[i]);
                frameKey_.push_back(has ? k : std::numeric_limits<double>::quiet_NaN());
            } else {
                movable_.emplace_back(k, i);
            }
        }
        if (movable_.empty()) return;
        std::sort(movable_.begin(), movable_.end());
        // The frame's keys made monotone (least squares); keyless frame vertices ride along with
        // the one before them. New vertices go in before the first frame vertex keyed above them.
        fitValues_.clear();
        for (double k : frameKey_)
            if (k == k) fitValues_.push_back(k);
        fitWeights_.assign(fitValues_.size(), 1.0);
        isotonicFit(fitValues_, fitWeights_, iso_);
        std::size_t f = 0;
        double last = -std::numeric_limits<double>::infinity();
        for (double& k : frameKey_) {
            if (k == k) last = fitValues_[f++];
            k = last;
        }
        out_.clear();
        std::size_t m = 0;
        for (std::size_t i = 0; i < frame_.size(); ++i) {
            while (m < movable_.size() && movable_[m].first < frameKey_[i]) out_.push_back(layer[movable_[m++].second]);
            out_.push_back(frame_[i]);
        }
        while (m < movable_.size()) out_.push_back(layer[movable_[m++].second]);
        layer.swap(out_);
        updatePos(l);
    }

    std::uint32_t findRoot(std::uint32_t v) {
        while (parent_[v] != v) v = parent_[v] = parent_[parent_[v]];
        return v;
    }

    // Block moves at every layer, both sides; returns the new total.
    std::int64_t moveBlocks(std::int64_t current) {
        for (std::uint32_t l = 0; l < lg_.layerCount() && current > 0; ++l) {
            current = moveBlocks(l, true, current);
            current = moveBlocks(l, false, current);
        }
        return current;
    }

    // Per vertex on one side of `cut`, a representative of its connected part there (joined by
    // segments on that side only); empty if that side is one part or none. Depends on the graph
    // only, so it is computed once per cut and side.
    const std::vector<std::uint32_t>& blockRoots(std::uint32_t cut, bool below) {
        const std::size_t slot = 2 * std::size_t{cut} + (below ? 1 : 0);
        if (roots_.size() != 2 * std::size_t{lg_.layerCount()}) {
            roots_.assign(2 * std::size_t{lg_.layerCount()}, {});
            rootsDone_.assign(roots_.size(), 0);
        }
        auto& root = roots_[slot];
        if (rootsDone_[slot]) return root;
        rootsDone_[slot] = 1;
        const std::uint32_t lo = below ? cut + 1 : 0, hi = below ? lg_.layerCount() : cut;
        parent_.resize(lg_.vertexCount());
        for (std::uint32_t l = lo; l < hi; ++l)
            for (std::uint32_t v : o_.layers[l]) parent_[v] = v;
        std::size_t parts = 0;
        for (std::uint32_t l = lo; l < hi; ++l) parts += o_.layers[l].size();
        for (std::uint32_t l = lo; l + 1 < hi; ++l)
            for (std::uint32_t v : o_.layers[l])
                for (std::uint32_t w : lg_.downs(v)) {
                    std::uint32_t a = findRoot(v), b = findRoot(w);
                    if (a != b) parent_[std::max(a, b)] = std::min(a, b), --parts;
                }
        if (parts < 2) return root;
        root.assign(lg_.vertexCount(), kNone);
        for (std::uint32_t l = lo; l < hi; ++l)
            for (std::uint32_t v : o_.layers[l]) root[v] = findRoot(v);
        return root;
    }

    // The connected parts of the layers on one side of layer `cut` (joined by their own segments
    // only) can be permuted without crossings among each other: they are made contiguous, in the
    // order of the barycenter of their links to the cut layer. Sweeps cannot do this: they move
    // one vertex at a time, and a hub in the cut layer (an entry) drags vertices, not subtrees.
    // Kept only if the total drops. O(V α + E log V).
    std::int64_t moveBlocks(std::uint32_t cut, bool below, std::int64_t current) {
        const std::uint32_t lo = below ? cut + 1 : 0, hi = below ? lg_.layerCount() : cut;  // layers [lo, hi)
        if (lo >= hi) return current;
        // A move that failed twice in a row (blocks grouped by a hub, say) is not tried again.
        const std::size_t slot = 2 * std::size_t{cut} + (below ? 1 : 0);
        if (blockFails_.size() != 2 * std::size_t{lg_.layerCount()})
            blockFails_.assign(2 * std::size_t{lg_.layerCount()}, 0);
        if (blockFails_[slot] >= kBlockFailures) return current;
        const std::vector<std::uint32_t>& root = blockRoots(cut, below);
        if (root.empty()) return current;  // a single block
        // Blocks numbered in order of appearance, from the layer next to the cut outwards.
        const std::uint32_t next = below ? cut + 1 : cut - 1;
        blockOf_.resize(lg_.vertexCount());
        blockOfRoot_.resize(lg_.vertexCount());
        ++stampNow_;
        if (blockStamp_.size() != lg_.vertexCount()) blockStamp_.assign(lg_.vertexCount(), 0);
        std::uint32_t blocks = 0;
        for (std::uint32_t k = 0; k < hi - lo; ++k) {
            std::uint32_t l = below ? lo + k : hi - 1 - k;
            for (std::uint32_t v : o_.layers[l]) {
                std::uint32_t r = root[v];
                if (blockStamp_[r] != stampNow_) blockStamp_[r] = stampNow_, blockOfRoot_[r] = blocks++;
                blockOf_[v] = blockOfRoot_[r];
            }
        }
        if (blocks < 2) return current;
        // Key: mean position of the block's links into the cut layer. A block without links keeps
        // the place of its first vertex next to the cut, scaled to the cut layer.
        blockSum_.assign(blocks, 0.0);
        blockLinks_.assign(blocks, 0.0);
        blockFirst_.assign(blocks, -1.0);
        for (std::uint32_t v : o_.layers[next]) {
            std::uint32_t b = blockOf_[v];
            if (blockFirst_[b] < 0) blockFirst_[b] = o_.pos[v];
            for (std::uint32_t w : below ? lg_.ups(v) : lg_.downs(v)) blockSum_[b] += o_.pos[w], blockLinks_[b] += 1;
        }
        const double scale = static_cast<double>(o_.layers[cut].size()) /
            static_cast<double>(std::max<std::size_t>(1, o_.layers[next].size()));
        for (std::uint32_t b = 0; b < blocks; ++b)
            blockSum_[b] = blockLinks_[b] > 0 ? blockSum_[b] / blockLinks_[b]
                : blockFirst_[b] >= 0         ? blockFirst_[b] * scale
                                              : std::numeric_limits<double>::max();
        auto before = [&](std::uint32_t a, std::uint32_t b) {
            std::uint32_t x = blockOf_[a], y = blockOf_[b];
            return std::tie(blockSum_[x], x) < std::tie(blockSum_[y], y);
        };
        bool sorted = true;
        for (std::uint32_t l = lo; l < hi && sorted; ++l)
            sorted = std::is_sorted(o_.layers[l].begin(), o_.layers[l].end(), before);
        if (sorted) return current;
        total();  // every count clean, so the ones below are exactly those of the move
        saved_.assign(o_.layers.begin() + lo, o_.layers.begin() + hi);
        savedCount_ = pairCount_;
        for (std::uint32_t l = lo; l < hi; ++l) {
            std::stable_sort(o_.layers[l].begin(), o_.layers[l].end(), before);
            updatePos(l);
        }
        std::int64_t c = total();
        if (c < current) {
            blockFails_[slot] = 0;
            return c;
        }
        ++blockFails_[slot];
        for (std::uint32_t l = lo; l < hi; ++l) {
            o_.layers[l].swap(saved_[l - lo]);
            updatePos(l);
        }
        pairCount_ = savedCount_;
        std::fill(pairDirty_.begin(), pairDirty_.end(), 0);
        return current;
    }

    // Swaps neighbouring vertices of layer l while that lowers the crossings with both
    // neighbouring layers. Returns whether anything moved.
    bool transposeLayer(std::uint32_t l) {
        auto& layer = o_.layers[l];
        const auto n = static_cast<std::uint32_t>(layer.size());
        if (n < 2) return false;
        // Sorted neighbour positions per local index; they do not change while layer l moves.
        tUpBegin_.assign(std::size_t{n} + 1, 0);
        tDownBegin_.assign(std::size_t{n} + 1, 0);
        tUp_.clear();
        tDown_.clear();
        for (std::uint32_t i = 0; i < n; ++i) {
            std::size_t at = tUp_.size();
            for (std::uint32_t w : lg_.ups(layer[i])) tUp_.push_back(o_.pos[w]);
            sortShort(tUp_.begin() + static_cast<std::ptrdiff_t>(at), tUp_.end());
            tUpBegin_[i + 1] = static_cast<std::uint32_t>(tUp_.size());
            at = tDown_.size();
            for (std::uint32_t w : lg_.downs(layer[i])) tDown_.push_back(o_.pos[w]);
            sortShort(tDown_.begin() + static_cast<std::ptrdiff_t>(at), tDown_.end());
            tDownBegin_[i + 1] = static_cast<std::uint32_t>(tDown_.size());
        }
        auto ups = [&](std::uint32_t i) {
            return std::span<const std::uint32_t>(tUp_.data() + tUpBegin_[i], tUp_.data() + tUpBegin_[i + 1]);
        };
        auto downs = [&](std::uint32_t i) {
            return std::span<const std::uint32_t>(tDown_.data() + tDownBegin_[i], tDown_.data() + tDownBegin_[i + 1]);
        };
        perm_.resize(n);
        std::iota(perm_.begin(), perm_.end(), 0u);
        // Pairs (i, i + 1) to look at: all at first, then only those next to a swap.
        cand_.resize(n - 1);
        std::iota(cand_.begin(), cand_.end(), 0u);
        stamp_.assign(n, -1);
        bool any = false;
        for (int pass = 0; pass < kMaxTransposePasses && !cand_.empty(); ++pass) {
            next_.clear();
            auto recheck = [&](std::uint32_t i) {
                if (stamp_[i] != pass) stamp_[i] = pass, next_.push_back(i);
            };
            for (std::uint32_t i : cand_) {
                std::uint32_t a = perm_[i], b = perm_[i + 1];
                if (locked_[layer[a]] && locked_[layer[b]]) continue;
                std::uint64_t keep = crossPairs(ups(a), ups(b)) + crossPairs(downs(a), downs(b));
                if (keep == 0) continue;
                std::uint64_t flip = crossPairs(ups(b), ups(a)) + crossPairs(downs(b), downs(a));
                if (flip < keep) {
                    std::swap(perm_[i], perm_[i + 1]);
                    any = true;
                    if (i > 0) recheck(i - 1);
                    if (i + 2 < n) recheck(i + 1);
                }
            }
            std::sort(next_.begin(), next_.end());
            cand_.swap(next_);
        }
        if (!any) return false;
        out_.resize(n);
        for (std::uint32_t i = 0; i < n; ++i) out_[i] = layer[perm_[i]];
        layer.swap(out_);
        updatePos(l);
        return true;
    }

    const OrderingInput& in_;
    const Graph& g_;
    const LayeredGraph& lg_;
    Ordering o_;
    std::vector<char> locked_;
    bool anyLocked_ = false;

    // Scratch, kept between calls to avoid allocations in the sweeps.
    std::vector<std::uint32_t> scratch_, out_, frame_, perm_;
    std::vector<std::pair<double, std::uint32_t>> movable_;
    std::vector<char> has_;
    std::vector<double> frameKey_, fitValues_, fitWeights_;
    IsotonicScratch iso_;
    std::vector<std::uint32_t> tUpBegin_, tUp_, tDownBegin_, tDown_;
    std::vector<std::uint32_t> parent_, blockOf_, blockOfRoot_, cand_, next_;
    std::vector<std::vector<std::uint32_t>> roots_;  // per cut and side, see blockRoots()
    std::vector<char> rootsDone_;
    std::vector<int> blockFails_;  // per cut and side: block moves rejected in a row
    std::vector<std::uint32_t> blockStamp_;
    std::uint32_t stampNow_ = 0;
    std::vector<int> stamp_;
    std::vector<double> blockSum_, blockLinks_, blockFirst_;
    std::vector<std::vector<std::uint32_t>> saved_;
    std::vector<std::uint64_t> pairCount_, savedCount_;  // crossings between layer l and l + 1
    std::vector<char> pairDirty_;
    Fenwick tree_;
    std::vector<std::uint32_t> ends_;
};

}  // namespace

Ordering orderLayers(const OrderingInput& in) { return Orderer(in).run(); }

std::int64_t countOrderCrossings(const LayeredGraph& lg, const Ordering& o) {
    Fenwick tree;
    std::vector<std::uint32_t> ends;
    std::uint64_t total = 0;
    for (std::uint32_t l = 0; l + 1 < lg.layerCount(); ++l) total += countPair(lg, o, l, tree, ends);
    return static_cast<std::int64_t>(total);
}

}  // namespace hs::graph::detail
